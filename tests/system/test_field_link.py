"""The field link end to end: simulated Modbus instruments → ``tanji terminal run`` → the platform.

Real processes and sockets throughout: pymodbus servers play the instruments (their registers
driven by the plant simulator), ``tanji terminal run`` is configured *only* by the platform's
signed configuration (instruments entered in the ledger and assigned through the acquisition
service behind ``tanji manage assign_instrument`` and the REST route), and the platform is ``tanji
manage runserver`` (HTTPS uplink) or ``tanji gateway`` on a real Mosquitto (MQTT uplink). The
field's time is stepped through a clock file that both the terminal and the simulated instruments
read (ADR 0162), so a simulated day of 15-minute scans passes in seconds and every value the
instruments served is known: the store is compared with it sample by sample (value, unit, time,
flag), none missing and none doubled.
"""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tanji.protocols.registers import DataType, RegisterPoint
from tanji.simulator import TAGS, Plant, TagKind, TagSpec, load_scenario
from tanji.simulator.field.modbus import InstrumentServer
from tanji.terminal.buffer import Outbox
from tanji.terminal.clock import FileClock
from tanji.terminal.forwarder import Forwarder
from tanji.terminal.station import load_station
from tanji.terminal.uplink import HttpsConfig, HttpsUplink
from tanji.timeseries.samples import ts_ms
from tests.components import Broker
from tests.gateways.test_gateway_process import ROOT, start_gateway
from tests.system.seed import LAB_TAG
from tests.system.test_terminal_platform import (
    Clock,
    Platform,
    drain,
    enrol,
    envelopes,
    queued,
    stored,
)

STEP = timedelta(minutes=15)
SCAN_S = 900
RATES = [t for t in TAGS if t.kind is not TagKind.TOTAL_INCREASING]
COUNTERS = [t for t in TAGS if t.kind is TagKind.TOTAL_INCREASING]
Expected = dict[tuple[str, int], tuple[float, str, str]]


def _values(
    plant: Plant, specs: list[TagSpec], served: list[datetime] | None = None
) -> Callable[[datetime], dict[str, float]]:
    """The simulator's minute values; a missing one is NaN, which the server answers silently."""

    def values_at(moment: datetime) -> dict[str, float]:
        found = {r.tag: r.value for r in plant.readings_at(moment)}
        if served is not None:
            served.append(moment)  # the time this read was answered for
        return {s.code: found.get(s.code, math.nan) for s in specs}

    return values_at


@dataclass
class Field:
    """Simulated instruments and a LIMS folder, all on the clock file the terminal reads."""

    root: Path
    plant: Plant = field(default_factory=lambda: Plant(load_scenario("normal-month")))
    servers: dict[str, tuple[InstrumentServer, list[TagSpec]]] = field(default_factory=dict)
    expected: Expected = field(default_factory=dict)
    served: dict[str, list[datetime]] = field(default_factory=dict)

    @property
    def clock(self) -> Path:
        return self.root / "clock.json"

    def start(self) -> None:
        clock = FileClock(self.clock)
        instruments = (("FIELD-RATES", RATES, "little"), ("FIELD-COUNTERS", COUNTERS, "big"))
        for code, specs, order in instruments:
            points = [  # 64-bit floats: the values arrive exactly as the simulator made them
                RegisterPoint(s.code, 4 * i, s.unit, data_type=DataType.FLOAT64, word_order=order)
                for i, s in enumerate(specs)
            ]
            self.served[code] = []
            server = InstrumentServer(
                points,
                _values(self.plant, specs, self.served[code]),
                clock=lambda: datetime.fromtimestamp(clock(), UTC),
            )
            self.servers[code] = (server.start(), specs)

    def stop(self) -> None:
        for server, _specs in self.servers.values():
            server.stop()

    def step(self, moment: datetime, timeout_s: float = 60.0) -> None:
        """Set the field's time, then wait until the terminal has read every instrument."""
        FileClock.write(self.clock, moment.timestamp())
        minute = ts_ms(moment.replace(second=0))
        for _code, (_server, specs) in self.servers.items():
            values = _values(self.plant, specs)(moment)
            if all(math.isfinite(v) for v in values.values()):  # else the instrument is silent
                for spec in specs:
                    self.expected[(spec.code, minute)] = (values[spec.code], "N", spec.unit)
        deadline = time.monotonic() + timeout_s
        while any(moment not in self.served[code][-1:] for code in self.servers):
            assert time.monotonic() < deadline, f"no scan at {moment}"
            time.sleep(0.002)

    def lab_file(self, moment: datetime, value: float) -> None:
        inbox = self.root / "lims" / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / f"ncv-{moment:%H%M}.csv").write_text(
            f"sampled,ncv\n{moment:%Y-%m-%d %H:%M},{value}\n", encoding="utf-8"
        )
        self.expected[(LAB_TAG[0], ts_ms(moment))] = (value, "N", LAB_TAG[1])


def configure(platform: Platform, device: str, lab: Field) -> None:
    """The operator's part: ledger instruments, each assigned to the terminal."""
    spec = []
    for code, (server, specs) in lab.servers.items():
        points = {
            p.tag: {"address": p.address, "data_type": str(p.data_type), "word_order": p.word_order}
            for p in server.points
        }
        connection = {"host": "127.0.0.1", "port": server.port, "unit_id": 1}
        spec.append(_instrument(code, [s.code for s in specs], "modbus_tcp", connection, points))
    folders = {k: str(lab.root / "lims" / k) for k in ("inbox", "processed", "rejected")}
    connection = folders | {"time_column": "sampled", "time_format": "%Y-%m-%d %H:%M"}
    connection |= {"timezone": "UTC", "settle_s": 0}
    points = {LAB_TAG[0]: {"column": "ncv"}}
    spec.append(_instrument("FIELD-LAB", [LAB_TAG[0]], "lims_csv", connection, points))
    version = platform.operator("field", platform.enterprise, device, json.dumps(spec))
    assert version == str(1 + len(spec))


def _instrument(
    code: str,
    tags: list[str],
    driver: str,
    connection: dict[str, object],
    points: dict[str, object],
) -> dict[str, object]:
    entry = {"code": code, "tags": tags, "driver": driver, "connection": connection}
    return entry | {"points": points, "scan_s": SCAN_S}


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Field]:
    simulated = Field(tmp_path / "field")
    simulated.root.mkdir()
    simulated.start()
    yield simulated
    simulated.stop()


def run_terminal(platform: Platform, station: Path) -> subprocess.Popen[bytes]:
    with station.open("a", encoding="utf-8") as handle:
        handle.write('clock_file = "field/clock.json"\n')
    return subprocess.Popen(
        [sys.executable, "-m", "tanji", "terminal", "run", "--station", str(station)],
        env=platform.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_and_deliver_the_rest(terminal: subprocess.Popen[bytes], station_path: Path) -> None:
    """SIGTERM seals the open minutes; the real forwarder then delivers what is left."""
    terminal.send_signal(signal.SIGTERM)
    assert terminal.wait(60) == 0
    station = load_station(station_path)
    clock = Clock()
    outbox = Outbox(station.outbox_path, clock=clock)
    uplink = HttpsUplink(HttpsConfig(station.platform_url, station.device))
    drain(Forwarder(outbox, uplink, station.device, station.trusted_keys(), clock=clock), clock)
    outbox.close()


def next_seq(path: Path) -> int:
    outbox = Outbox(path)
    try:
        return outbox.next_seq()
    finally:
        outbox.close()


def test_a_platform_configured_terminal_delivers_a_day_of_outage_without_loss(
    platform: Platform, lab: Field, tmp_path: Path
) -> None:
    device = "T-FIELD-1"
    station = enrol(platform, tmp_path, device)
    configure(platform, device, lab)
    start = datetime(2025, 6, 4, 0, 0, 1, tzinfo=UTC)
    FileClock.write(lab.clock, start.timestamp())
    terminal = run_terminal(platform, station)
    try:
        moment = start
        for _ in range(8):  # two hours live
            lab.step(moment)
            moment += STEP
        lab.lab_file(moment.replace(second=0) - timedelta(minutes=7), 21.734)
        while envelopes(platform, device) < 8:  # delivered live, receipted
            lab.step(moment)
            moment += STEP
        platform.kill()
        outage_from = next_seq(load_station(station).outbox_path)
        for _ in range(96):  # a simulated day, platform down
            lab.step(moment)
            moment += STEP
        platform.start()
        outage_to = next_seq(load_station(station).outbox_path)
        for _ in range(2):  # a live batch (two scans) sealed before the terminal reconnects:
            lab.step(moment)  # with a fast platform the whole backlog may otherwise drain
            moment += STEP  # before the first live batch exists, and nothing can interleave
        deadline = time.monotonic() + 120
        while envelopes(platform, device) < outage_to - 1 and time.monotonic() < deadline:
            lab.step(moment)  # live data flows while the backlog drains
            moment += STEP
            time.sleep(0.1)
    finally:
        stop_and_deliver_the_rest(terminal, station)
    assert stored(platform, device) == lab.expected
    with platform.db() as db:
        seqs = [
            s
            for (s,) in db.execute(
                "SELECT seq FROM evidence_rawenvelope e JOIN evidence_device d ON d.id = "
                "e.device_id WHERE d.device_id = ? ORDER BY e.log_index",
                (device,),
            )
        ]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))  # none lost, none doubled
    backlog = [s for s in seqs if outage_from <= s < outage_to]
    assert len(backlog) >= 40  # a day of 15-minute scans, two per batch
    oldest = [s for s in backlog if s < outage_from + 10]
    assert oldest == sorted(oldest)  # the backlog drains from its oldest batch on (ADR 0081)
    live = [seqs.index(s) for s in seqs if s >= outage_to]
    assert live
    assert min(live) < seqs.index(backlog[-1])
    processed = sorted(p.name for p in (lab.root / "lims" / "processed").iterdir())
    assert processed == [p.name for p in (lab.root / "lims").glob("processed/ncv-*.csv")]
    assert len(processed) == 1
    assert not list((lab.root / "lims" / "inbox").iterdir())


def test_the_mqtt_uplink_through_tanji_gateway(
    platform: Platform, lab: Field, tmp_path: Path, mosquitto: Broker
) -> None:
    device = "T-FIELD-2"
    station = enrol(platform, tmp_path, device)
    configure_counters_only(platform, device, lab)
    with station.open("a", encoding="utf-8") as handle:
        handle.write(f'uplink = "mqtt"\nmqtt_host = "{mosquitto.host}"\n')
        handle.write(f"mqtt_port = {mosquitto.port}\n")
    gateway, _port = start_gateway(platform.env, mosquitto)
    start = datetime(2025, 6, 12, 0, 0, 1, tzinfo=UTC)
    FileClock.write(lab.clock, start.timestamp())
    terminal = run_terminal(platform, station)
    try:
        moment = start
        for _ in range(24):
            lab.step(moment)
            moment += STEP
        deadline = time.monotonic() + 60
        while queued(load_station(station).outbox_path) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        terminal.send_signal(signal.SIGTERM)
        terminal.wait(60)
        gateway.terminate()
        gateway.wait(30)
        if gateway.stdout is not None:
            gateway.stdout.close()
    got = stored(platform, device)
    assert len(got) >= 20 * len(COUNTERS)
    assert {k: lab.expected[k] for k in got} == got  # every delivered sample as served
    assert load_station(station).status_path.exists()


def configure_counters_only(platform: Platform, device: str, lab: Field) -> None:
    """The MQTT terminal reads the counter instrument (instruments are read by one terminal)."""
    rates, _specs = lab.servers.pop("FIELD-RATES")
    rates.stop()
    del lab.served["FIELD-RATES"]
    code = "FIELD-COUNTERS-2"
    counters, specs = lab.servers.pop("FIELD-COUNTERS")
    lab.servers[code], lab.served[code] = (counters, specs), lab.served.pop("FIELD-COUNTERS")
    points = {p.tag: {"address": p.address, "data_type": "float64"} for p in counters.points}
    connection = {"host": "127.0.0.1", "port": counters.port}
    entry = _instrument(code, [s.code for s in specs], "modbus_tcp", connection, points)
    platform.operator("field", platform.enterprise, device, json.dumps([entry]))
