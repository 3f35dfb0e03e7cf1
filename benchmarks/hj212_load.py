"""The HJ 212 load generator of ``bench_ingest``, run as its own process.

Usage: ``python -m benchmarks.hj212_load FRAMES.json HOST PORT``. The JSON maps each MN to its
frames (hex); one connection per MN sends them in order, each waiting for its 9014 answer.
Prints one JSON line: the latencies (s) and the wall time from the first send to the last
answer. A separate process keeps the devices' own work off the platform's core.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path


async def _device(address: tuple[str, int], frames: list[bytes], latencies: list[float]) -> None:
    from tests.gateways.hj212_tcp.harness import connect

    client = await connect(address)
    try:
        for frame in frames:
            started = time.perf_counter()
            await client.send(frame)
            answer = await client.receive(timeout=60)
            if answer is None or answer.cn != 9014:
                raise RuntimeError(f"no 9014 answer: {answer!r}")
            latencies.append(time.perf_counter() - started)
    finally:
        await client.close()


async def _main(path: str, host: str, port: int) -> dict[str, object]:
    plan = json.loads(Path(path).read_text(encoding="utf-8"))
    frames = {mn: [bytes.fromhex(f) for f in hexes] for mn, hexes in plan.items()}
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_device((host, port), f, latencies) for f in frames.values()))
    return {"latencies": latencies, "wall": time.perf_counter() - started}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(sys.argv[1], sys.argv[2], int(sys.argv[3])))))
