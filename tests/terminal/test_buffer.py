import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tanji.protocols.readings import decode_batch
from tanji.terminal.buffer import BufferFullError, Outbox
from tanji.trust import dsse
from tests.terminal.factories import DEVICE, T0, Field, readings

BATCH = 200


def _samples(outbox: Outbox) -> list[float]:
    values: list[float] = []
    for item in outbox.oldest(10**6):
        batch = decode_batch(dsse.decode_envelope(item.envelope).payload)
        assert batch.seq == item.seq
        assert batch.device == DEVICE
        values.extend(r.value for r in batch.readings)
    return values


def test_sequence_numbers_are_consecutive_and_survive_reopening(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    assert [field.store(outbox, readings(T0, 2)) for _ in range(3)] == [1, 2, 3]
    outbox.close()
    reopened = field.outbox()
    assert reopened.next_seq() == 4
    assert field.store(reopened, readings(T0, 1)) == 4
    assert reopened.depth() == (4, 7)


def test_failed_sealing_leaves_no_trace_and_no_gap(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()

    def broken(seq: int) -> tuple[bytes, int]:
        raise RuntimeError("signer unplugged")

    with pytest.raises(RuntimeError):
        outbox.append(broken)
    assert outbox.depth() == (0, 0)
    assert field.store(outbox, readings(T0, 1)) == 1


def test_acknowledge_needs_the_matching_digest(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    seq = field.store(outbox, readings(T0, 3))
    item = outbox.get(seq)
    assert item is not None
    assert not outbox.acknowledge(seq, b"\0" * 32, b"forged")
    assert outbox.acknowledge(seq, item.sha256, b"receipt")
    assert outbox.depth() == (0, 0)
    assert outbox.receipt(seq) == b"receipt"
    assert not outbox.acknowledge(seq, item.sha256, b"again")


def test_pages_oldest_and_newest_without_loading_the_queue(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    for _ in range(10):
        field.store(outbox, readings(T0, 1))
    assert [i.seq for i in outbox.oldest(3)] == [1, 2, 3]
    assert [i.seq for i in outbox.oldest(2, after=5)] == [6, 7]
    assert [i.seq for i in outbox.newest(3)] == [10, 9, 8]
    field.clock.now += 100
    field.store(outbox, readings(T0, 1))
    assert [i.seq for i in outbox.newest(5, since=field.clock.now - 50)] == [11]


def test_disk_full_raises_sets_the_alarm_and_keeps_the_database_sound(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox(max_bytes=64 * 1024)
    stored = 0
    error: BufferFullError | None = None
    while error is None and stored < 1000:
        try:
            field.store(outbox, readings(T0, 50))
            stored += 1
        except BufferFullError as exc:
            error = exc
    assert error is not None
    assert error.code == "buffer.full"
    assert outbox.full_alarm
    assert stored > 0
    assert outbox.depth()[0] == stored
    assert outbox.next_seq() == stored + 1  # the failed append used no number
    check = sqlite3.connect(outbox.path).execute("PRAGMA integrity_check").fetchone()
    assert check == ("ok",)
    for item in outbox.oldest(stored // 2 + 1):  # receipts free space ...
        outbox.acknowledge(item.seq, item.sha256, b"r")
    assert field.store(outbox, readings(T0, 50)) == stored + 1  # ... and the alarm clears
    assert not outbox.full_alarm


WRITER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime, timedelta
    from pathlib import Path
    from tanji.protocols.readings import Reading
    from tanji.terminal.buffer import Outbox
    from tanji.terminal.signing import Sealer
    from tanji.trust.keys import load_private_key

    path, key_path, batch = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    sealer = Sealer("T-4201-01", load_private_key(key_path.read_bytes()))
    outbox = Outbox(path)
    t0 = datetime(2025, 6, 10, tzinfo=UTC)
    while True:
        start = (outbox.next_seq() - 1) * batch
        chunk = [Reading("L1.COAL.KH", t0 + timedelta(seconds=start + i), float(start + i), "t/h")
                 for i in range(batch)]
        seq = outbox.append(lambda s: (sealer.seal(s, t0, chunk), len(chunk)))
        print(seq, flush=True)
""")


def _run_writer_and_kill(field: Field, commits: int) -> int:
    key_path = field.tmp / "terminal.key"
    key_path.write_bytes(field.terminal_key.to_pem())
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRITER,
            str(field.tmp / "outbox.sqlite3"),
            str(key_path),
            str(BATCH),
        ],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert process.stdout is not None
    last = 0
    for line in process.stdout:
        last = int(line)
        if last >= commits:
            break
    os.kill(process.pid, signal.SIGKILL)  # mid-way through the next batch
    process.wait()
    process.stdout.close()
    return last


def test_kill_9_mid_batch_loses_and_duplicates_nothing(tmp_path):
    field = Field(tmp_path)
    reported = _run_writer_and_kill(field, commits=30)
    outbox = field.outbox()
    seqs = [item.seq for item in outbox.oldest(10**6)]
    assert seqs == list(range(1, len(seqs) + 1))  # no hole, no repeat
    assert len(seqs) >= reported  # every acknowledged commit survived
    assert _samples(outbox) == [float(v) for v in range(len(seqs) * BATCH)]  # sample by sample
    assert field.store(outbox, readings(T0, 1)) == len(seqs) + 1  # never reused
    forwarder = field.forwarder(outbox, window=16)
    while outbox.depth()[0]:
        assert forwarder.step() > 0
    delivered = [v for tag, _t, v in field.platform.samples(DEVICE) if tag == "L1.COAL.KH"]
    assert delivered == [float(v) for v in range(len(seqs) * BATCH)] + [0.0]


def test_old_receipts_are_pruned(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    for _ in range(3):
        seq = field.store(outbox, readings(T0, 1))
        item = outbox.get(seq)
        assert item is not None
        outbox.acknowledge(seq, item.sha256, b"r")
        field.clock.now += 86_400
    assert outbox.prune_receipts(older_than_s=1.5 * 86_400) == 2
    assert outbox.receipt(3) == b"r"
    assert outbox.receipt(1) is None
