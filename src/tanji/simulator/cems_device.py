"""A simulated CEMS data-acquisition device speaking HJ 212-2017 over TCP.

The device is the TCP client (HJ 212-2017 §5: the data logger connects to the platform). Every
minute it uploads the previous minute (CN 2051) and, on the hour, the previous hour (CN 2061),
each with Flag A=1, and waits for the platform's 9014 data answer carrying the same QN. Without
an answer within ``ack_timeout_s`` it resends the same frame up to ``retries`` times (the
"overtime / recount" of CN 1000); still unanswered, the message is kept and re-uploaded after the
next acknowledged upload (补传). A connection the platform closes ends :meth:`CemsDevice.run`
with :class:`ConnectionResetError`, so the caller reconnects. A platform can also pull history:
a 2051/2061 request with ``BeginTime``/``EndTime`` is answered 9011 (QnRtn=1), the records of
the window are uploaded, then 9012 (ExeRtn=1) closes the exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    Command,
    ExeRtn,
    FrameScanner,
    Message,
    QnRtn,
    TimeRange,
    build_frame,
    data_message,
    execution_result,
    format_qn,
    interpret,
    request_answer,
)
from tanji.simulator.das import hour_record, hour_starts, minute_record
from tanji.simulator.errors import SimulatorError
from tanji.simulator.plant import Plant
from tanji.simulator.stream import AsyncClock

#: MN and PW of the TV-10 example frames.
DEFAULT_MN = "42010000A8900016F0000001"
DEFAULT_PW = "123456"


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    """Identity and retry behaviour of the device."""

    mn: str = DEFAULT_MN
    pw: str = DEFAULT_PW
    ack_timeout_s: float = 10.0
    retries: int = 3


@dataclass(slots=True)
class DeviceLog:
    """What the device did, for tests and operators."""

    sent: list[bytes] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    pending: list[Message] = field(default_factory=list)


class CemsDevice:
    """HJ 212 data logger of the kiln-tail CEMS of ``plant``."""

    def __init__(self, plant: Plant, config: DeviceConfig | None = None) -> None:
        self.plant = plant
        self.config = config or DeviceConfig()
        self.log = DeviceLog()
        self._acks: dict[str, asyncio.Future[None]] = {}
        self._requests: asyncio.Queue[Message] = asyncio.Queue()
        self._last_qn = ""
        self._writer: asyncio.StreamWriter | None = None

    def _qn(self, now: datetime) -> str:
        qn = format_qn(now)
        while qn <= self._last_qn:
            now += timedelta(milliseconds=1)
            qn = format_qn(now)
        self._last_qn = qn
        return qn

    def messages(self, cn: int, start: datetime, end: datetime, now: datetime) -> list[Message]:
        """Data messages (2051 or 2061) for the records whose DataTime lies in ``[start, end)``."""
        frame = self.plant.simulate(start, end)
        kv, seed = self.plant.params.velocity_coefficient, self.plant.seed
        if cn == Command.MINUTE_DATA:
            records = [minute_record(frame, i, kv, seed) for i in range(len(frame))]
        else:
            records = [hour_record(frame, i, kv) for i in hour_starts(frame)]
        cfg = self.config
        return [data_message(r, cn=cn, qn=self._qn(now), mn=cfg.mn, pw=cfg.pw) for r in records]

    async def _send(self, message: Message) -> None:
        if self._writer is None:
            raise SimulatorError("simulator.not_connected", "the data logger is not connected")
        raw = build_frame(message)
        self.log.sent.append(raw)
        self._writer.write(raw)
        await self._writer.drain()

    async def deliver(self, message: Message) -> bool:
        """Send and wait for the 9014 answer, resending on timeout; keep it if never answered."""
        future = asyncio.get_running_loop().create_future()
        self._acks[message.qn] = future
        try:
            for _ in range(1 + self.config.retries):
                await self._send(message)
                try:
                    await asyncio.wait_for(asyncio.shield(future), self.config.ack_timeout_s)
                except TimeoutError:
                    continue
                self.log.acknowledged.append(message.qn)
                return True
        finally:
            self._acks.pop(message.qn, None)
        self.log.pending.append(message)
        return False

    async def _reupload(self) -> None:
        backlog, self.log.pending = self.log.pending, []
        for index, message in enumerate(backlog):
            if not await self.deliver(message):
                self.log.pending.extend(backlog[index + 1 :])
                return

    async def _upload(self, messages: list[Message]) -> None:
        for message in messages:
            if await self.deliver(message) and self.log.pending:
                await self._reupload()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        scanner = FrameScanner()
        while data := await reader.read(4096):
            for frame in scanner.feed(data):
                message = frame.message
                if message is None:
                    continue
                if message.cn == Command.DATA_ANSWER and message.qn in self._acks:
                    self._acks[message.qn].set_result(None)
                elif message.cn in (Command.MINUTE_DATA, Command.HOUR_DATA):
                    await self._requests.put(message)

    async def _serve_history(self, request: Message, now: datetime) -> None:
        window = interpret(request)
        if not isinstance(window, TimeRange):
            await self._send(request_answer(request, QnRtn.REFUSED))
            return
        await self._send(request_answer(request, QnRtn.READY))
        start = max(window.begin, self.plant.scenario.start)
        end = min(window.end + timedelta(minutes=1), now.replace(second=0, microsecond=0))
        messages = self.messages(request.cn, start, end, now) if end > start else []
        await self._upload(messages)
        code = ExeRtn.SUCCESS if messages else ExeRtn.NO_DATA
        await self._send(execution_result(request, code))

    async def _tick(self, due: datetime, clock: AsyncClock) -> None:
        minute_start = due - timedelta(minutes=1)
        await self._upload(self.messages(Command.MINUTE_DATA, minute_start, due, clock.now()))
        if due.astimezone(CHINA_STANDARD_TIME).minute == 0:
            hour = self.messages(Command.HOUR_DATA, due - timedelta(hours=1), due, clock.now())
            await self._upload(hour)

    @staticmethod
    async def _until(due: datetime, clock: AsyncClock, listener: asyncio.Task[None]) -> None:
        """Sleep until ``due``; a connection the platform closed ends the wait with an error."""
        sleeper = asyncio.ensure_future(clock.sleep_until(due))
        try:
            done, _ = await asyncio.wait({sleeper, listener}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()  # a no-op once it finished; not left pending when stopped
        if sleeper not in done:
            raise ConnectionResetError("the platform closed the connection")

    async def run(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        clock: AsyncClock,
        limit: int | None = None,
    ) -> None:
        """Upload every minute (and hour) on ``clock`` over an open connection; ``limit`` ticks."""
        self._writer = writer
        listener = asyncio.create_task(self._read(reader))
        due = clock.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
        ticks = 0
        try:
            while limit is None or ticks < limit:
                while not self._requests.empty():
                    await self._serve_history(self._requests.get_nowait(), clock.now())
                await self._until(due, clock, listener)
                await self._tick(due, clock)
                due += timedelta(minutes=1)
                ticks += 1
            while not self._requests.empty():
                await self._serve_history(self._requests.get_nowait(), clock.now())
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def connect(
        self, host: str, port: int, clock: AsyncClock, limit: int | None = None
    ) -> None:
        """Connect to a platform gateway and :meth:`run` until ``limit`` ticks."""
        reader, writer = await asyncio.open_connection(host, port)
        try:
            await self.run(reader, writer, clock, limit)
        finally:
            writer.close()
            await writer.wait_closed()
