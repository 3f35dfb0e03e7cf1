"""A running terminal takes a changed signed configuration in place and refuses bad ones."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tanji.protocols.hj212 import DataRecord, FactorData, build_frame, data_message
from tanji.protocols.readings import decode_batch
from tanji.terminal.agent import Agent
from tanji.terminal.buffer import Outbox
from tanji.terminal.clock import ClockMonitor
from tanji.terminal.control import TerminalConfig, parse_config
from tanji.terminal.drivers.hj212_das import DasDriver
from tanji.terminal.runtime import Runtime, build_agent
from tanji.trust import dsse
from tanji.trust.keys import generate_private_key
from tests.terminal.factories import DEVICE, Field, config_envelope

SIM = {
    "name": "sim",
    "driver": "simulated",
    "settings": {"scan_s": 1, "units": {"L1.A": "t/h"}, "waves": {"L1.A": [5, 1, 60]}},
}
MN = "42010000A8900016F0000001"


def _das(port: int = 0) -> dict[str, Any]:
    factors = {"a05001-Avg": {"tag": "L1.CEMS.CO2", "unit": "mg/m3"}}
    settings = {"host": "127.0.0.1", "port": port, "mn": [MN], "factors": factors}
    return {"name": "cems", "driver": "hj212_das", "settings": settings}


def _config(version: int, *instruments: dict[str, Any]) -> TerminalConfig:
    document = {"device": DEVICE, "version": version, "instruments": list(instruments)}
    return parse_config(json.dumps(document).encode())


class Source:
    """The platform's answers to the terminal's configuration polls, in order."""

    def __init__(self, *answers: bytes) -> None:
        self.answers = list(answers)
        self.asked: list[int] = []

    def __call__(self, running: int) -> bytes:
        self.asked.append(running)
        return self.answers.pop(0) if self.answers else b""


def _running(
    field: Field, tmp: Path, source: Source, *instruments: dict[str, Any]
) -> tuple[Runtime, Agent]:
    runtime = Runtime(
        _config(1, *instruments),
        field.terminal_key,
        tmp / "outbox.sqlite3",
        field.uplink,
        field.platform_keys,
        clock=field.clock,
        config_source=source,
    )
    runtime.store.state["config_version"] = 1
    agent = build_agent(
        runtime.config, field.terminal_key, Outbox(tmp / "o.sqlite3"), ClockMonitor()
    )
    agent.clock = field.clock
    return runtime, agent


def test_only_a_newer_correctly_signed_configuration_is_applied(tmp_path: Path) -> None:
    field = Field(tmp_path)
    newer = config_envelope(field.platform_key, 3, [SIM, _das()])
    genuine = dsse.decode_envelope(newer)
    forged = dsse.encode_envelope(
        dsse.sign_envelope(genuine.payload_type, genuine.payload, generate_private_key().signer())
    )
    unsigned = json.dumps({"device": DEVICE, "version": 4, "instruments": []}).encode()
    older = config_envelope(field.platform_key, 1, [])
    other = config_envelope(field.platform_key, 5, [], device="T-OTHER")
    source = Source(forged, unsigned, older, other, b"", newer)
    runtime, agent = _running(field, tmp_path, source, SIM)
    kept = agent.drivers["sim"]
    for _ in range(5):
        runtime._refresh_config(agent)
        assert runtime.config.version == 1
        assert set(agent.drivers) == {"sim"}
    runtime._refresh_config(agent)
    assert runtime.config.version == 3
    assert source.asked == [1, 1, 1, 1, 1, 1]  # the running version names what it has
    assert agent.drivers["sim"] is kept  # unchanged instruments keep running
    assert isinstance(agent.drivers["cems"], DasDriver)
    assert runtime.store.state["config_version"] == 3  # persisted: a replay stays refused
    agent.close()
    agent.outbox.close()


def test_a_listener_that_goes_hands_over_what_it_acknowledged(tmp_path: Path) -> None:
    """Removing the DAS instrument keeps the readings it received; open minutes stay too."""
    field = Field(tmp_path)
    runtime, agent = _running(field, tmp_path, Source(), SIM, _das())
    das = agent.drivers["cems"]
    assert isinstance(das, DasDriver)
    agent.tick()  # the simulated minute opens; the listener is polled
    record = DataRecord(
        datetime(2025, 6, 10, 16, 0, tzinfo=UTC),
        (FactorData("a05001", {"Avg": Decimal("191200.5")}, "N"),),
    )
    frame = build_frame(data_message(record, cn=2051, qn="20250610160000000", mn=MN, pw="123456"))
    with socket.create_connection(("127.0.0.1", das.port), timeout=5) as connection:
        connection.sendall(frame)
        assert b"CN=9014" in connection.recv(4096)
    runtime.apply(agent, _config(2, SIM))
    assert set(agent.drivers) == {"sim"}
    assert [r.value for r in agent.pending] == [191200.5]
    assert agent.aggregator.flush(datetime.fromtimestamp(field.clock() + 120, UTC))
    assert agent.drain(field.clock()) == 1
    (item,) = agent.outbox.oldest(10)
    batch = decode_batch(dsse.decode_envelope(item.envelope).payload)
    assert [r.tag for r in batch.readings] == ["L1.CEMS.CO2"]
    agent.close()
    agent.outbox.close()
