import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, Receipt, encode_receipt
from tanji.terminal.backoff import Backoff
from tanji.terminal.uplink.base import UplinkRefused
from tanji.trust import dsse
from tanji.trust.keys import generate_private_key
from tests.terminal.factories import DEVICE, T0, Field, readings

TAGS = 10


def _minute(field: Field, outbox, minute: int) -> int:
    start = T0 + timedelta(minutes=minute)
    chunk = [r for t in range(TAGS) for r in readings(start, 1, f"L1.T{t:02d}", base=minute)]
    return field.store(outbox, chunk)


def test_delivers_and_frees_only_on_a_verified_receipt(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    field.store(outbox, readings(T0, 5))
    forwarder = field.forwarder(outbox)
    assert forwarder.step() == 1
    assert outbox.depth() == (0, 0)
    assert forwarder.stats.acknowledged == 1
    assert outbox.receipt(1) is not None


def test_a_day_offline_then_restored_loses_nothing_and_keeps_live_data_flowing(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox(power_safe=False)  # queue logic here; durability in test_buffer
    forwarder = field.forwarder(outbox, window=8, backoff=Backoff(1.0, 60.0, random.Random(1)))
    field.uplink.online = False
    for minute in range(1440):  # a simulated day of minute batches, uplink down
        field.clock.now += 60
        _minute(field, outbox, minute)
        forwarder.step()
    assert outbox.depth() == (1440, 1440 * TAGS)
    assert forwarder.stats.errors["uplink.offline"] > 0
    field.uplink.online = True
    live_seqs, minute, delivered_order = [], 1440, []
    while outbox.depth()[0]:
        field.clock.now += 60  # a minute later the back-off window has passed
        live_seqs.append(_minute(field, outbox, minute))
        minute += 1
        before = set(field.platform.batches)
        forwarder.step()
        delivered_order.extend(sorted(set(field.platform.batches) - before))
    # live data was never starved: each new minute was delivered in the step it was made
    assert all((DEVICE, seq) in field.platform.batches for seq in live_seqs)
    backlog = [seq for _d, seq in delivered_order if seq <= 1438]  # older than the live window
    assert backlog == sorted(backlog)  # the backlog drained in order
    samples = Counter(field.platform.samples(DEVICE))
    expected = Counter(
        (f"L1.T{t:02d}", T0 + timedelta(minutes=m), float(m))
        for m in range(minute)
        for t in range(TAGS)
    )
    assert samples == expected  # sample by sample: no loss, no duplicate, nothing else
    assert field.uplink.sent == minute  # each batch sent exactly once


def test_lost_receipt_leads_to_a_resend_and_a_duplicate_receipt(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    lost = []

    def lossy(envelope: bytes) -> bytes | None:
        receipt = field.platform.answer(envelope)  # stored on the platform ...
        if not lost:
            lost.append(receipt)  # ... but the first receipt never arrives
            return None
        return receipt

    field.uplink.platform = lossy
    field.store(outbox, readings(T0, 2))
    forwarder = field.forwarder(outbox, resend_after_s=30)
    forwarder.step()
    assert outbox.depth()[0] == 1
    assert forwarder.inflight == 1
    field.clock.now += 10
    assert forwarder.step() == 0  # still waiting
    field.clock.now += 30
    assert forwarder.step() == 1  # resent
    assert outbox.depth()[0] == 0
    assert forwarder.stats.duplicates == 1
    assert len(field.platform.batches) == 1


def test_duplicate_receipt_after_a_resend_still_frees(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    field.store(outbox, readings(T0, 2))
    field.platform.ingest(outbox.oldest(1)[0].envelope)  # arrived earlier, receipt lost
    forwarder = field.forwarder(outbox)
    forwarder.step()
    assert outbox.depth()[0] == 0
    assert forwarder.stats.duplicates == 1


def _receipt(key, seq, digest, device=DEVICE):
    receipt = Receipt(device, seq, digest, 0, "accepted", datetime.now(UTC))
    envelope = dsse.sign_envelope(RECEIPT_PAYLOAD_TYPE, encode_receipt(receipt), key.signer())
    return dsse.encode_envelope(envelope)


def test_forged_or_misdirected_receipts_free_nothing(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    field.store(outbox, readings(T0, 2))
    item = outbox.oldest(1)[0]
    forger = generate_private_key()
    bogus = [
        _receipt(forger, 1, item.sha256),  # not the platform key
        _receipt(field.platform_key, 1, b"\1" * 32),  # another envelope
        _receipt(field.platform_key, 1, item.sha256, device="T-OTHER"),  # another device
        b"not an envelope",
    ]
    field.uplink.platform = lambda _env: None
    forwarder = field.forwarder(outbox)
    forwarder.step()
    field.uplink._receipts.extend(bogus)
    assert forwarder.collect() == 0
    assert outbox.depth()[0] == 1
    assert forwarder.stats.bad_receipts == 3  # the wrong digest is simply not found


def test_receipt_signed_by_a_revoked_platform_key_is_refused(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    field.store(outbox, readings(T0, 2))
    forwarder = field.forwarder(outbox, revoked=[field.platform_key.public_key().key_id])
    forwarder.step()
    assert outbox.depth()[0] == 1
    assert forwarder.stats.bad_receipts == 1


def test_revoked_terminal_key_gets_no_receipt_and_data_stays_queued(tmp_path):
    field = Field(tmp_path)
    field.platform.revoked.add(field.terminal_key.public_key().key_id)
    outbox = field.outbox()
    field.store(outbox, readings(T0, 2))
    field.forwarder(outbox).step()
    assert outbox.depth()[0] == 1
    assert field.platform.refused


def test_clock_drift_is_measured_from_receipt_times(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    field.platform.clock = lambda: datetime.fromtimestamp(field.clock() + 600, UTC)
    field.store(outbox, readings(T0, 1))
    forwarder = field.forwarder(outbox)
    forwarder.step()
    assert forwarder.monitor.offset_s == 600
    assert forwarder.monitor.drifted


class _Refusing:
    """An uplink whose platform refuses one sequence number."""

    def __init__(self, field: Field, refused: int) -> None:
        self.inner = field.uplink
        self.refused = refused

    def submit(self, seq: int, envelope: bytes) -> None:
        if seq == self.refused:
            raise UplinkRefused("uplink.https.status", "platform answered 422", status=422)
        self.inner.submit(seq, envelope)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_a_refused_batch_is_held_aside_and_does_not_block_the_backlog(tmp_path):
    field = Field(tmp_path)
    outbox = field.outbox()
    for minute in range(5):
        _minute(field, outbox, minute)
    field.uplink = _Refusing(field, refused=1)  # type: ignore[assignment]
    forwarder = field.forwarder(outbox, hold_s=600)
    forwarder.step()
    assert [i.seq for i in outbox.oldest(10)] == [1]  # kept, never deleted without a receipt
    assert forwarder.stats.refused == 1
    assert forwarder.step() == 0  # held: not retried at once
    field.clock.now += 601
    field.uplink.refused = 0  # the platform was fixed
    assert forwarder.step() == 1
    assert outbox.depth() == (0, 0)
