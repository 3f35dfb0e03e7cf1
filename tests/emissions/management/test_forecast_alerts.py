"""``tanji manage forecast_alerts``: the daily job storing year-end warnings as alerts."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tanji.emissions.models import Alert
from tanji.timeseries.samples import ts_ms
from tests.emissions.analysis.factories import daily_history, demo_line
from tests.tenancy.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
FIRST = ts_ms(datetime(2025, 8, 31, 16, tzinfo=UTC))


def test_the_job_stores_warnings_and_skips_enterprises_without_data() -> None:
    line = demo_line()
    daily_history(line, FIRST, 61, intensity=0.95)
    empty = EnterpriseFactory()
    out = StringIO()
    for _ in range(2):
        call_command("forecast_alerts", "--at=2025-11-01T12:00:00+08:00", stdout=out)
    assert f"{line.enterprise_id}: forecast_intensity exceed" in out.getvalue()
    assert f"{empty.pk}: skipped (analytics.short_history)" in out.getvalue()
    assert list(Alert.objects.values_list("enterprise_id", "kind")) == [
        (line.enterprise_id, "forecast_intensity")
    ]
    call_command(
        "forecast_alerts", f"--enterprise={line.enterprise_id}", "--quota=1000",
        "--at=2025-11-01T12:00:00+08:00", stdout=out,
    )  # fmt: skip
    assert Alert.objects.filter(kind="forecast_quota", state="open").count() == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--quota=1000"], "--quota needs --enterprise"),
        (["--enterprise=1", "--quota=-5"], "positive"),
        (["--at=2025-11-01T12:00"], "offset"),
        (["--at=yesterday"], "ISO 8601"),
    ],
)
def test_bad_arguments_are_refused(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("forecast_alerts", *arguments)
