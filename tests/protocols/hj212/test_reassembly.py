from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

from tanji.protocols.hj212 import (
    Hj212Error,
    Message,
    Reassembler,
    build_frame,
    parse_frame,
    split_message,
)

from .factories import message, records

CP = (
    (("DataTime", "20250610083000"),),
    (("a05001-Avg", "442064.7"), ("a05001-Flag", "N")),
    (("a00000-Avg", "111.03"), ("a00000-Flag", "N")),
    (("a19001-Avg", "9.8"), ("a19001-Flag", "N")),
)


def packets() -> list[Message]:
    parts = split_message(message(cp=CP), max_cp_chars=60)
    assert len(parts) == 3
    return [parse_frame(build_frame(p)) for p in parts]  # they travel as real frames


def test_reassembles_in_any_order() -> None:
    first, second, third = packets()
    assembler = Reassembler()
    assert assembler.add(third, 0.0) is None
    assert assembler.add(first, 0.1) is None
    assert assembler.add(first, 0.2) is None  # an identical resend is harmless
    assert assembler.add(second, 0.3) == message(cp=CP)
    assert assembler.pending == 0


def test_unsplit_message_passes_through() -> None:
    assert Reassembler().add(message(), 0.0) == message()


@settings(deadline=None)  # timing belongs to benchmarks; a busy CI must not fail
@given(records())
def test_split_then_reassemble_is_identity(record: object) -> None:
    from tanji.protocols.hj212 import encode_record

    whole = message(cp=encode_record(record))  # type: ignore[arg-type]
    assembler = Reassembler()
    results = [assembler.add(p, 0.0) for p in split_message(whole, max_cp_chars=60)]
    assert results[-1] == whole


def _code(action: object) -> str:
    with pytest.raises(Hj212Error) as caught:
        action()  # type: ignore[operator]
    return caught.value.code


def test_pnum_mismatch() -> None:
    first, second, _ = packets()
    assembler = Reassembler()
    assembler.add(first, 0.0)
    assert _code(lambda: assembler.add(replace(second, pnum=4), 0.0)) == "hj212.split.pnum_mismatch"


def test_duplicate_packet_with_other_content() -> None:
    first, _, _ = packets()
    assembler = Reassembler()
    assembler.add(first, 0.0)
    changed = replace(first, cp=((("DataTime", "20250610083100"),),))
    assert _code(lambda: assembler.add(changed, 0.0)) == "hj212.split.duplicate"


def test_conflicting_values_across_packets() -> None:
    first, second, third = packets()
    second = replace(second, cp=((("DataTime", "20250610083100"),), *second.cp))
    assembler = Reassembler()
    assembler.add(first, 0.0)
    assembler.add(second, 0.0)
    assert _code(lambda: assembler.add(third, 0.0)) == "hj212.split.conflict"


def test_incomplete_messages_expire() -> None:
    first, _, _ = packets()
    assembler = Reassembler(timeout_s=10)
    assembler.add(first, 0.0)
    assert assembler.expire(5.0) == []
    [error] = assembler.expire(10.0)
    assert error.code == "hj212.split.incomplete"
    assert error.params["got"] == 1


def test_pending_messages_are_bounded() -> None:
    assembler = Reassembler(max_pending=2)
    first, _, _ = packets()
    assembler.add(first, 0.0)
    assembler.add(replace(first, qn="20250610083100124"), 0.0)
    third = replace(first, qn="20250610083100125")
    assert _code(lambda: assembler.add(third, 0.0)) == "hj212.split.too_many"


def test_repeated_equal_items_are_kept_once() -> None:
    first, second, third = packets()
    second = replace(second, cp=((("DataTime", "20250610083000"),), *second.cp))
    assembler = Reassembler()
    assembler.add(first, 0.0)
    assembler.add(second, 0.0)
    assert assembler.add(third, 0.0) == message(cp=CP)
