"""Reads of tenant data start from an actor: no unscoped manager call outside the query modules.

Outside ``queries.py`` (the readers), ``audit.py`` (the audit writer) and migrations, a model
manager may only be entered through ``visible_to(actor, …)``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tanji"
APPS = ("tenancy", "plant", "metrology", "demo")
ALLOWED_FILES = {"queries.py", "audit.py"}
MANAGER_CALL = re.compile(r"\.objects\.(?!visible_to\()")


def _modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (SRC / app).rglob("*.py")
        if "migrations" not in path.parts and path.name not in ALLOWED_FILES
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_unscoped_manager_calls(path: Path) -> None:
    offending = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MANAGER_CALL.search(line)
    ]
    assert offending == []
