"""``tanji recompute``: explicit recomputation reports scopes and the versions it replaced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tanji.emissions.models import EmissionFigure
from tests.emissions.factories import feed, simulated_line

pytestmark = pytest.mark.django_db
DAY = datetime(2025, 6, 1, 16, tzinfo=UTC)  # 2025-06-02 local


def test_recompute_writes_figures_of_every_line_and_site_and_names_old_versions() -> None:
    sim = simulated_line()
    feed(sim, DAY, DAY + timedelta(hours=3))
    out = StringIO()
    args = ["--enterprise", str(sim.enterprise_id), "--from", "2025-06-02", "--to", "2025-06-02"]
    call_command("recompute", *args, stdout=out)
    assert f"k{sim.line.pk}: 24 h" in out.getvalue()
    assert "replaced figures computed with: none" in out.getvalue()
    assert EmissionFigure.objects.filter(line=sim.line, counted=True).exists()
    EmissionFigure.objects.update(factor_version="2025.9")
    again = StringIO()
    call_command("recompute", *args, "--line", "L1", stdout=again)
    assert "replaced figures computed with: 2025.9" in again.getvalue()
    assert set(
        EmissionFigure.objects.filter(line=sim.line).values_list("factor_version", flat=True)
    ) == {"2026.1"}


def test_recompute_refuses_bad_dates_and_unknown_lines() -> None:
    sim = simulated_line()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "recompute",
            "--enterprise",
            str(sim.enterprise_id),
            "--from",
            "June",
            "--to",
            "2025-06-02",
        )
    with pytest.raises(CommandError, match="no such"):
        call_command(
            "recompute",
            "--enterprise",
            str(sim.enterprise_id),
            "--line",
            "L9",
            "--from",
            "2025-06-02",
            "--to",
            "2025-06-02",
        )
