"""The error codes of the HJ 212 codec, as one catalogue.

Every malformed input is reported by a :class:`Hj212Error` whose ``code`` is one of
:data:`ERROR_CODES`; the catalogue is the single place the codes are defined, so the reference
page and the tests can check that each code is documented and reached.
"""

from __future__ import annotations

from typing import Any

from tanji.errors import CodedError

#: code → what it means (the reference page prints this table).
ERROR_CODES: dict[str, str] = {
    "hj212.frame.header": "the frame does not start with '##'",
    "hj212.frame.length_syntax": "the length field is not 4 decimal digits",
    "hj212.frame.length_mismatch": "the declared data-segment length differs from the actual one",
    "hj212.frame.oversize": "the data segment is longer than the 1024 bytes HJ 212 allows",
    "hj212.frame.truncated": "the frame ends before its CRC",
    "hj212.frame.trailer": "the frame does not end with CR LF after the CRC",
    "hj212.frame.crc_syntax": "the CRC is not 4 hexadecimal digits",
    "hj212.frame.crc_mismatch": "the CRC does not match the data segment (HJ 212 App. A)",
    "hj212.frame.encoding": "the data segment is not valid UTF-8",
    "hj212.frame.control_char": "the data segment contains a control character",
    "hj212.field.syntax": "a data-segment item is not NAME=VALUE",
    "hj212.field.missing": "a required data-segment field is missing",
    "hj212.field.duplicate": "a data-segment field appears twice",
    "hj212.field.unknown": "a data-segment field HJ 212 does not define",
    "hj212.field.qn": "QN is not YYYYMMDDhhmmsszzz with a real date",
    "hj212.field.st": "ST is not a 2-digit system code",
    "hj212.field.cn": "CN is not a 4-digit command code",
    "hj212.field.pw": "PW is not 1–6 letters or digits",
    "hj212.field.mn": "MN is not 1–24 letters or digits",
    "hj212.flag.syntax": "Flag is not a decimal number 0–255",
    "hj212.flag.version": "the Flag version bits name a protocol version not accepted here",
    "hj212.split.fields_missing": "Flag says split (D=1) but PNUM/PNO are missing",
    "hj212.split.flag_missing": "PNUM/PNO are present but Flag does not say split (D=0)",
    "hj212.split.number": "PNUM/PNO is not a positive integer",
    "hj212.split.pno_range": "PNO is larger than PNUM",
    "hj212.split.pnum_mismatch": "packets of one split message disagree on PNUM",
    "hj212.split.duplicate": "a split packet number arrived twice with different content",
    "hj212.split.conflict": "split packets give different values for the same CP key",
    "hj212.split.incomplete": "a split message did not complete in time",
    "hj212.split.too_many": "too many split messages are pending reassembly",
    "hj212.cp.missing": "the data segment has no CP=&&…&& field (it must be last)",
    "hj212.cp.unterminated": "CP does not end with '&&'",
    "hj212.cp.oversize": "CP is longer than the 950 characters HJ 212 allows",
    "hj212.cp.syntax": "a CP item is not KEY=VALUE",
    "hj212.cp.key": "a CP key contains characters HJ 212 does not use",
    "hj212.cp.value": "a CP value contains a separator or '&'",
    "hj212.cp.duplicate_key": "a CP key appears twice",
    "hj212.record.datatime_missing": "a data upload has no DataTime",
    "hj212.record.datetime": "a date-time value is not YYYYMMDDhhmmss with a real date",
    "hj212.record.pollutant_unknown": "a pollutant code is not in the HJ 212 App. B table",
    "hj212.record.field_unknown": "a pollutant field suffix HJ 212 does not define",
    "hj212.record.number": "a measured value is not a decimal number",
    "hj212.record.flag": "a data flag is not one of N F M S D C T B",
    "hj212.record.eflag": "an EFlag is not 1–4 letters or digits",
    "hj212.command.not_data": "the command carries no data records",
    "hj212.command.return_code": "a QnRtn/ExeRtn value HJ 212 does not define",
    "hj212.command.time_range": "BeginTime/EndTime are missing or BeginTime is after EndTime",
}


class Hj212Error(CodedError):
    """A malformed HJ 212 frame or message; ``code`` is a key of :data:`ERROR_CODES`."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        if code not in ERROR_CODES:  # a programming error, caught by the tests
            raise KeyError(code)
        super().__init__(code, message, **params)
