from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    Command,
    ExeRtn,
    Flags,
    ProtocolVersion,
    QnRtn,
    ReturnCode,
    SystemTime,
    TimeRange,
    build_frame,
    data_answer,
    data_answer_frame,
    execution_result,
    get_time,
    history_request,
    interpret,
    notification_answer,
    parse_frame,
    request_answer,
    set_time,
)

from .factories import MN, message

TV10 = (Path(__file__).parent / "frames" / "tv10.h212").read_bytes().split(b"\r\n")
T0 = datetime(2025, 6, 10, 8, 0, tzinfo=CHINA_STANDARD_TIME)
T1 = datetime(2025, 6, 10, 9, 0, tzinfo=CHINA_STANDARD_TIME)


def test_data_answer_is_the_tv10_9014_frame() -> None:
    hour_upload = parse_frame(TV10[2] + b"\r\n")
    assert build_frame(data_answer(hour_upload)) == TV10[3] + b"\r\n"


def test_the_templated_data_answer_is_the_built_one() -> None:
    hour_upload = parse_frame(TV10[2] + b"\r\n")
    assert data_answer_frame(hour_upload) == TV10[3] + b"\r\n"
    for version in ProtocolVersion:
        request = message(flags=Flags(version, ack=True))
        assert data_answer_frame(request) == build_frame(data_answer(request))


def test_answers_keep_the_request_version_and_never_ask_for_ack() -> None:
    request = message(flags=Flags(ProtocolVersion.HJ212_2025, ack=True))
    for answer in (data_answer(request), notification_answer(request)):
        assert answer.flags == Flags(ProtocolVersion.HJ212_2025)
        assert (answer.qn, answer.st, answer.mn) == (request.qn, 91, request.mn)


def test_return_codes_round_trip() -> None:
    reply = parse_frame(build_frame(request_answer(message(), QnRtn.CRC_ERROR)))
    assert reply.cn == Command.REQUEST_ANSWER
    assert interpret(reply) == ReturnCode(qn_rtn=QnRtn.CRC_ERROR)
    done = parse_frame(build_frame(execution_result(message(), ExeRtn.NO_DATA)))
    assert interpret(done) == ReturnCode(exe_rtn=ExeRtn.NO_DATA)


def test_history_request_for_hour_data() -> None:
    request = history_request(2061, TimeRange(T0, T1), qn="20250610100000000", mn=MN, pw="123456")
    frame = build_frame(request)
    assert b"CP=&&BeginTime=20250610080000,EndTime=20250610090000&&" in frame
    assert b"Flag=5;" in frame
    assert interpret(parse_frame(frame)) == TimeRange(T0, T1)


def test_time_commands() -> None:
    command = set_time(T1, qn="20250610100000000", mn=MN, pw="123456")
    assert interpret(parse_frame(build_frame(command))) == SystemTime(T1)
    assert get_time(qn="20250610100000000", mn=MN, pw="123456").cn == 1011


def test_commands_without_payload() -> None:
    assert interpret(message(cn=1013, cp=())) is None


def test_builders_refuse_commands_without_data() -> None:
    import pytest

    from tanji.protocols.hj212 import DataRecord, Hj212Error, data_message

    record = DataRecord(T0, ())
    with pytest.raises(Hj212Error) as caught:
        data_message(record, cn=1011, qn="20250610100000000", mn=MN, pw="1")
    assert caught.value.code == "hj212.command.not_data"
    with pytest.raises(Hj212Error) as caught:
        history_request(2011, TimeRange(T0, T1), qn="20250610100000000", mn=MN, pw="1")
    assert caught.value.code == "hj212.command.not_data"
    with pytest.raises(Hj212Error) as caught:
        history_request(2061, TimeRange(T1, T0), qn="20250610100000000", mn=MN, pw="1")
    assert caught.value.code == "hj212.command.time_range"


def test_with_version_reflags_a_message() -> None:
    from tanji.protocols.hj212.commands import with_version

    changed = with_version(message(), ProtocolVersion.HJ212_2025)
    assert changed.flags == Flags(ProtocolVersion.HJ212_2025, ack=True)


def test_data_message_asks_for_an_answer_in_2017_by_default() -> None:
    from tanji.protocols.hj212 import DataRecord, FactorData, data_message, decode_record

    record = DataRecord(T0, (FactorData("a05001", {}, "N"), FactorData("a19001")))
    upload = data_message(record, cn=2011, qn="20250610100000000", mn=MN, pw="1")
    assert upload.flags == Flags(ProtocolVersion.HJ212_2017, ack=True)
    assert upload.cp == ((("DataTime", "20250610080000"),), (("a05001-Flag", "N"),))
    assert decode_record(upload) == DataRecord(T0, (FactorData("a05001", {}, "N"),))
