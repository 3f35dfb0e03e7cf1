"""Each metrology-review transition enters the transparency log (R4.2.6, R7.3).

:func:`tanji.metrology.reviews.transition` calls :func:`commit_event` inside its transaction,
after the :class:`ReviewEvent` row is written, so a decision cannot be stored without its leaf.
``tanji audit`` rebuilds the record from the stored event (:func:`review_record`) and compares
it with the leaf, so a rewritten decision, a deleted or re-ordered event is found.
"""

from __future__ import annotations

from tanji.evidence.records import record_platform_record
from tanji.metrology.models import ReviewEvent
from tanji.protocols import records

__all__ = ["commit_event", "review_record"]


def review_record(event: ReviewEvent) -> bytes:
    """The canonical review record of a stored event."""
    return records.canonical(
        {
            "action": event.action,
            "enterprise": event.enterprise_id,
            "event": event.pk,
            "format": records.REVIEW_FORMAT,
            "from_state": event.from_state,
            "note": event.note,
            "review": event.review_id,
            "to_state": event.to_state,
            "username": event.username,
        }
    )


def commit_event(event: ReviewEvent, user_id: int | None) -> int:
    """Append the event's record in the caller's transaction; the envelope id."""
    return record_platform_record(review_record(event), event.enterprise_id, user_id)
