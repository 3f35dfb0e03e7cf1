"""The narrow hook through which lab results enter the transparency log.

The plant app sits beside the evidence app (import-linter keeps siblings apart), so it does not
call the log itself: the web project registers
:func:`tanji.evidence.records.record_platform_record` as the recorder when Django starts (see
:mod:`tanji.web.apps`). Without a recorder (a bare plant test) nothing is logged.
"""

from __future__ import annotations

from collections.abc import Callable

#: Signature of a recorder: (canonical record bytes, enterprise id, user id) → envelope id.
Recorder = Callable[[bytes, int, int | None], int]
_recorders: list[Recorder] = []


def register_recorder(recorder: Recorder) -> None:
    """Install the function that appends a platform record to the trust log."""
    _recorders[:] = [recorder]


def commit_record(body: bytes, enterprise_id: int, user_id: int | None) -> int | None:
    """Hand a record to the trust log; the envelope id, or ``None`` when none is wired."""
    return _recorders[0](body, enterprise_id, user_id) if _recorders else None
