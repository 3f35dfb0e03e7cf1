"""HJ 212 (污染物在线监控（监测）系统数据传输标准) codec: frames, fields, records, commands.

Pure code, no I/O. HJ 212-2017 is implemented in full; HJ 212-2025 frames (Flag version 2) are
read with the 2017 rules (ADR 0040). The protocol version is always a parameter: receivers pass
the accepted versions, senders put the version in :class:`Flags`.

Typical use::

    message = parse_frame(raw)            # Hj212Error on any defect
    raw = build_frame(message)
"""

from tanji.protocols.hj212.commands import (
    Command,
    ExeRtn,
    Payload,
    QnRtn,
    ReturnCode,
    SystemTime,
    TimeRange,
    data_answer,
    data_answer_frame,
    data_message,
    execution_result,
    get_time,
    history_request,
    interpret,
    notification_answer,
    request_answer,
    set_time,
)
from tanji.protocols.hj212.crc import crc16, crc16_bitwise, crc_text
from tanji.protocols.hj212.errors import ERROR_CODES, Hj212Error
from tanji.protocols.hj212.fields import (
    Cp,
    CpGroup,
    CpItem,
    Message,
    decode_cp,
    decode_segment,
    encode_cp,
    encode_segment,
)
from tanji.protocols.hj212.flags import DEFAULT_VERSIONS, Flags, ProtocolVersion
from tanji.protocols.hj212.frame import (
    MAX_FRAME_BYTES,
    MAX_SEGMENT_BYTES,
    build_frame,
    encode_frame,
    parse_frame,
    unwrap_frame,
)
from tanji.protocols.hj212.pollutants import Pollutant, pollutant, pollutant_table
from tanji.protocols.hj212.reassembly import Reassembler, split_message
from tanji.protocols.hj212.records import (
    DATA_COMMANDS,
    DATA_FLAGS,
    DataRecord,
    FactorData,
    decode_record,
    encode_record,
)
from tanji.protocols.hj212.salvage import error_answer, qn_rtn_for, salvage_mn
from tanji.protocols.hj212.stream import FrameScanner, ScannedFrame, scan
from tanji.protocols.hj212.timefmt import (
    CHINA_STANDARD_TIME,
    format_datetime,
    format_qn,
    parse_datetime,
    qn_datetime,
)

__all__ = [
    "CHINA_STANDARD_TIME",
    "DATA_COMMANDS",
    "DATA_FLAGS",
    "DEFAULT_VERSIONS",
    "ERROR_CODES",
    "MAX_FRAME_BYTES",
    "MAX_SEGMENT_BYTES",
    "Command",
    "Cp",
    "CpGroup",
    "CpItem",
    "DataRecord",
    "ExeRtn",
    "FactorData",
    "Flags",
    "FrameScanner",
    "Hj212Error",
    "Message",
    "Payload",
    "Pollutant",
    "ProtocolVersion",
    "QnRtn",
    "Reassembler",
    "ReturnCode",
    "ScannedFrame",
    "SystemTime",
    "TimeRange",
    "build_frame",
    "crc16",
    "crc16_bitwise",
    "crc_text",
    "data_answer",
    "data_answer_frame",
    "data_message",
    "decode_cp",
    "decode_record",
    "decode_segment",
    "encode_cp",
    "encode_frame",
    "encode_record",
    "encode_segment",
    "error_answer",
    "execution_result",
    "format_datetime",
    "format_qn",
    "get_time",
    "history_request",
    "interpret",
    "notification_answer",
    "parse_datetime",
    "parse_frame",
    "pollutant",
    "pollutant_table",
    "qn_datetime",
    "qn_rtn_for",
    "request_answer",
    "salvage_mn",
    "scan",
    "set_time",
    "split_message",
    "unwrap_frame",
]
