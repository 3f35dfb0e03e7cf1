"""Live updates equal batch recomputation; method selection, substitution flags and alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from tanji.emissions import services
from tanji.emissions.alerts import AlertError
from tanji.emissions.models import Alert, EmissionFigure, EmissionTotal, ModelFit
from tanji.plant.models import LabAnalysis
from tanji.simulator.scenarios import parse_scenario
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import SimulatedLine, feed, record_lab, simulated_line
from tests.plant.factories import LineFactory

pytestmark = pytest.mark.django_db
START = datetime(2025, 6, 2, tzinfo=UTC)
FIELDS = (
    "key",
    "hour",
    "method",
    "counted",
    "category",
    "co2_t",
    "biogenic_co2_t",
    "u_t",
    "quality",
    "factor_version",
)


def _figures(sim: SimulatedLine) -> list[tuple[object, ...]]:
    rows = EmissionFigure.objects.filter(enterprise_id=sim.enterprise_id)
    return sorted(rows.values_list(*FIELDS))


def _totals(sim: SimulatedLine) -> list[tuple[object, ...]]:
    rows = EmissionTotal.objects.filter(enterprise_id=sim.enterprise_id)
    return sorted(
        rows.values_list(
            "scope", "boundary", "period", "bucket", "category", "co2_t", "u_t", "quality", "hours"
        )
    )


def test_streaming_through_the_listener_equals_one_batch_recomputation() -> None:
    sim = simulated_line()
    end = START + timedelta(hours=30)
    record_lab(sim, START, end)
    gap = (ts_ms(START + timedelta(hours=7)), ts_ms(START + timedelta(hours=9, minutes=30)))
    cems = {sim.tag_ids["L1-CEMS-CO2"]}

    def drop(tag: int, ts: int) -> bool:
        return tag in cems and gap[0] <= ts < gap[1]

    feed(
        sim,
        START,
        end,
        chunk=timedelta(minutes=50),
        listener=services.on_samples_committed,
        drop=drop,
    )
    live, live_totals = _figures(sim), _totals(sim)
    assert any(row[8] == "substituted" for row in live)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    site = sim.line.site_id
    services.recompute_site(Actor.system(), site, ts_ms(START), ts_ms(end))
    assert _figures(sim) == live
    assert _totals(sim) == live_totals


def test_a_cems_gap_is_substituted_and_accounting_counts() -> None:
    sim = simulated_line()
    end = START + timedelta(hours=12)
    record_lab(sim, START, end)
    gap = (ts_ms(START + timedelta(hours=4)), ts_ms(START + timedelta(hours=6)))
    flow = sim.tag_ids["L1-CEMS-FLOW"]
    feed(sim, START, end, drop=lambda tag, ts: tag == flow and gap[0] <= ts < gap[1])
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    stack = EmissionFigure.objects.filter(line=sim.line, key__startswith="k")
    in_gap = stack.filter(hour__gte=gap[0], hour__lt=gap[1])
    assert set(in_gap.filter(method="cems").values_list("quality", "counted")) == {
        ("substituted", False)
    }
    counted_sources = EmissionFigure.objects.filter(
        line=sim.line, key__startswith="s", hour=gap[0], counted=True
    )
    assert counted_sources.filter(source__kind="coal_calciner").exists()
    assert stack.filter(hour=gap[0] - 3_600_000, method="cems", counted=True).exists()
    assert Alert.objects.filter(kind="missing_data", tag_id=flow, state="open").count() == 1


def _early_scenario() -> object:
    return parse_scenario(
        {
            "name": "late-may",
            "description": "eight days up to and into June",
            "start": "2025-05-25T00:00:00+08:00",
            "days": 9,
            "seed": 7,
            "counters": {},
            "events": [],
        },
        source="test",
    )


def test_the_model_counts_when_neither_cems_nor_scales_are_valid() -> None:
    sim = simulated_line(_early_scenario())  # type: ignore[arg-type]
    start = datetime(2025, 5, 24, 16, tzinfo=UTC)
    june = datetime(2025, 5, 31, 16, tzinfo=UTC)
    end = june + timedelta(hours=12)
    record_lab(sim, start, end)
    lost = {sim.tag_ids[c] for c in ("L1-CEMS-CO2", "L1-CLINKER-TOT", "L1-CLINKER-RATE")}
    window = (ts_ms(june + timedelta(hours=5)), ts_ms(june + timedelta(hours=8)))
    feed(sim, start, end, drop=lambda tag, ts: tag in lost and window[0] <= ts < window[1])
    services.recompute(Actor.system(), sim.line.pk, ts_ms(start), ts_ms(end))
    fit = ModelFit.objects.get(line=sim.line, month=ts_ms(june))
    assert fit.hours >= 100
    assert fit.residual_sd_t > 0
    counted = EmissionFigure.objects.get(
        line=sim.line, key__startswith="k", hour=window[0] + 3_600_000, counted=True
    )
    assert (counted.method, counted.quality) == ("model", "estimated")
    truth = sim.plant.ground_truth(june + timedelta(hours=6), june + timedelta(hours=7))
    stack = float(
        truth.stack_co2_t[0]
        - truth.co2_t["msw_biogenic"][0]
        - truth.co2_t["cloth_strips_biogenic"][0]
    )
    assert abs(counted.co2_t - stack) < counted.u_t + 0.05 * stack


def test_alerts_move_from_open_to_acknowledged_to_closed() -> None:
    sim = simulated_line()
    end = START + timedelta(hours=6)
    flow = sim.tag_ids["L1-CEMS-FLOW"]
    feed(sim, START, end, drop=lambda tag, ts: tag == flow and ts >= ts_ms(START) + 3_600_000)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    alert = Alert.objects.get(kind="missing_data", tag_id=flow)
    actor = Actor.system()
    assert services.acknowledge_alert(actor, alert.pk).state == "acknowledged"
    assert services.close_alert(actor, alert.pk).state == "closed"
    with pytest.raises(AlertError) as raised:
        services.close_alert(actor, alert.pk)
    assert raised.value.code == "emissions.alert_state"


def test_a_lab_result_entered_late_reaches_the_figures_through_its_hook() -> None:
    sim = simulated_line()
    end = START + timedelta(hours=8)
    feed(sim, START, end)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    before = _figures(sim)
    record_lab(sim, START, end)  # some reported before START: every hour changes
    earliest = min(a.analysed_at for a in LabAnalysis.objects.filter(line=sim.line))
    assert earliest < START
    result = services.on_lab_recorded(sim.enterprise_id, sim.line.pk, ts_ms(START))
    assert result is not None
    assert result.hours == 8
    live = _figures(sim)
    assert live != before
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    assert _figures(sim) == live
    assert services.on_lab_recorded(sim.enterprise_id, sim.line.pk, ts_ms(end) + 86_400_000) is None


def test_a_line_without_bindings_or_data_gives_no_figures() -> None:
    line = LineFactory()
    result = services.recompute(Actor.system(), line.pk, ts_ms(START), ts_ms(START) + 7_200_000)
    assert (result.hours, result.figures, result.totals) == (2, 0, 0)


def test_overdue_instruments_mark_figures_and_raise_calibration_alerts() -> None:
    sim = simulated_line(metrology=False)  # no plans or certificates: every instrument overdue
    end = START + timedelta(hours=3)
    feed(sim, START, end)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    coal = EmissionFigure.objects.filter(line=sim.line, source__kind="coal_calciner")
    assert set(coal.values_list("quality", flat=True)) == {"overdue_instrument"}
    calibration = Alert.objects.filter(kind="instrument_calibration", line=sim.line)
    assert calibration.filter(tag_id=sim.tag_ids["L1-COAL-CA-TOT"]).exists()


def test_a_computation_holds_its_enterprises_lock_until_it_commits() -> None:
    """PostgreSQL: the advisory lock (class, enterprise) serialises the two intake processes."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite transactions begin IMMEDIATE: the write lock serialises them")
    with transaction.atomic():
        services._serialise(4242)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT classid::int, objid::int FROM pg_locks "
                "WHERE locktype = 'advisory' AND objsubid = 2 AND pid = pg_backend_pid()"
            )
            held = cursor.fetchall()
    assert (services._LOCK_CLASS, 4242) in held
