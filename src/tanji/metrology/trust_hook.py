"""The narrow hook through which metrology puts a document's hash into the trust log.

Metrology must not depend on how the log is persisted (``tanji.evidence`` sits on the same layer
as plant, below metrology, but is built separately). Until a recorder is registered the hash is
kept on the document row only, and :func:`commit_document_hash` returns an empty reference.
"""

from __future__ import annotations

from collections.abc import Callable

#: Signature of a recorder: (sha256 hex, document kind, enterprise id) → log reference.
Recorder = Callable[[str, str, int], str]
_recorders: list[Recorder] = []


def register_recorder(recorder: Recorder) -> None:
    """Install the function that appends a document hash to the trust log."""
    _recorders[:] = [recorder]


def clear_recorder() -> None:
    """Remove the recorder (tests; hashes are then kept on the rows only)."""
    _recorders.clear()


def commit_document_hash(sha256: str, kind: str, enterprise_id: int) -> str:
    """Hand a document hash to the trust log; returns its reference ('' when none is wired)."""
    return _recorders[0](sha256, kind, enterprise_id) if _recorders else ""
