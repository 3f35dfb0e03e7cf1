"""Reassembly of split messages (Flag D=1, ``PNUM`` packets numbered ``PNO`` 1…PNUM).

HJ 212-2017 §6.3.3: a message too long for one frame is sent as ``PNUM`` packets sharing QN, CN
and MN, each a complete frame whose CP holds part of the items. The reassembled message is the
first packet's header with D cleared and the CP groups of packets 1…PNUM in order; an item
repeated across packets (typically ``DataTime``) must repeat the same value. Time is passed in
(monotonic seconds) so the class stays pure and testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.fields import CpGroup, CpItem, Message

_Key = tuple[str, str, int]


@dataclass(slots=True)
class _Pending:
    pnum: int
    started_s: float
    packets: dict[int, Message] = field(default_factory=dict)


class Reassembler:
    """Collects split packets per (MN, QN, CN) until every PNO has arrived.

    Args:
        timeout_s: how long an incomplete message may wait for its packets.
        max_pending: how many incomplete messages may wait at once (memory bound).
    """

    def __init__(self, timeout_s: float = 60.0, max_pending: int = 64) -> None:
        self.timeout_s = timeout_s
        self.max_pending = max_pending
        self._pending: dict[_Key, _Pending] = {}

    def add(self, message: Message, now_s: float) -> Message | None:
        """Take one packet; return the whole message once complete, else ``None``.

        A message that is not split is returned as is.

        Raises:
            Hj212Error: ``hj212.split.pnum_mismatch``, ``hj212.split.duplicate``,
                ``hj212.split.conflict`` or ``hj212.split.too_many``.
        """
        if not message.flags.split or message.pnum is None or message.pno is None:
            return message
        key = (message.mn, message.qn, message.cn)
        pending = self._pending.get(key)
        if pending is None:
            if len(self._pending) >= self.max_pending:
                raise Hj212Error(
                    "hj212.split.too_many",
                    "{limit} split messages already pending",
                    limit=self.max_pending,
                )
            pending = self._pending[key] = _Pending(message.pnum, now_s)
        self._check_packet(key, pending, message)
        pending.packets[message.pno] = message
        if len(pending.packets) < pending.pnum:
            return None
        del self._pending[key]
        return _join([pending.packets[n] for n in range(1, pending.pnum + 1)])

    def expire(self, now_s: float) -> list[Hj212Error]:
        """Drop messages older than the timeout; one ``hj212.split.incomplete`` error each."""
        errors = []
        for key, pending in list(self._pending.items()):
            if now_s - pending.started_s >= self.timeout_s:
                del self._pending[key]
                errors.append(
                    Hj212Error(
                        "hj212.split.incomplete",
                        "split message QN={qn} CN={cn} of MN={mn}: {got} of {pnum} packets",
                        mn=key[0],
                        qn=key[1],
                        cn=key[2],
                        got=len(pending.packets),
                        pnum=pending.pnum,
                    )
                )
        return errors

    @property
    def pending(self) -> int:
        """Number of incomplete messages waiting."""
        return len(self._pending)

    def _check_packet(self, key: _Key, pending: _Pending, message: Message) -> None:
        if message.pnum != pending.pnum:
            del self._pending[key]
            raise Hj212Error(
                "hj212.split.pnum_mismatch",
                "packet PNO={pno} says PNUM={pnum}, earlier packets said {expected}",
                pno=message.pno,
                pnum=message.pnum,
                expected=pending.pnum,
            )
        earlier = pending.packets.get(message.pno or 0)
        if earlier is not None and earlier != message:
            del self._pending[key]
            raise Hj212Error(
                "hj212.split.duplicate",
                "packet PNO={pno} arrived twice with different content",
                pno=message.pno,
            )


def _join(packets: list[Message]) -> Message:
    seen: dict[str, str] = {}
    groups: list[CpGroup] = []
    for packet in packets:
        for group in packet.cp:
            kept: list[CpItem] = []
            for key, value in group:
                if key in seen:
                    if seen[key] != value:
                        raise Hj212Error(
                            "hj212.split.conflict",
                            "{key} is {first!r} in one packet and {second!r} in another",
                            key=key,
                            first=seen[key],
                            second=value,
                        )
                    continue
                seen[key] = value
                kept.append((key, value))
            if kept:
                groups.append(tuple(kept))
    first = packets[0]
    return replace(
        first, flags=replace(first.flags, split=False), pnum=None, pno=None, cp=tuple(groups)
    )


def split_message(message: Message, max_cp_chars: int) -> list[Message]:
    """Split ``message`` into packets whose CP fits ``max_cp_chars`` (whole groups per packet).

    Used by senders (the simulated device) and by the tests as the inverse of reassembly. A
    group larger than the limit is not cut (HJ 212 never splits an item).
    """
    chunks: list[list[CpGroup]] = [[]]
    size = 0
    for group in message.cp:
        length = sum(len(k) + len(v) + 2 for k, v in group)
        if chunks[-1] and size + length > max_cp_chars:
            chunks.append([])
            size = 0
        chunks[-1].append(group)
        size += length
    if len(chunks) == 1:
        return [message]
    flags = replace(message.flags, split=True)
    return [
        replace(message, flags=flags, pnum=len(chunks), pno=n, cp=tuple(chunk))
        for n, chunk in enumerate(chunks, start=1)
    ]
