"""``tanji hj212 check FILE``: one verdict per HJ 212 frame of a captured byte stream.

Reads a raw capture (a TCP session: frames back to back, possibly noise between them), finds
every frame, and prints in stream order either its decoded content or the precise error. Noise
is skipped; a broken frame never hides the next one (see :mod:`tanji.protocols.hj212.stream`).
Split packets are reassembled and the whole message is reported on its last packet. Exit
status 0 when every frame decoded, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tanji.protocols.hj212 import (
    DataRecord,
    Hj212Error,
    Message,
    Payload,
    ProtocolVersion,
    Reassembler,
    ReturnCode,
    ScannedFrame,
    SystemTime,
    TimeRange,
    interpret,
    scan,
)

_VERSIONS = {
    "2005": ProtocolVersion.HJ212_2005,
    "2017": ProtocolVersion.HJ212_2017,
    "2025": ProtocolVersion.HJ212_2025,
}


def register(subparsers: Any) -> None:
    """Add ``tanji hj212``."""
    parser = subparsers.add_parser("hj212", help="HJ 212 tools (check a captured stream)")
    parser.set_defaults(handler=lambda _args: _usage(parser))
    commands = parser.add_subparsers(dest="hj212_command", metavar="COMMAND")
    check = commands.add_parser("check", help="decode every frame of a captured byte stream")
    check.add_argument("file", type=Path, help="raw capture of a TCP session ('-' for stdin)")
    check.add_argument("--json", action="store_true", help="one JSON object per frame")
    check.add_argument(
        "--accept",
        default="2017,2025",
        help="protocol versions to accept, comma-separated (2005, 2017, 2025; default 2017,2025)",
    )
    check.add_argument(
        "--vendor-codes", action="store_true", help="accept pollutant codes outside App. B"
    )
    check.set_defaults(handler=run_check)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_check(args: argparse.Namespace) -> int:
    """Print one verdict per frame; return 1 when any frame is bad."""
    try:
        versions = frozenset(_VERSIONS[v.strip()] for v in args.accept.split(","))
    except KeyError as missing:
        print(f"error: unknown protocol version {missing}", file=sys.stderr)
        return 2
    data = sys.stdin.buffer.read() if str(args.file) == "-" else args.file.read_bytes()
    assembler = Reassembler(timeout_s=float("inf"), max_pending=1024)
    all_ok = True
    for index, frame in enumerate(scan(data, versions), start=1):
        verdict = _verdict(index, frame, assembler, args.vendor_codes)
        all_ok &= verdict["ok"]
        print(json.dumps(verdict, ensure_ascii=False) if args.json else _text(verdict))
    for error in assembler.expire(float("inf")):
        all_ok = False
        print(f"warning: {error.code}: {error}", file=sys.stderr)
    return 0 if all_ok else 1


def _verdict(
    index: int, frame: ScannedFrame, assembler: Reassembler, vendor_codes: bool
) -> dict[str, Any]:
    verdict: dict[str, Any] = {"frame": index, "offset": frame.offset, "bytes": len(frame.raw)}
    try:
        if frame.error is not None:
            raise frame.error
        message = frame.message
        if message is None:  # pragma: no cover - a ScannedFrame has a message or an error
            return {**verdict, "ok": False}
        verdict["message"] = _message(message)
        whole = assembler.add(message, 0.0)
        if whole is not None:
            verdict["payload"] = _payload(interpret(whole, vendor_codes=vendor_codes))
    except Hj212Error as error:
        return {**verdict, "ok": False, "error": error.as_dict()}
    return {**verdict, "ok": True}


def _message(message: Message) -> dict[str, Any]:
    result: dict[str, Any] = {
        "qn": message.qn,
        "st": message.st,
        "cn": message.cn,
        "mn": message.mn,
        "version": message.flags.version.name,
        "ack": message.flags.ack,
    }
    if message.flags.split:
        result |= {"pnum": message.pnum, "pno": message.pno}
    result["cp"] = message.cp_dict()
    return result


def _payload(payload: Payload) -> dict[str, Any] | None:
    if isinstance(payload, DataRecord):
        return {
            "data_time": payload.data_time.isoformat(),
            "factors": {
                f.code: {k: str(v) for k, v in f.values.items()}
                | ({"Flag": f.flag} if f.flag else {})
                for f in payload.factors
            },
        }
    if isinstance(payload, ReturnCode):
        code = payload.qn_rtn or payload.exe_rtn
        return {"return_code": code.name if code else None}
    if isinstance(payload, TimeRange):
        return {"begin": payload.begin.isoformat(), "end": payload.end.isoformat()}
    if isinstance(payload, SystemTime):
        return {"system_time": payload.time.isoformat()}
    return None


def _text(verdict: dict[str, Any]) -> str:
    head = f"#{verdict['frame']} @{verdict['offset']}"
    if not verdict["ok"]:
        error = verdict["error"]
        return f"{head} ERROR {error['code']}: {error['message']}"
    message = verdict["message"]
    line = f"{head} OK CN={message['cn']} MN={message['mn']} QN={message['qn']}"
    if "pno" in message:
        line += f" packet {message['pno']}/{message['pnum']}"
    payload = verdict.get("payload")
    if payload and "factors" in payload:
        factors = "; ".join(
            f"{code} " + ",".join(f"{k}={v}" for k, v in values.items())
            for code, values in payload["factors"].items()
        )
        return f"{line} DataTime={payload['data_time']} {factors}"
    if payload:
        return f"{line} " + " ".join(f"{k}={v}" for k, v in payload.items())
    return line
