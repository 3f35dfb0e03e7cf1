"""The HJ 212 leg end to end: simulated CEMS data loggers → ``tanji terminal run`` → the platform.

Real processes and sockets: the simulator's CEMS data loggers (HJ 212-2017 over TCP, one per
kiln line) upload minute (2051) and hour (2061) records to the HJ 212 listener inside ``tanji
terminal run``, which the platform configured (ledger instruments assigned through the
acquisition service with factor mappings; no local file). The terminal signs batches, the
platform web process stores them and answers with signed receipts. Both lines' loggers send the
same factor codes (a05001, a01012 …); the MN tells them apart, so each line's values must land
on that line's tags. Time is stepped through the clock file the terminal and the loggers read
(ADR 0162); every stored sample is compared with the simulator's own record of that minute
(value, unit, time, flag), none missing and none doubled, and every envelope has a receipt
signed by the platform key.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tanji.protocols.hj212 import CHINA_STANDARD_TIME, Command, decode_record, parse_frame
from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, decode_receipt
from tanji.simulator import Plant, load_scenario
from tanji.simulator.cems_device import CemsDevice, DeviceConfig
from tanji.simulator.das import minute_record
from tanji.simulator.field.das import DataLogger, PolledClock
from tanji.terminal.buffer import Outbox
from tanji.terminal.clock import FileClock
from tanji.terminal.forwarder import envelope_digest
from tanji.terminal.signing import open_signed
from tanji.terminal.station import load_station
from tanji.timeseries.samples import ts_ms
from tests.components import free_port
from tests.system.test_field_link import run_terminal, stop_and_deliver_the_rest
from tests.system.test_terminal_platform import Platform, enrol, stored

#: HJ 212 value → (tag suffix, unit of the tag and of the App. B code).
FACTORS = {
    "a05001-Avg": ("CO2", "mg/m3"),
    "a05001-Max": ("CO2.MAX", "mg/m3"),
    "a05001-Cou": ("CO2.COU", "kg"),
    "a00000-Avg": ("FLOW", "m3/s"),
    "a01012-Avg": ("TEMP", "degC"),
    "a01013-Avg": ("PRES", "kPa"),
    "a01014-Avg": ("H2O", "%"),
    "a19001-Avg": ("O2", "%"),
}
#: Minutes around the daily zero/span check of 02:00 China time (flag C on every factor).
START = datetime(2025, 6, 2, 1, 56, 1, tzinfo=CHINA_STANDARD_TIME).astimezone(UTC)
Expected = dict[tuple[str, int], tuple[float, str, str]]


@dataclass
class Line:
    """One kiln line's CEMS: its simulated plant, data logger identity and tags."""

    number: int
    plant: Plant
    mn: str
    logger: DataLogger | None = None

    def tag(self, factor: str) -> str:
        return f"L{self.number}.DAS.{FACTORS[factor][0]}"

    def tags(self) -> list[list[str]]:
        return [[self.tag(f), unit] for f, (_suffix, unit) in FACTORS.items()]

    def instrument(self, port: int, device: str) -> dict[str, object]:
        """The ledger instrument and its acquisition: factor mappings, MN, minute data only."""
        connection = {"host": "127.0.0.1", "port": port, "mn": [self.mn], "data_commands": [2051]}
        points = {self.tag(f): {"factor": f} for f in FACTORS}
        tags = [self.tag(f) for f in FACTORS]
        code = f"CEMS-L{self.number}-{device}"  # an instrument is read by one terminal
        return {"code": code, "tags": tags, "driver": "hj212_das", "connection": connection} | {
            "points": points
        }

    def start(self, port: int, clock: Path) -> None:
        device = CemsDevice(self.plant, DeviceConfig(mn=self.mn, ack_timeout_s=5.0))
        polled = PolledClock(FileClock(clock), poll_s=0.005)
        self.logger = DataLogger(device, "127.0.0.1", port, polled, retry_s=0.02).start()

    def acknowledged(self) -> int:
        return 0 if self.logger is None else len(self.logger.device.log.acknowledged)

    def expected(self) -> Expected:
        """Every acknowledged minute upload, recomputed from the simulator (not from the wire)."""
        assert self.logger is not None
        log = self.logger.device.log
        out: Expected = {}
        kv, seed = self.plant.params.velocity_coefficient, self.plant.seed
        for raw in log.sent:
            message = parse_frame(raw)
            if message.cn != Command.MINUTE_DATA or message.qn not in log.acknowledged:
                continue
            moment = decode_record(message).data_time  # which minute; values recomputed
            frame = self.plant.simulate(moment, moment + timedelta(minutes=1))
            record = minute_record(frame, 0, kv, seed)
            for factor in record.factors:
                for suffix, value in factor.values.items():
                    key = f"{factor.code}-{suffix}"
                    if key in FACTORS:
                        flag = factor.flag or "N"
                        out[(self.tag(key), ts_ms(moment))] = (float(value), flag, FACTORS[key][1])
        return out

    def stop(self) -> None:
        if self.logger is not None:
            self.logger.stop()


@dataclass
class Kiln:
    """A two-line enterprise's CEMS on one clock file."""

    root: Path
    lines: list[Line] = field(default_factory=list)

    @property
    def clock(self) -> Path:
        return self.root / "field" / "clock.json"

    def step_to(self, moment: datetime, timeout_s: float = 30.0) -> None:
        """Set the field time to ``moment``; wait until every running logger was answered."""
        before = {line.number: line.acknowledged() for line in self.lines}
        FileClock.write(self.clock, moment.timestamp())
        due = 2 if moment.astimezone(CHINA_STANDARD_TIME).minute == 0 else 1  # + the hour record
        deadline = time.monotonic() + timeout_s
        for line in self.lines:
            if line.logger is None:
                continue
            while line.acknowledged() < before[line.number] + due:
                assert time.monotonic() < deadline, f"L{line.number}: no answer at {moment}"
                time.sleep(0.002)


@pytest.fixture
def kiln(tmp_path: Path) -> Iterator[Kiln]:
    (tmp_path / "field").mkdir()
    scenario = load_scenario("normal-month")
    lines = [
        Line(1, Plant(scenario), "42010000A8900016F0000001"),
        Line(2, Plant(replace(scenario, seed=scenario.seed + 2)), "42010000A8900016F0000002"),
    ]
    yield Kiln(tmp_path, lines)
    for line in lines:
        line.stop()


def _connected(line: Line, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while line.logger is None or line.logger.connections == 0:
        assert time.monotonic() < deadline, f"L{line.number}: the listener never opened"
        time.sleep(0.01)
    time.sleep(0.05)  # the logger takes its first due minute from the clock


def _enrolled(platform: Platform, kiln: Kiln, tmp_path: Path, device: str) -> Path:
    """The station file of an enrolled terminal; the two lines' tags exist (made once)."""
    if not getattr(platform, "das_tags", False):
        for line in kiln.lines:
            code = f"K{line.number}"
            platform.operator("tags", platform.enterprise, code, json.dumps(line.tags()))
        platform.das_tags = True  # type: ignore[attr-defined]
    return enrol(platform, tmp_path, device)


def _check_receipts(platform: Platform, station_path: Path, device: str) -> int:
    """Every envelope the platform logged has a platform-signed receipt in the terminal."""
    station = load_station(station_path)
    with platform.db() as db:
        rows = db.execute(
            "SELECT e.seq, e.body FROM evidence_rawenvelope e JOIN evidence_device d "
            "ON d.id = e.device_id WHERE d.device_id = ? ORDER BY e.seq",
            (device,),
        ).fetchall()
    assert [seq for seq, _body in rows] == list(range(1, len(rows) + 1))
    outbox = Outbox(station.outbox_path)
    try:
        for seq, body in rows:
            signed = outbox.receipt(seq)
            assert signed is not None, seq
            receipt = decode_receipt(
                open_signed(signed, RECEIPT_PAYLOAD_TYPE, station.trusted_keys())
            )
            assert (receipt.device, receipt.seq) == (device, seq)
            assert receipt.envelope_sha256 == envelope_digest(bytes(body))
    finally:
        outbox.close()
    return len(rows)


def test_two_lines_same_factor_codes_land_on_their_own_tags(
    platform: Platform, kiln: Kiln, tmp_path: Path
) -> None:
    device = "T-DAS-1"
    station = _enrolled(platform, kiln, tmp_path, device)
    port = free_port()  # both loggers upload to one listener; the MN routes them
    spec = [line.instrument(port, device) for line in kiln.lines]
    platform.operator("field", platform.enterprise, device, json.dumps(spec))
    FileClock.write(kiln.clock, START.timestamp())
    terminal = run_terminal(platform, station)
    try:
        for line in kiln.lines:
            line.start(port, kiln.clock)
            _connected(line)
        for minute in range(1, 9):  # 01:56 … 02:03: an hour record and the C flags included
            kiln.step_to(START + timedelta(minutes=minute))
    finally:
        stop_and_deliver_the_rest(terminal, station)
    expected = kiln.lines[0].expected() | kiln.lines[1].expected()
    assert len(expected) >= 2 * 7 * len(FACTORS)
    assert {flag for _v, flag, _u in expected.values()} == {"N", "C"}
    assert stored(platform, device) == expected
    assert _check_receipts(platform, station, device) >= 1


def test_an_instrument_assigned_while_the_terminal_runs_starts_arriving(
    platform: Platform, kiln: Kiln, tmp_path: Path
) -> None:
    device = "T-DAS-2"
    station = _enrolled(platform, kiln, tmp_path, device)
    with station.open("a", encoding="utf-8") as handle:
        handle.write("heartbeat_s = 0.2\n")  # the configuration is polled with the heartbeat
    first, second = kiln.lines
    ports = free_port(), free_port()
    platform.operator(
        "field", platform.enterprise, device, json.dumps([first.instrument(ports[0], device)])
    )
    start = START + timedelta(days=1)
    FileClock.write(kiln.clock, start.timestamp())
    terminal = run_terminal(platform, station)
    try:
        first.start(ports[0], kiln.clock)
        _connected(first)
        kiln.step_to(start + timedelta(minutes=1))
        second.start(ports[1], kiln.clock)  # its listener does not exist yet
        time.sleep(0.5)
        assert second.logger is not None
        assert second.logger.connections == 0
        platform.operator(
            "field", platform.enterprise, device, json.dumps([second.instrument(ports[1], device)])
        )
        _connected(second)  # the running terminal fetched, verified and applied the new version
        for minute in range(2, 5):
            kiln.step_to(start + timedelta(minutes=minute))
        assert terminal.poll() is None  # never restarted
    finally:
        stop_and_deliver_the_rest(terminal, station)
    got = stored(platform, device)
    assert got == first.expected() | second.expected()
    assert {tag for tag, _ts in got if tag.startswith("L2.")} == {second.tag(f) for f in FACTORS}
    _check_receipts(platform, station, device)
