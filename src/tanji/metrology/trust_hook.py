"""The narrow hook through which metrology puts a document's hash into the trust log.

Metrology does not reach into how the log is persisted: the metrology app registers
:func:`tanji.evidence.documents.record_document` as the recorder when Django starts. Without a
recorder the hash is kept on the document row only and :func:`commit_document_hash` returns an
empty reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Signature of a recorder: (sha256 hex, document kind, enterprise id, uploader's user id) →
#: log reference. The uploader is attested with the request's credential (ADR 0230).
Recorder = Callable[[str, str, int, int | None], str]
_recorders: list[Recorder] = []


def register_recorder(recorder: Recorder) -> None:
    """Install the function that appends a document hash to the trust log."""
    _recorders[:] = [recorder]


def clear_recorder() -> None:
    """Remove the recorder (hashes are then kept on the rows only)."""
    _recorders.clear()


@contextmanager
def using_recorder(recorder: Recorder) -> Iterator[None]:
    """Install ``recorder`` for the duration of a block, then restore the previous one."""
    previous = list(_recorders)
    _recorders[:] = [recorder]
    try:
        yield
    finally:
        _recorders[:] = previous


def commit_document_hash(
    sha256: str, kind: str, enterprise_id: int, user_id: int | None = None
) -> str:
    """Hand a document hash to the trust log; returns its reference ('' when none is wired)."""
    return _recorders[0](sha256, kind, enterprise_id, user_id) if _recorders else ""
