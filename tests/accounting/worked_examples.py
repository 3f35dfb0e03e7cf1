"""Loader of the worked examples kept as data (tests/accounting/data/*.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"


def load_example(name: str) -> dict[str, Any]:
    """The example ``name`` (file stem); every file names its clause and source."""
    data: dict[str, Any] = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    assert data["clause"], f"{name}: the clause is required"
    assert data["source"], f"{name}: the source is required"
    return data
