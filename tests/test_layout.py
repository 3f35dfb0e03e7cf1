"""Conventions of the tree, enforced (module size, names, docstrings)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tanji"
MAX_MODULE_LINES = 500
FORBIDDEN_NAMES = {"utils", "helpers", "common", "misc"}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_small_and_documented(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES, f"{path.name} exceeds {MAX_MODULE_LINES} lines"
    if path.name != "__main__.py":
        assert ast.get_docstring(ast.parse(text)), f"{path} has no module docstring"


def test_no_grab_bag_module_names() -> None:
    bad = [p for p in SRC.rglob("*.py") if p.stem in FORBIDDEN_NAMES]
    assert bad == []
