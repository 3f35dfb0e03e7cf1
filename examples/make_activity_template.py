"""Regenerate examples/activity-template.xlsx from examples/activity-2025-03.yaml.

Run ``uv run python examples/make_activity_template.py``. The workbook carries the example's
figures under Chinese headings, so a plant sees a filled-in form and ``tanji calc`` reads it back
to the same result as the YAML file (tests/cli/test_calc.py checks this).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tanji.accounting.activity_xlsx import write_workbook

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Write the template next to this script."""
    document = yaml.safe_load((HERE / "activity-2025-03.yaml").read_text(encoding="utf-8"))
    write_workbook(document, HERE / "activity-template.xlsx")


if __name__ == "__main__":
    main()
