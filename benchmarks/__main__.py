"""Run every benchmark module (or those named on the command line) and print its figures."""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
    )
    print(
        f"# tanji benchmarks — {platform.python_version()} on {platform.machine()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n## {name}")
        started = time.perf_counter()
        for line in module.run():
            print(line, flush=True)
        print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
