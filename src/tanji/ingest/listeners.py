"""Post-commit listeners: how the live engine (``tanji.emissions``) hears about new data.

A listener is called after the transaction that stored the samples has committed (never for a
duplicate or a refusal) with a :class:`CommittedData`. Listener failures are logged and do not
undo or refuse the ingest: the data is already durable and receipted, and a listener must be
able to recompute from the store anyway (R4.4).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["CommittedData", "Listener", "notify", "register", "unregister"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommittedData:
    """What changed: whose tags, which tags, over which time range (inclusive), from where."""

    enterprise_id: int
    tag_ids: frozenset[int]
    start: datetime
    end: datetime
    envelope_id: int


Listener = Callable[[CommittedData], None]
_listeners: list[Listener] = []


def register(listener: Listener) -> Listener:
    """Add ``listener`` (idempotent); returns it so it can be used as a decorator."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def unregister(listener: Listener) -> None:
    """Remove ``listener`` if registered."""
    if listener in _listeners:
        _listeners.remove(listener)


def registered() -> bool:
    """Whether any listener is registered (events need not be built for nobody)."""
    return bool(_listeners)


def notify(event: CommittedData, only: Sequence[Listener] | None = None) -> list[Listener]:
    """Call every listener (or those of ``only``) in order; return those that failed.

    Failures are logged, never raised: one broken listener must not keep the others (or the
    answer to the device) from running. The live worker retries the failed ones (ADR 0256).
    """
    failed = []
    for listener in tuple(_listeners) if only is None else only:
        try:
            listener(event)
        except Exception:
            logger.exception(
                "ingest listener %r failed for envelope %s", listener, event.envelope_id
            )
            failed.append(listener)
    return failed
