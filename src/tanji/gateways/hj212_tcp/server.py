"""The asyncio TCP server of the HJ 212 gateway: connections, per-device bookkeeping, commands.

A later ``tanji gateway`` command builds an :class:`Hj212Server` with the ingest pipeline's sink
and the plant registry and calls :meth:`Hj212Server.serve_forever`; nothing here reads settings.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from tanji.gateways.hj212_tcp.contracts import DeviceRegistry, FrameSink
from tanji.gateways.hj212_tcp.limits import GatewayLimits, TokenBucket
from tanji.gateways.hj212_tcp.session import Session
from tanji.protocols.hj212 import Message, build_frame

logger = logging.getLogger("tanji.gateways.hj212_tcp")


class Hj212Server:
    """Accepts many data-acquisition devices at once.

    Args:
        registry: looks devices up by MN (password check).
        sink: stores decoded uploads durably; answers wait for it.
        limits: every bound enforced (see :class:`GatewayLimits`).
    """

    def __init__(
        self, registry: DeviceRegistry, sink: FrameSink, limits: GatewayLimits | None = None
    ) -> None:
        self.registry = registry
        self.sink = sink
        self.limits = limits or GatewayLimits()
        #: Counters by reason (frames ok, error codes, closes, answers sent …) for logs/metrics.
        self.stats: Counter[str] = Counter()
        self._sessions: set[Session] = set()
        self._by_device: dict[str, list[Session]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._reconnects: dict[str, TokenBucket] = {}  # registered MNs only: bounded
        self._server: asyncio.Server | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Listen; return the bound address (port 0 picks a free port)."""
        self._server = await asyncio.start_server(
            self._connected, host, port, limit=self.limits.max_frame_bytes * 4
        )
        address = self._server.sockets[0].getsockname()
        logger.info("hj212 gateway listening on %s:%s", address[0], address[1])
        return address[0], address[1]

    async def serve_forever(self, host: str = "0.0.0.0", port: int = 6000) -> None:
        """Listen and serve until cancelled."""
        await self.start(host, port)
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop listening, close every connection and wait for their tasks."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for session in list(self._sessions):
            session.close("server shutdown", abort=True)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def connections(self) -> int:
        """Connections open now."""
        return len(self._sessions)

    def device_connections(self, mn: str) -> int:
        """Connections bound to the device ``mn`` now."""
        return len(self._by_device.get(mn, []))

    async def send(self, mn: str, message: Message) -> bool:
        """Send a command (e.g. a history request) on the device's newest connection.

        Returns:
            ``False`` when the device is not connected.
        """
        sessions = self._by_device.get(mn)
        if not sessions:
            return False
        writer = sessions[-1].writer
        writer.write(build_frame(message))
        await asyncio.wait_for(writer.drain(), self.limits.write_timeout_s)
        self.stats[f"sent {message.cn}"] += 1
        return True

    def admit(self, mn: str) -> bool:
        """Count one authentication of a new connection of ``mn``; ``False`` above the rate.

        A device that reconnects more often than ``reconnects_per_minute`` (a crash loop or a
        stolen password used in parallel) is refused until its bucket refills (target I5).
        """
        now = asyncio.get_running_loop().time()
        rate = self.limits.reconnects_per_minute
        bucket = self._reconnects.setdefault(mn, TokenBucket(rate / 60.0, rate, now))
        return bucket.take(now)

    def bind(self, session: Session) -> None:
        """Count ``session`` as a connection of its device; close the oldest over the limit."""
        assert session.mn is not None
        sessions = self._by_device.setdefault(session.mn, [])
        sessions.append(session)
        while len(sessions) > self.limits.max_connections_per_device:
            oldest = sessions.pop(0)
            oldest.close("replaced", abort=True)

    def unbind(self, session: Session) -> None:
        """Forget a finished session."""
        self._sessions.discard(session)
        if session.mn is not None:
            sessions = self._by_device.get(session.mn, [])
            if session in sessions:
                sessions.remove(session)
            if not sessions:
                self._by_device.pop(session.mn, None)

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._sessions) >= self.limits.max_connections:
            self.stats["closed: connection limit"] += 1
            logger.warning(
                "hj212: connection limit %d reached; refusing %s",
                self.limits.max_connections,
                writer.get_extra_info("peername"),
            )
            writer.transport.abort()
            return
        session = Session(self, reader, writer)
        self._sessions.add(session)
        self.stats["connections"] += 1
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await session.run()
