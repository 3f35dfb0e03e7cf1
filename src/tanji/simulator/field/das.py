"""A simulated CEMS data logger uploading to a terminal's HJ 212 listener, on its own thread.

The :class:`~tanji.simulator.cems_device.CemsDevice` is the TCP client of HJ 212-2017 §5: it
connects to the upper computer and uploads every minute. Here the upper computer is the field
terminal's listener, which may start later than the logger or restart with a new
configuration, so the logger reconnects until stopped, as a real data logger does. Time comes
from a float clock: the wall clock live, or the clock file a rehearsal steps (ADR 0162), so a
test moves both the logger and the terminal through simulated minutes in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tanji.simulator.cems_device import CemsDevice

log = logging.getLogger(__name__)


class PolledClock:
    """An awaitable clock over a float clock that may jump (a rehearsal's clock file)."""

    def __init__(self, clock: Callable[[], float] = time.time, poll_s: float = 0.5) -> None:
        self.clock = clock
        self.poll_s = poll_s

    def now(self) -> datetime:
        """Current aware time."""
        return datetime.fromtimestamp(self.clock(), UTC)

    async def sleep_until(self, moment: datetime) -> None:
        """Wait until the clock reaches ``moment``, looking again every ``poll_s`` at most."""
        while (remaining := (moment - self.now()).total_seconds()) > 0:
            await asyncio.sleep(min(remaining, self.poll_s))


class DataLogger:
    """A CEMS data logger connected to ``host:port`` from its own thread and event loop."""

    def __init__(
        self,
        device: CemsDevice,
        host: str,
        port: int,
        clock: PolledClock | None = None,
        retry_s: float = 0.5,
    ) -> None:
        self.device = device
        self.host, self.port = host, port
        self.clock = clock or PolledClock()
        self.retry_s = retry_s
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name=f"das:{port}", daemon=True)

    def start(self) -> DataLogger:
        """Start connecting and uploading in the background."""
        self._thread.start()
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self._connect_forever())
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    async def _connect_forever(self) -> None:
        while True:
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                await asyncio.sleep(self.retry_s)  # the listener is not up (yet)
                continue
            self.connections += 1
            try:
                await self.device.run(reader, writer, self.clock)
            except (OSError, asyncio.IncompleteReadError) as error:
                log.info("data logger %s: connection lost (%s)", self.device.config.mn, error)
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
            await asyncio.sleep(self.retry_s)

    def stop(self) -> None:
        """Stop uploading and close the connection."""
        task = self._task
        if task is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended meanwhile
                self._loop.call_soon_threadsafe(task.cancel)
        self._thread.join(10)
