"""The HJ 212 gateway's registry and sink over the ingest pipeline (trust level unsigned).

Uploads go to a :class:`~tanji.ingest.committer.Committer`: its thread commits whatever uploads
of all connections are waiting as ONE group (group commit, ADR 0151), so the event loop never
blocks on a commit and a thousand devices share one transaction per few milliseconds. Device
look-ups run on a second thread. The sink returns only after the group holding the upload
committed (or found it already stored), so the gateway's ``9014`` answer follows durability; a
refusal raises, so no answer is sent (the refusal is in quarantine with its reason).
"""

from __future__ import annotations

import asyncio
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from tanji.errors import CodedError
from tanji.gateways.hj212_tcp.contracts import Device, Hj212Upload
from tanji.ingest.committer import Committer
from tanji.ingest.hj212 import find_logger, upload_submission
from tanji.ingest.pipeline import Outcome, release_connection

__all__ = ["PipelineIntake", "UploadRefused"]


class UploadRefused(CodedError):
    """The pipeline refused an upload (its code and parameters are the pipeline's)."""


class PipelineIntake:
    """Both gateway protocols: ``DeviceRegistry.find`` and ``FrameSink.accept``."""

    def __init__(
        self, executor: ThreadPoolExecutor | None = None, committer: Committer | None = None
    ) -> None:
        self._executor = executor or ThreadPoolExecutor(1, thread_name_prefix="ingest-find")
        self.committer = committer or Committer()
        self._results: deque[tuple[Future[Outcome], Any]] = deque()
        self._wakeup = False

    async def find(self, mn: str) -> Device | None:
        """The registered HJ 212 logger with this MN."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, find_logger, mn)

    async def accept(self, device: Device, upload: Hj212Upload) -> None:
        """Run the upload through the pipeline; return once it is durable."""
        received = upload.received_at
        received = received.replace(microsecond=received.microsecond // 1000 * 1000)
        submission = upload_submission(
            device.mn, upload.message.pw, upload.record, upload.frames, received
        )
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Outcome] = loop.create_future()
        done = self.committer.submit(submission)
        done.add_done_callback(lambda f: self._ready(loop, f, waiter))
        try:
            outcome = await waiter
        except asyncio.CancelledError:  # the gateway gave up waiting: withdraw if not begun
            done.cancel()
            raise
        if outcome.error is not None:
            error = outcome.error
            raise UploadRefused(error.code, error.template, **error.params)

    def _ready(self, loop: asyncio.AbstractEventLoop, done: Future[Outcome], waiter: Any) -> None:
        """On the committer's thread: queue the result; wake the event loop once per batch.

        One wake-up per group instead of one per upload: each wake-up is a write to the
        loop's self-pipe, which cost more than the rest of the hand-over (ADR 0150).
        """
        self._results.append((done, waiter))
        if not self._wakeup:
            self._wakeup = True
            loop.call_soon_threadsafe(self._deliver)

    def _deliver(self) -> None:
        """On the event loop: hand every queued result to its waiting upload."""
        self._wakeup = False
        while self._results:
            done, waiter = self._results.popleft()
            if waiter.done():
                continue
            if done.cancelled():
                waiter.cancel()
            elif (error := done.exception()) is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(done.result())

    def close(self) -> None:
        """Stop both threads after the queued work, closing their database connections."""
        self.committer.close()
        self._executor.submit(release_connection).result()
        self._executor.shutdown(wait=True)
