"""The HJ 212 gateway's registry and sink over the ingest pipeline (trust level unsigned).

Database work runs on ONE worker thread: the event loop never blocks on a commit, writes are
serialised as the embedded database wants, and the thread keeps its database connection. The
sink returns only after the pipeline committed (or found the upload already stored), so the
gateway's ``9014`` answer follows durability; a refusal raises, so no answer is sent (the
refusal is in quarantine with its reason).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from tanji.errors import CodedError
from tanji.gateways.hj212_tcp.contracts import Device, Hj212Upload
from tanji.ingest.hj212 import find_logger, ingest_upload
from tanji.ingest.pipeline import release_connection

__all__ = ["PipelineIntake", "UploadRefused"]


class UploadRefused(CodedError):
    """The pipeline refused an upload (its code and parameters are the pipeline's)."""


class PipelineIntake:
    """Both gateway protocols: ``DeviceRegistry.find`` and ``FrameSink.accept``."""

    def __init__(self, executor: ThreadPoolExecutor | None = None) -> None:
        self._executor = executor or ThreadPoolExecutor(1, thread_name_prefix="ingest")

    async def find(self, mn: str) -> Device | None:
        """The registered HJ 212 logger with this MN."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, find_logger, mn)

    async def accept(self, device: Device, upload: Hj212Upload) -> None:
        """Run the upload through the pipeline; return once it is durable."""
        received = upload.received_at
        received = received.replace(microsecond=received.microsecond // 1000 * 1000)
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(
            self._executor,
            ingest_upload,
            device.mn,
            upload.message.pw,
            upload.record,
            upload.frames,
            received,
        )
        if outcome.error is not None:
            error = outcome.error
            raise UploadRefused(error.code, error.template, **error.params)

    def close(self) -> None:
        """Stop the worker thread after the queued work, closing its database connection."""
        self._executor.submit(release_connection).result()
        self._executor.shutdown(wait=True)
