"""Answering a frame that failed to decode: which QnRtn, and to whom.

HJ 212-2017 §7 answers a faulty request with 9011 and a ``QnRtn`` naming the fault (3 PW,
4 MN, 5 ST, 6 Flag, 7 QN, 8 CN, 9 CRC, 100 other). The answer needs the request's QN, MN and PW,
so they are read leniently from the raw bytes; without them no answer is possible and the
receiver only logs the fault.
"""

from __future__ import annotations

import re

from tanji.protocols.hj212.commands import QnRtn, request_answer
from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.fields import Message
from tanji.protocols.hj212.flags import DEFAULT_VERSIONS, Flags, ProtocolVersion
from tanji.protocols.hj212.timefmt import check_qn

_RTN_BY_PREFIX: tuple[tuple[str, QnRtn], ...] = (
    ("hj212.frame.crc", QnRtn.CRC_ERROR),
    ("hj212.field.pw", QnRtn.PASSWORD_ERROR),
    ("hj212.field.mn", QnRtn.MN_ERROR),
    ("hj212.field.st", QnRtn.ST_ERROR),
    ("hj212.flag.", QnRtn.FLAG_ERROR),
    ("hj212.split.", QnRtn.FLAG_ERROR),
    ("hj212.field.qn", QnRtn.QN_ERROR),
    ("hj212.field.cn", QnRtn.CN_ERROR),
)
_QN = re.compile(rb"(?:^|[#;0-9])QN=([0-9]{17});")
_MN = re.compile(rb";MN=([0-9A-Za-z]{1,24});")
_PW = re.compile(rb";PW=([0-9A-Za-z]{1,6});")
_FLAG = re.compile(rb";Flag=([0-9]{1,3});")


def qn_rtn_for(error: Hj212Error) -> QnRtn:
    """The ``QnRtn`` that names the fault of ``error``."""
    for prefix, code in _RTN_BY_PREFIX:
        if error.code.startswith(prefix):
            return code
    return QnRtn.UNKNOWN_ERROR


def salvage_mn(raw: bytes) -> str | None:
    """The MN of a broken frame, if it can be read."""
    found = _MN.search(raw)
    return found.group(1).decode("ascii") if found else None


def error_answer(
    raw: bytes, error: Hj212Error, versions: frozenset[ProtocolVersion] = DEFAULT_VERSIONS
) -> Message | None:
    """The 9011 answer to a frame that failed with ``error``, or ``None`` if none is possible.

    The answer speaks the frame's protocol version when it is one of ``versions``, else 2017.
    """
    qn, mn, pw = _QN.search(raw), _MN.search(raw), _PW.search(raw)
    if qn is None or mn is None or pw is None:
        return None
    version = ProtocolVersion.HJ212_2017
    flag = _FLAG.search(raw)
    if flag is not None and int(flag.group(1)) >> 2 in {int(v) for v in versions}:
        version = ProtocolVersion(int(flag.group(1)) >> 2)
    request = Message(
        qn=qn.group(1).decode("ascii"),
        st=91,
        cn=9011,
        pw=pw.group(1).decode("ascii"),
        mn=mn.group(1).decode("ascii"),
        flags=Flags(version),
    )
    try:
        check_qn(request.qn)
    except Hj212Error:
        return None
    return request_answer(request, qn_rtn_for(error))
