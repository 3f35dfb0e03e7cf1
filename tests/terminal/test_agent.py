from datetime import UTC, datetime

from tanji.protocols.readings import QualityFlag, decode_batch
from tanji.terminal.agent import Agent
from tanji.terminal.clock import ClockMonitor
from tanji.terminal.drivers.simulated import SimulatedConfig, SimulatedDriver
from tanji.terminal.processing import TagProfile
from tanji.trust import dsse
from tests.terminal.factories import T0, Field, readings


def _agent(field: Field, outbox, failing=False, **kwargs) -> Agent:
    driver = SimulatedDriver(
        SimulatedConfig(
            "kiln",
            {"A": "t/h", "B": "°C"},
            lambda t: {"A": t.second % 10 * 1.0, "B": 1450.0},
            failing=failing,
        )
    )
    profiles = {("kiln", "A"): TagProfile(scan_s=1), ("kiln", "B"): TagProfile(scan_s=10)}
    return Agent(field.sealer, outbox, {"kiln": driver}, profiles, clock=field.clock, **kwargs)


def _run(field: Field, agent: Agent, seconds: int) -> None:
    for _ in range(seconds):
        agent.tick()
        field.clock.now += 1


def _batches(outbox):
    return [decode_batch(dsse.decode_envelope(i.envelope).payload) for i in outbox.oldest(1000)]


def test_scans_average_per_minute_and_seal_signed_batches(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    agent = _agent(field, outbox, batch_max_readings=4)
    _run(field, agent, 180)
    batches = _batches(outbox)
    readings = [r for b in batches for r in b.readings]
    assert [b.seq for b in batches] == [1]
    assert len(readings) == 4
    a_values = [r.value for r in readings if r.tag == "A"]
    assert a_values == [4.5, 4.5]  # mean of 0..9 repeated
    assert {r.flag for r in readings} == {QualityFlag.NORMAL}
    assert agent.instruments["kiln"].last_reading is not None


def test_partial_batch_is_sealed_when_old_enough_and_on_drain(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    agent = _agent(field, outbox, batch_max_age_s=30)
    _run(field, agent, 61)
    assert outbox.depth()[0] == 0
    _run(field, agent, 30)
    assert outbox.depth() == (1, 2)
    agent.drain(field.clock())
    assert outbox.depth()[0] == 2


def test_driver_errors_are_counted_not_fatal(tmp_path):
    field = Field(tmp_path)
    agent = _agent(field, field.outbox(), failing=True)
    _run(field, agent, 5)
    assert agent.instruments["kiln"].errors == 5
    assert "simulated failure" in agent.instruments["kiln"].last_error
    assert agent.health().instruments["kiln"].errors == 5


def test_readings_are_flagged_while_the_clock_is_known_to_drift(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    monitor = ClockMonitor()
    monitor.observe(field.clock() + 900, field.clock(), field.clock() + 1)
    agent = _agent(field, outbox, monitor=monitor, batch_max_age_s=0)
    _run(field, agent, 61)
    readings = [r for b in _batches(outbox) for r in b.readings]
    assert readings
    assert {r.flag for r in readings} == {QualityFlag.FAULT}


def test_full_outbox_keeps_a_bounded_backlog_in_memory_and_reports_it(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox(max_bytes=32 * 1024)
    agent = _agent(field, outbox, batch_max_readings=2, max_pending=50)
    _run(field, agent, 60 * 90)
    health = agent.health()
    assert health.buffer_full
    assert len(agent.pending) <= 50
    assert agent.dropped > 0
    assert health.dropped_readings == agent.dropped
    assert health.queue_batches == outbox.depth()[0] > 0
    assert health.disk_free_bytes > 0
    created = datetime.fromtimestamp(field.clock(), UTC)
    assert created.tzinfo is UTC


class _Listener:
    """A pass-through source (like the HJ 212 listener) holding what it already acknowledged."""

    passthrough = True
    name = "das"

    def __init__(self) -> None:
        self.received = readings(T0, 3, tag="L1.CEMS.O2")

    def tags(self):
        return ["L1.CEMS.O2"]

    def poll(self, now, tags=None):
        out, self.received = self.received, []
        return out

    def close(self) -> None:
        pass


def test_drain_seals_what_a_listener_received_since_its_last_poll(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    agent = Agent(field.sealer, outbox, {"das": _Listener()}, {}, clock=field.clock)
    agent.drain(field.clock())  # stopped before the 10 s poll came round
    (batch,) = _batches(outbox)
    assert [r.value for r in batch.readings] == [0.0, 1.0, 2.0]
