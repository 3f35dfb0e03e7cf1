"""Plain-SQL helpers of the intake: placeholders, slices, and the two device queries."""

from __future__ import annotations

import pytest

from tanji.evidence.models import Device
from tanji.ingest.raw_rows import (
    CLAIMS_PER_QUERY,
    chunks,
    claimed_device_rows,
    logger_digest,
    marks,
    row_marks,
)
from tests.evidence.factories import make_device, make_world


def test_marks_and_row_marks_spell_placeholders() -> None:
    assert marks(1) == "%s"
    assert marks(3) == "%s, %s, %s"
    assert row_marks(2, 3) == "(%s, %s, %s), (%s, %s, %s)"
    assert row_marks(1, 1) == "(%s)"


def test_chunks_cover_every_item_once_in_order() -> None:
    items = list(range(7))
    assert [list(c) for c in chunks(items, 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []


@pytest.mark.django_db
def test_claimed_rows_are_registered_devices_with_their_enterprise() -> None:
    world = make_world()
    rows = claimed_device_rows([world.terminal.device_id, "NOT-REGISTERED", world.logger.device_id])
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {world.terminal.device_id, world.logger.device_id}
    width = 1 + len(Device._meta.concrete_fields) + len(world.enterprise._meta.concrete_fields)
    assert all(len(row) == width for row in rows)
    terminal = by_id[world.terminal.device_id]
    assert world.terminal.pk in terminal  # the device's own columns
    assert world.enterprise.credit_code in terminal  # and its enterprise's


@pytest.mark.django_db
def test_claimed_rows_span_several_queries() -> None:
    world = make_world()
    ids = [f"DEV-{n:04d}" for n in range(CLAIMS_PER_QUERY + 3)]
    for device_id in ids:
        make_device(world.enterprise, device_id)
    assert sorted(row[0] for row in claimed_device_rows(ids)) == ids


@pytest.mark.django_db
def test_logger_digest_only_for_active_hj212_loggers() -> None:
    world = make_world()
    assert logger_digest(world.logger.device_id) == world.logger.password_digest
    assert logger_digest(world.terminal.device_id) is None  # a terminal, not a logger
    assert logger_digest("99999999999999") is None
    Device.objects.filter(pk=world.logger.pk).update(active=False)
    assert logger_digest(world.logger.device_id) is None
