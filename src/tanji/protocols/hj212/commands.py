"""The commands a carbon platform exchanges with a data-acquisition device (HJ 212-2017 §7).

Builders for the platform's messages (answers 9011/9012/9013/9014, history re-upload requests,
time commands) and :func:`interpret`, which reads the CP of a received message into a typed
payload. Answers repeat the request's QN, PW and MN, use ST=91 (system interaction) and the
request's protocol version, and never ask for an answer themselves (A=0).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import TypeVar

from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.fields import Message
from tanji.protocols.hj212.flags import Flags, ProtocolVersion
from tanji.protocols.hj212.frame import encode_frame
from tanji.protocols.hj212.records import DATA_COMMANDS, DataRecord, decode_record, encode_record
from tanji.protocols.hj212.timefmt import CHINA_STANDARD_TIME, format_datetime, parse_datetime

#: ST of answers and other system-interaction messages.
ST_SYSTEM = 91
#: ST of air pollution sources (stacks), the default for cement CEMS.
ST_AIR_SOURCE = 31


class Command(enum.IntEnum):
    """Command codes (CN) used here; HJ 212-2017 Table 5 defines more."""

    GET_TIME = 1011
    SET_TIME = 1012
    TIME_CALIBRATION_REQUEST = 1013
    REALTIME_DATA = 2011
    DAY_DATA = 2031
    MINUTE_DATA = 2051
    HOUR_DATA = 2061
    REQUEST_ANSWER = 9011
    EXECUTION_RESULT = 9012
    NOTIFICATION_ANSWER = 9013
    DATA_ANSWER = 9014


class QnRtn(enum.IntEnum):
    """Request answer codes (9011)."""

    READY = 1
    REFUSED = 2
    PASSWORD_ERROR = 3
    MN_ERROR = 4
    ST_ERROR = 5
    FLAG_ERROR = 6
    QN_ERROR = 7
    CN_ERROR = 8
    CRC_ERROR = 9
    UNKNOWN_ERROR = 100


class ExeRtn(enum.IntEnum):
    """Execution result codes (9012)."""

    SUCCESS = 1
    FAILED = 2
    BAD_CONDITION = 3
    TIMEOUT = 4
    BUSY = 5
    FAULT = 6
    NO_DATA = 100


@dataclass(frozen=True, slots=True)
class ReturnCode:
    """The payload of a 9011 (``QnRtn``) or 9012 (``ExeRtn``) message."""

    qn_rtn: QnRtn | None = None
    exe_rtn: ExeRtn | None = None


@dataclass(frozen=True, slots=True)
class TimeRange:
    """``BeginTime``/``EndTime`` of a history request (2051/2061/2031 sent to a device)."""

    begin: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class SystemTime:
    """``SystemTime`` of a 1011 answer or 1012 command."""

    time: datetime


_Code = TypeVar("_Code", QnRtn, ExeRtn)

Payload = DataRecord | ReturnCode | TimeRange | SystemTime | None


def _answer(request: Message, cn: Command, cp: tuple[tuple[tuple[str, str], ...], ...]) -> Message:
    return Message(
        qn=request.qn,
        st=ST_SYSTEM,
        cn=int(cn),
        pw=request.pw,
        mn=request.mn,
        flags=Flags(request.flags.version),
        cp=cp,
    )


def data_answer(request: Message) -> Message:
    """9014: the answer to a data upload with A=1 (after the data is stored)."""
    return _answer(request, Command.DATA_ANSWER, ())


def data_answer_frame(request: Message) -> bytes:
    """The wire bytes of :func:`data_answer`, from a template (the gateway's hot path).

    Equal to ``build_frame(data_answer(request))`` (tested): QN, PW and MN are the request's,
    which were checked when it was decoded, so the answer's checks are not run again.
    """
    flag = _ANSWER_FLAGS.get(request.flags.version)
    if flag is None:
        flag = _ANSWER_FLAGS[request.flags.version] = Flags(request.flags.version).encode()
    return encode_frame(
        f"QN={request.qn};ST={ST_SYSTEM:02d};CN={int(Command.DATA_ANSWER):04d};"
        f"PW={request.pw};MN={request.mn};Flag={flag};CP=&&&&"
    )


_ANSWER_FLAGS: dict[ProtocolVersion, int] = {}


def request_answer(request: Message, code: QnRtn) -> Message:
    """9011 with ``QnRtn``: accept or refuse a request, or report what was wrong."""
    return _answer(request, Command.REQUEST_ANSWER, ((("QnRtn", str(int(code))),),))


def execution_result(request: Message, code: ExeRtn) -> Message:
    """9012 with ``ExeRtn``: the outcome of executing a request."""
    return _answer(request, Command.EXECUTION_RESULT, ((("ExeRtn", str(int(code))),),))


def notification_answer(request: Message) -> Message:
    """9013: the answer to a notification (e.g. a 1013 time-calibration request)."""
    return _answer(request, Command.NOTIFICATION_ANSWER, ())


def data_message(
    record: DataRecord,
    *,
    cn: int,
    qn: str,
    mn: str,
    pw: str,
    st: int = ST_AIR_SOURCE,
    flags: Flags | None = None,
    tz: tzinfo = CHINA_STANDARD_TIME,
) -> Message:
    """A data upload (2011/2051/2061/2031) carrying ``record`` — what a device sends."""
    if cn not in DATA_COMMANDS:
        raise Hj212Error("hj212.command.not_data", "CN={cn} carries no data records", cn=cn)
    flags = flags or Flags(ProtocolVersion.HJ212_2017, ack=True)
    return Message(qn=qn, st=st, cn=cn, pw=pw, mn=mn, flags=flags, cp=encode_record(record, tz))


def history_request(
    cn: int,
    window: TimeRange,
    *,
    qn: str,
    mn: str,
    pw: str,
    st: int = ST_AIR_SOURCE,
    version: ProtocolVersion = ProtocolVersion.HJ212_2017,
    tz: tzinfo = CHINA_STANDARD_TIME,
) -> Message:
    """Ask a device to re-upload minute/hour/day data of ``window`` (App. C; host-pulled)."""
    if cn not in DATA_COMMANDS - {2011}:
        raise Hj212Error("hj212.command.not_data", "CN={cn} has no history", cn=cn)
    _check_range(window)
    cp = (
        (
            ("BeginTime", format_datetime(window.begin, tz)),
            ("EndTime", format_datetime(window.end, tz)),
        ),
    )
    return Message(qn=qn, st=st, cn=cn, pw=pw, mn=mn, flags=Flags(version, ack=True), cp=cp)


def set_time(
    moment: datetime,
    *,
    qn: str,
    mn: str,
    pw: str,
    st: int = ST_AIR_SOURCE,
    version: ProtocolVersion = ProtocolVersion.HJ212_2017,
    tz: tzinfo = CHINA_STANDARD_TIME,
) -> Message:
    """1012: set the device clock (the answer to a 1013 time-calibration request)."""
    cp = ((("SystemTime", format_datetime(moment, tz)),),)
    return Message(
        qn=qn, st=st, cn=int(Command.SET_TIME), pw=pw, mn=mn, flags=Flags(version, ack=True), cp=cp
    )


def get_time(
    *,
    qn: str,
    mn: str,
    pw: str,
    st: int = ST_AIR_SOURCE,
    version: ProtocolVersion = ProtocolVersion.HJ212_2017,
) -> Message:
    """1011: ask a device for its clock (the device answers 1011 with ``SystemTime``)."""
    return Message(
        qn=qn, st=st, cn=int(Command.GET_TIME), pw=pw, mn=mn, flags=Flags(version, ack=True)
    )


def interpret(
    message: Message, tz: tzinfo = CHINA_STANDARD_TIME, *, vendor_codes: bool = False
) -> Payload:
    """The typed payload of a received message (``None`` for commands without one).

    Raises:
        Hj212Error: a ``hj212.record.*`` or ``hj212.command.*`` code.
    """
    cp = message.cp_dict()
    if message.cn in DATA_COMMANDS and ("BeginTime" in cp or "EndTime" in cp):
        return _time_range(cp, tz)
    if message.cn in DATA_COMMANDS:
        return decode_record(message, tz, vendor_codes=vendor_codes)
    if message.cn == Command.REQUEST_ANSWER:
        return ReturnCode(qn_rtn=_return_code(QnRtn, cp, "QnRtn"))
    if message.cn == Command.EXECUTION_RESULT:
        return ReturnCode(exe_rtn=_return_code(ExeRtn, cp, "ExeRtn"))
    if message.cn in (Command.GET_TIME, Command.SET_TIME) and "SystemTime" in cp:
        return SystemTime(parse_datetime(cp["SystemTime"], "SystemTime", tz))
    return None


def _return_code(kind: type[_Code], cp: dict[str, str], key: str) -> _Code:
    text = cp.get(key, "")
    try:
        return kind(int(text))
    except ValueError:
        raise Hj212Error(
            "hj212.command.return_code",
            "{key}={value!r} is not a defined code",
            key=key,
            value=text,
        ) from None


def _time_range(cp: dict[str, str], tz: tzinfo) -> TimeRange:
    if "BeginTime" not in cp or "EndTime" not in cp:
        raise Hj212Error("hj212.command.time_range", "BeginTime and EndTime are both required")
    window = TimeRange(
        parse_datetime(cp["BeginTime"], "BeginTime", tz),
        parse_datetime(cp["EndTime"], "EndTime", tz),
    )
    _check_range(window)
    return window


def _check_range(window: TimeRange) -> None:
    if window.begin > window.end:
        raise Hj212Error(
            "hj212.command.time_range",
            "BeginTime {begin} is after EndTime {end}",
            begin=window.begin.isoformat(),
            end=window.end.isoformat(),
        )


def with_version(message: Message, version: ProtocolVersion) -> Message:
    """``message`` re-flagged for another protocol version (e.g. to answer a 2025 device)."""
    return replace(message, flags=replace(message.flags, version=version))
