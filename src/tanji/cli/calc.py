"""``tanji calc``: evaluate a reporting period from an activity file, or worked-example cases.

``tanji calc FILE`` reads an activity file (YAML/JSON/Excel, docs/reference/activity-file.md) and
prints per source and per boundary the emission, unit, method, factor sources and the expanded
uncertainty U (k = 2, first-order GUM); ``--json`` gives the same as one JSON document.
``tanji calc --cases FILE`` evaluates a ``tanji-cases/1`` file and prints one JSON line per case.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tanji.accounting.activity import load_activity
from tanji.accounting.cases import evaluate_case, load_cases, mismatches
from tanji.accounting.factors import FactorUse, load_library
from tanji.accounting.period import PeriodResult, evaluate_period
from tanji.errors import CodedError

K = 2.0  #: coverage factor of the expanded uncertainty shown (≈ 95 %)


def register(subparsers: Any) -> None:
    """Add ``tanji calc``."""
    parser = subparsers.add_parser(
        "calc",
        help="compute emissions of a period (activity file) or of worked-example cases",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", type=Path, help="activity file (.yaml, .json, .xlsx)")
    parser.add_argument("--cases", type=Path, metavar="FILE", help="tanji-cases/1 file to evaluate")
    parser.add_argument("--check", action="store_true", help="with --cases: exit 1 on a mismatch")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--recompute",
        action="store_true",
        help="recompute a period pinned to another factor-library version with this library",
    )
    parser.add_argument("--library", type=Path, help="factor-library directory (default: built-in)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the cases or the period evaluation; coded errors → exit status 2."""
    if (args.file is None) == (args.cases is None):
        print("tanji calc: give an activity FILE or --cases FILE (not both)", file=sys.stderr)
        return 2
    try:
        if args.cases is not None:
            return _run_cases(args.cases, args.check)
        return _run_period(args)
    except CodedError as error:
        if args.json:
            print(json.dumps({"error": error.as_dict()}, ensure_ascii=False, default=str))
        else:
            print(f"tanji calc: error [{error.code}]: {error}", file=sys.stderr)
        return 2


def _run_cases(path: Path, check: bool) -> int:
    failed = 0
    for case in load_cases(path):
        outputs = evaluate_case(case)
        print(json.dumps({"id": case.id, "outputs": outputs}, ensure_ascii=False))
        bad = mismatches(case, outputs)
        if bad:
            failed += 1
            print(f"tanji calc: case {case.id}: mismatch in {', '.join(bad)}", file=sys.stderr)
    return 1 if check and failed else 0


def _run_period(args: argparse.Namespace) -> int:
    activity = load_activity(args.file)
    library = load_library(args.library)
    result = evaluate_period(activity, library, recompute=args.recompute)
    if args.json:
        print(json.dumps(period_document(result), ensure_ascii=False, indent=2))
    else:
        print(period_table(result))
    return 0


def _use(use: FactorUse) -> dict[str, Any]:
    return {
        "parameter": use.parameter,
        "value": use.value,
        "unit": use.unit,
        "origin": use.origin.value,
        "entry_id": use.entry_id,
        "library_version": use.library_version,
        "source": use.source,
        "confidence": use.confidence.value if use.confidence else None,
    }


def period_document(result: PeriodResult) -> dict[str, Any]:
    """The period result as a JSON-ready document (every figure with u and U, k = 2)."""
    return {
        "format": "tanji-period-result/1",
        "enterprise": result.enterprise,
        "period": {"start": result.period_start, "end": result.period_end},
        "factor_library": {"version": result.library_version, "digest": result.library_digest},
        "coverage_factor": K,
        "sources": [
            {
                "id": s.id,
                "name": s.name,
                "category": s.category.value,
                "method": s.method.value,
                "scope": s.scope.value,
                "boundaries": sorted(b.value for b in s.boundaries),
                "co2_t": s.co2_t,
                "u_co2_t": s.u_co2_t,
                "U_co2_t": K * s.u_co2_t,
                "biogenic_co2_t": s.biogenic_co2_t,
                "outputs": dict(s.outputs),
                "factors": [_use(f) for f in s.factors],
            }
            for s in result.sources
        ],
        "boundaries": {
            b.value: {
                "co2_t": r.co2_t,
                "u_co2_t": r.u_co2_t,
                "U_co2_t": K * r.u_co2_t,
                "by_category": {c.value: v for c, v in r.by_category.items()},
                "intensity_tco2_per_t": r.intensity_tco2_per_t,
                "U_intensity_tco2_per_t": None
                if r.u_intensity_tco2_per_t is None
                else K * r.u_intensity_tco2_per_t,
                "uncertainty_budget_t": _budget(result, f"boundary.{b.value}.co2_t"),
            }
            for b, r in result.boundaries.items()
        },
    }


def _budget(result: PeriodResult, output: str) -> dict[str, float]:
    """Contributions |c_i|·u_i of the inputs to an output, largest first (JJF 1059.1 budget)."""
    contributions = result.gum.contributions.get(output, {})
    return dict(sorted(contributions.items(), key=lambda item: -item[1]))


def _factor_lines(uses: tuple[FactorUse, ...]) -> list[str]:
    lines = []
    for use in uses:
        value = f"{use.parameter} = {use.value:g} {use.unit}"
        if use.origin.value == "default":
            conf = use.confidence.value if use.confidence else "?"
            lines.append(f"{value}: default {use.entry_id} [{conf}]")
        elif use.entry_id is not None:
            lines.append(f"{value}: measured ({use.source}), replaces default {use.entry_id}")
        else:
            lines.append(f"{value}: measured ({use.source})")
    return lines


def period_table(result: PeriodResult) -> str:
    """Plain-text report: one line per source, then the boundary totals and intensities."""
    lines = [
        f"{result.enterprise}  {result.period_start} … {result.period_end}"
        f"  (factor library {result.library_version})",
        "",
        f"{'source':<18}{'boundaries':<20}{'t CO2':>14}{'±U (k=2)':>12}  method",
    ]
    for s in result.sources:
        bounds = "+".join(sorted(b.value for b in s.boundaries))
        lines.append(
            f"{s.id:<18}{bounds:<20}{s.co2_t:>14,.2f}{K * s.u_co2_t:>12,.2f}  {s.method.value}"
            f"  {s.name}"
        )
        lines.extend(f"{'':<4}· {line}" for line in _factor_lines(s.factors))
        if s.biogenic_co2_t:
            lines.append(f"{'':<18}{'(biogenic memo)':<20}{s.biogenic_co2_t:>14,.2f}")
    lines.append("")
    for boundary, r in result.boundaries.items():
        text = f"{boundary.value + ' boundary':<38}{r.co2_t:>14,.2f}{K * r.u_co2_t:>12,.2f}  t CO2"
        if r.intensity_tco2_per_t is not None and r.u_intensity_tco2_per_t is not None:
            per = "clinker" if boundary.value == "clinker" else "cement"
            text += (
                f"   intensity {r.intensity_tco2_per_t:.4f} ± {K * r.u_intensity_tco2_per_t:.4f}"
                f" t CO2/t {per}"
            )
        lines.append(text)
    return "\n".join(lines)
