from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tanji.emissions.models import Alert
from tests.emissions.analysis.test_heat import drifting_calciner_line
from tests.emissions.factories import feed, simulated_line

pytestmark = pytest.mark.django_db


def test_scan_raises_the_stuck_analyser_as_an_alert() -> None:
    sim = simulated_line("eventful-week", metrology=False)
    feed(sim, datetime(2025, 6, 13, 0, tzinfo=UTC), datetime(2025, 6, 13, 5, tzinfo=UTC))
    out = StringIO()
    call_command(
        "scan_meters",
        "--hours=5",
        f"--enterprise={sim.enterprise_id}",
        "--until=2025-06-13T13:00:00+08:00",
        stdout=out,
    )
    assert "L1: 1 findings stuck" in out.getvalue()
    assert list(Alert.objects.values_list("kind", "tag_id")) == [
        ("meter_stuck", sim.tag_ids["L1-CEMS-O2"])
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--hours=0"], "--hours must be positive"),
        (["--until=2025-06-13T13:00"], "offset"),
        (["--heat-days=-1"], "--heat-days must not be negative"),
    ],
)
def test_bad_arguments_are_refused(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("scan_meters", *arguments)


def test_the_job_also_judges_the_heat_balance() -> None:
    sim = drifting_calciner_line()
    out = StringIO()
    call_command(
        "scan_meters", "--hours=1", f"--enterprise={sim.enterprise_id}",
        "--until=2025-02-06T01:00:00+08:00", stdout=out,
    )  # fmt: skip
    assert "heat_balance (calciner)" in out.getvalue()  # (hourly registers also read as gaps)
    drift = Alert.objects.get(kind="heat_balance_drift")
    assert drift.tag_id == sim.tag_ids["L1-COAL-CA-RATE"]
