"""One device connection: read, find frames, authenticate, store, answer — in order.

Frames of a connection are handled one at a time: the next read waits until the sink has made
the previous data durable, so a fast device is slowed by TCP back-pressure rather than by
unbounded buffers. Answers follow HJ 212-2017 §7: 9014 after a data upload that asks for it
(A=1) — and only once :meth:`FrameSink.accept` has returned; 9011 with a ``QnRtn`` naming the
fault of a rejected request; 9013 and a 1012 time set for a 1013 time-calibration request.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tanji.gateways.hj212_tcp.contracts import Device, Hj212Upload
from tanji.gateways.hj212_tcp.limits import TokenBucket
from tanji.protocols.hj212 import (
    DATA_COMMANDS,
    FrameScanner,
    Hj212Error,
    Message,
    QnRtn,
    Reassembler,
    ScannedFrame,
    build_frame,
    data_answer_frame,
    decode_record,
    error_answer,
    format_qn,
    notification_answer,
    request_answer,
    salvage_mn,
    set_time,
)

if TYPE_CHECKING:
    from tanji.gateways.hj212_tcp.server import Hj212Server

logger = logging.getLogger("tanji.gateways.hj212_tcp")

TIME_CALIBRATION_REQUEST = 1013
ANSWERS = frozenset({9011, 9012, 9013, 9014})


class Session:
    """State of one TCP connection."""

    def __init__(
        self, server: Hj212Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.server = server
        self.limits = server.limits
        self.reader = reader
        self.writer = writer
        host, port = writer.get_extra_info("peername")[:2]
        self.peer = f"{host}:{port}"
        self.device: Device | None = None
        self.closing: str | None = None
        self.bad_frames = 0
        self._loop = asyncio.get_running_loop()
        self._scanner = FrameScanner(self.limits.versions, self.limits.max_frame_bytes)
        self._bucket = TokenBucket(
            self.limits.frames_per_s, self.limits.frame_burst, self._loop.time()
        )
        self._reassembler = Reassembler(self.limits.split_timeout_s)
        self._split_frames: dict[tuple[str, str, int], list[bytes]] = {}

    async def run(self) -> None:
        """Serve the connection until the peer leaves or a limit closes it."""
        try:
            while self.closing is None:
                data = await self._read()
                if not data:
                    break
                for frame in self._scanner.feed(data):
                    await self._handle(frame)
                    if self.closing is not None:
                        break
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            self.close(f"connection error: {error!r}")
        except Exception:  # a registry or programming fault: this connection only
            logger.exception("hj212 %s (MN=%s): internal error", self.peer, self.mn)
            self.close("internal error")
        finally:
            await self._finish()

    def close(self, reason: str, *, abort: bool = False) -> None:
        """Ask the connection to close (the reason is logged and counted once).

        Args:
            reason: why, for the log and the counters.
            abort: drop the transport now (used from outside the session's own task, which
                may be waiting in a read).
        """
        if self.closing is None:
            self.closing = reason
            self.server.stats[f"closed: {reason.split(':')[0]}"] += 1
            logger.info("hj212 %s (MN=%s): closing: %s", self.peer, self.mn, reason)
        if abort:
            self.writer.transport.abort()

    @property
    def mn(self) -> str | None:
        """The MN this connection is bound to, once authenticated."""
        return self.device.mn if self.device else None

    async def _read(self) -> bytes:
        waiting_for_frame = self._scanner.buffered > 0
        timeout = self.limits.frame_timeout_s if waiting_for_frame else self.limits.idle_timeout_s
        try:
            # asyncio.timeout, not wait_for: no task per read (ADR 0150, the gateway's hot path)
            async with asyncio.timeout(timeout):
                return await self.reader.read(4096)
        except TimeoutError:
            self.close("frame timeout" if waiting_for_frame else "idle timeout")
            return b""

    async def _handle(self, frame: ScannedFrame) -> None:
        if not self._bucket.take(self._loop.time()):
            self.close("frame rate limit")
            return
        for expired in self._reassembler.expire(self._loop.time()):
            logger.warning("hj212 %s: %s", self.peer, expired)
        if frame.error is not None or frame.message is None:
            await self._reject(frame.raw, frame.error)
            return
        self.server.stats["frames ok"] += 1
        device = await self._authenticate(frame.message)
        if device is None:
            return
        whole = self._collect(frame)
        if whole is not None:
            await self._dispatch(device, whole[0], whole[1])

    async def _reject(self, raw: bytes, error: Hj212Error | None) -> None:
        assert error is not None
        self.bad_frames += 1
        self.server.stats[error.code] += 1
        logger.warning(
            "hj212 %s (MN=%s, frame says %s): rejected frame: %s: %s",
            self.peer,
            self.mn,
            salvage_mn(raw),
            error.code,
            error,
        )
        answer = error_answer(raw, error, self.limits.versions)
        if answer is not None and await self.server.registry.find(answer.mn) is not None:
            await self._send(answer)
        if self.bad_frames >= self.limits.max_bad_frames:
            self.close("too many bad frames")

    async def _authenticate(self, message: Message) -> Device | None:
        bound = self.device
        if bound is not None and message.mn == bound.mn and bound.verify_password(message.pw):
            return bound
        device = await self.server.registry.find(message.mn)
        fault = None
        if device is None:
            fault = (QnRtn.MN_ERROR, "unknown MN")
        elif not device.verify_password(message.pw):
            fault = (QnRtn.PASSWORD_ERROR, "wrong password")
        elif self.device is not None:
            fault = (QnRtn.MN_ERROR, f"MN {message.mn} on a connection bound to {self.device.mn}")
        elif not self.server.admit(device.mn):
            fault = (QnRtn.REFUSED, "reconnect rate limit")
        if fault is not None or device is None:
            code, reason = fault or (QnRtn.MN_ERROR, "unknown MN")
            self.server.stats[f"auth: {reason.split(' ')[0]}"] += 1
            await self._send(request_answer(message, code))
            self.close(f"authentication: {reason}")
            return None
        self.device = device
        self.server.bind(self)
        return device

    def _collect(self, frame: ScannedFrame) -> tuple[Message, tuple[bytes, ...]] | None:
        message = frame.message
        assert message is not None
        if not message.flags.split:  # the usual case: nothing to reassemble
            return message, (frame.raw,)
        key = (message.mn, message.qn, message.cn)
        raws = self._split_frames.setdefault(key, [])
        raws.append(frame.raw)
        try:
            whole = self._reassembler.add(message, self._loop.time())
        except Hj212Error as error:
            del self._split_frames[key]
            self.server.stats[error.code] += 1
            logger.warning("hj212 %s (MN=%s): %s", self.peer, self.mn, error)
            return None
        if whole is None:
            return None
        return whole, tuple(self._split_frames.pop(key))

    async def _dispatch(self, device: Device, message: Message, raws: tuple[bytes, ...]) -> None:
        if message.cn in DATA_COMMANDS:
            await self._store(device, message, raws)
        elif message.cn == TIME_CALIBRATION_REQUEST:
            if message.flags.ack:
                await self._send(notification_answer(message))
            now = datetime.now(UTC)
            await self._send(
                set_time(
                    now,
                    qn=format_qn(now),
                    mn=message.mn,
                    pw=message.pw,
                    st=message.st,
                    version=message.flags.version,
                )
            )
        elif message.cn in ANSWERS:
            self.server.stats[f"answer {message.cn}"] += 1
            logger.info(
                "hj212 %s (MN=%s): answer CN=%d QN=%s CP=%s",
                self.peer,
                self.mn,
                message.cn,
                message.qn,
                message.cp_dict(),
            )
        elif message.flags.ack:
            await self._send(request_answer(message, QnRtn.REFUSED))

    async def _store(self, device: Device, message: Message, raws: tuple[bytes, ...]) -> None:
        try:
            record = decode_record(message, vendor_codes=self.limits.vendor_codes)
        except Hj212Error as error:
            await self._reject(b"", error)  # content fault: no answer exists for it in HJ 212
            return
        upload = Hj212Upload(message, record, raws, self.peer, datetime.now(UTC))
        try:
            async with asyncio.timeout(self.limits.sink_timeout_s):
                await self.server.sink.accept(device, upload)
        except Exception as error:  # any sink failure: not durable, so no ack
            self.server.stats["sink refused"] += 1
            logger.warning(
                "hj212 %s (MN=%s): sink refused QN=%s: %r", self.peer, self.mn, message.qn, error
            )
            return
        self.server.stats["uploads stored"] += 1
        if message.flags.ack:
            await self._send_frame(data_answer_frame(message), 9014)

    async def _send(self, message: Message) -> None:
        await self._send_frame(build_frame(message), message.cn)

    async def _send_frame(self, frame: bytes, cn: int) -> None:
        if self.writer.transport.is_closing():
            return
        self.writer.write(frame)
        if self.writer.transport.get_write_buffer_size():  # the kernel did not take it all
            try:
                async with asyncio.timeout(self.limits.write_timeout_s):
                    await self.writer.drain()
            except TimeoutError:
                self.close("write timeout")
        self.server.stats[f"sent {cn}"] += 1

    async def _finish(self) -> None:
        self.server.unbind(self)
        self.writer.close()
        try:
            await asyncio.wait_for(self.writer.wait_closed(), self.limits.write_timeout_s)
        except (TimeoutError, ConnectionError):
            self.writer.transport.abort()
