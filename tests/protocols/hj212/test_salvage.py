from __future__ import annotations

from tanji.protocols.hj212 import (
    DEFAULT_VERSIONS,
    Hj212Error,
    ProtocolVersion,
    QnRtn,
    ReturnCode,
    error_answer,
    interpret,
    qn_rtn_for,
    salvage_mn,
)

from .factories import MN, QN, raw_frame, segment


def test_each_fault_maps_to_its_qnrtn() -> None:
    cases = {
        "hj212.frame.crc_mismatch": QnRtn.CRC_ERROR,
        "hj212.field.pw": QnRtn.PASSWORD_ERROR,
        "hj212.field.mn": QnRtn.MN_ERROR,
        "hj212.field.st": QnRtn.ST_ERROR,
        "hj212.flag.version": QnRtn.FLAG_ERROR,
        "hj212.split.pno_range": QnRtn.FLAG_ERROR,
        "hj212.field.qn": QnRtn.QN_ERROR,
        "hj212.field.cn": QnRtn.CN_ERROR,
        "hj212.cp.syntax": QnRtn.UNKNOWN_ERROR,
    }
    for code, expected in cases.items():
        assert qn_rtn_for(Hj212Error(code, "x")) == expected, code


def test_answer_repeats_qn_mn_pw_and_version() -> None:
    raw = raw_frame(segment(Flag="9"), crc="0000")
    answer = error_answer(raw, Hj212Error("hj212.frame.crc_mismatch", "x"), DEFAULT_VERSIONS)
    assert answer is not None
    assert (answer.qn, answer.mn, answer.pw, answer.cn) == (QN, MN, "123456", 9011)
    assert answer.flags.version == ProtocolVersion.HJ212_2025
    assert interpret(answer) == ReturnCode(qn_rtn=QnRtn.CRC_ERROR)


def test_unaccepted_version_is_answered_in_2017() -> None:
    raw = raw_frame(segment(Flag="1"))
    answer = error_answer(raw, Hj212Error("hj212.flag.version", "x"), DEFAULT_VERSIONS)
    assert answer is not None
    assert answer.flags.version == ProtocolVersion.HJ212_2017


def test_no_answer_without_qn_mn_pw_or_with_a_bad_qn() -> None:
    error = Hj212Error("hj212.frame.crc_mismatch", "x")
    assert error_answer(b"##0010garbage", error) is None
    assert error_answer(raw_frame(segment(PW="")), error) is None
    assert error_answer(raw_frame(segment(QN="20251340083100123")), error) is None


def test_salvage_mn() -> None:
    assert salvage_mn(raw_frame(segment(), crc="0000")) == MN
    assert salvage_mn(b"junk") is None
