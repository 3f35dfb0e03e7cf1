"""Demo terminals: enrolled per line, configured by the platform, signed batches with receipts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tanji.evidence.models import Device, RawEnvelope
from tanji.evidence.signing import platform_key
from tanji.livedemo.backfill import LineFeed
from tanji.livedemo.plants import anchored, demo_plants
from tanji.livedemo.server import DemoServer
from tanji.livedemo.streamer import DemoTerminals, device_id
from tanji.metrology.models import Acquisition
from tanji.plant.models import Tag
from tanji.simulator.das import CO2_MG_PER_M3_PER_PCT, minute_record
from tanji.terminal.buffer import Outbox
from tanji.terminal.clock import FileClock
from tanji.timeseries.models import Sample
from tests.evidence.factories import clear_timeseries
from tests.metrology.factories import InstrumentFactory
from tests.plant.factories import SourceFactory, TagFactory

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)


@pytest.fixture
def feed() -> LineFeed:
    """One demo line reduced to a clinker rate and register, with a scale in the ledger."""
    item = anchored(demo_plants(NOW - timedelta(days=1))[0], NOW - timedelta(hours=1), {})
    source = SourceFactory()
    rate = TagFactory(source=source, code="L1-CLINKER-RATE", range_max=1e6)
    total = TagFactory(
        source=source,
        code="L1-CLINKER-TOT",
        unit="t",
        quantity_kind="mass",
        aggregation="total_increasing",
        rollover_max=1e9,
        range_max=1e9,
    )
    instrument = InstrumentFactory(enterprise=source.enterprise, code="L1-BS-CL")
    instrument.tags.add(rate, total)
    wide = {"range_min": -1e6, "range_max": 1e6}
    co2 = TagFactory(source=source, code="L1-CEMS-CO2", unit="%vol", **wide)
    pressure = TagFactory(source=source, code="L1-CEMS-PRESS", unit="Pa", **wide)
    InstrumentFactory(enterprise=source.enterprise, code="L1-CEMS-GA").tags.add(co2)
    InstrumentFactory(enterprise=source.enterprise, code="L1-CEMS-PT").tags.add(pressure)
    routes = (("L1.CLK.OUT", rate.pk, 1.0), ("L1.CLK.OUT.TOT", total.pk, 1.0))
    routes += (("L1.CEMS.CO2", co2.pk, 1.0), ("L1.CEMS.PRES", pressure.pk, 1000.0))
    return LineFeed(item, source.enterprise_id, source.line_id, routes, {})


def _das_minute(feed: LineFeed, moment: datetime) -> dict[str, tuple[float, str]]:
    """What the line's data logger reported for the minute, in the demo tags' units."""
    plant = feed.plant.plant
    frame = plant.simulate(moment, moment + timedelta(minutes=1))
    record = minute_record(frame, 0, plant.params.velocity_coefficient, plant.seed)
    factors = {f.code: f for f in record.factors}
    co2, pressure = factors["a05001"], factors["a01013"]
    return {
        "L1-CEMS-CO2": (float(co2.values["Avg"]) / CO2_MG_PER_M3_PER_PCT, co2.flag or "N"),
        "L1-CEMS-PRESS": (float(pressure.values["Avg"]) * 1000.0, pressure.flag or "N"),
    }


def _run(feed: LineFeed, data_dir: Path, url: str, minutes: range) -> None:
    clock_path = data_dir / "clock.json"
    FileClock.write(clock_path, (NOW + timedelta(minutes=minutes.start)).timestamp())
    terminals = DemoTerminals([feed], data_dir, url, clock=FileClock(clock_path), tick_s=0.01)
    terminals.start()
    try:
        for minute in minutes:
            FileClock.write(clock_path, (NOW + timedelta(minutes=minute, seconds=1)).timestamp())
            time.sleep(0.3)
    finally:
        terminals.stop()


def test_demo_terminals_send_signed_batches_that_continue_across_restarts(
    feed: LineFeed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANJI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANJI_DEMO", "1")
    platform_key.cache_clear()
    server = DemoServer("127.0.0.1", 0)
    server.start()
    try:
        _run(feed, tmp_path, server.url, range(0, 4))
        device = Device.objects.get(device_id=device_id(feed))
        first = set(RawEnvelope.objects.filter(device=device).values_list("seq", flat=True))
        assert first
        assert min(first) == 1
        _run(feed, tmp_path, server.url, range(10, 14))  # a restart: same key, same outbox
        envelopes = RawEnvelope.objects.filter(device=device)
        seqs = sorted(envelopes.values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
        assert len(seqs) > len(first)
        assert set(envelopes.values_list("trust_level", flat=True)) == {"signed"}
        outbox = Outbox(tmp_path / "terminals" / device.device_id / "outbox.sqlite3")
        # what the stop sealed waits in the outbox for the next start, numbered after the rest
        assert outbox.next_seq() == len(seqs) + 1 + outbox.depth()[0]
        outbox.close()
        samples = Sample.objects.filter(evidence_id__in=envelopes.values_list("pk", flat=True))
        assert samples.count() >= 4
        plant = feed.plant.plant
        simulated = {tag_id: code for code, tag_id, _factor in feed.routes}
        codes = dict(Tag.objects.filter(pk__in=feed.tag_ids).values_list("pk", "code"))
        over_hj212 = 0
        for sample in samples:
            moment = datetime.fromtimestamp(sample.ts / 1000, UTC)
            code = simulated[sample.tag_id]
            if code.startswith("L1.CEMS."):  # the data logger's minute record, over HJ 212
                value, flag = _das_minute(feed, moment)[codes[sample.tag_id]]
                assert (sample.value, sample.flag) == (pytest.approx(value, rel=1e-12), flag)
                over_hj212 += 1
                continue
            (reading,) = [r for r in plant.readings_at(moment) if r.tag == code]
            assert sample.value == pytest.approx(reading.value, rel=1e-6)  # float32 registers
            assert sample.flag == "N"
        assert over_hj212 >= 4  # two CEMS tags, at least two minutes
        kinds = Acquisition.objects.filter(device=device).values_list("driver", flat=True)
        assert sorted(kinds) == ["hj212_das", "hj212_das", "modbus_tcp"]
    finally:
        server.stop()
        platform_key.cache_clear()
        clear_timeseries()
