"""What ingest caches may not hide: changes made elsewhere (no signal in this process)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tanji.evidence.models import Device, TerminalKey
from tanji.ingest import caches
from tanji.ingest.pipeline import ingest
from tanji.plant.models import Tag
from tanji.protocols.readings import Reading
from tanji.tenancy.models import Enterprise
from tests.evidence.factories import World
from tests.ingest.cases import RECEIVED, Message
from tests.ingest.test_pipeline import submit

pytestmark = pytest.mark.django_db


def send(world: World, seq: int, code: str = "") -> str:
    readings = [Reading(code, RECEIVED - timedelta(hours=1), 1.0, "t/h")] if code else None
    message = Message(world.envelope(world.batch(seq, readings)), world.terminal.device_id)
    outcome = ingest(submit(message), key=world.platform)
    return outcome.error.code if outcome.error else outcome.status


def test_a_key_revoked_by_another_process_is_refused_from_the_next_submission(
    world: World,
) -> None:
    assert send(world, 1) == "accepted"
    TerminalKey.objects.update(revoked_at=RECEIVED - timedelta(minutes=1))  # no signal here
    assert send(world, 2) == "trust.key_revoked"


def test_a_device_deactivated_by_another_process_is_refused_at_once(world: World) -> None:
    assert send(world, 1) == "accepted"
    Device.objects.filter(pk=world.terminal.pk).update(active=False)
    assert send(world, 2) == "ingest.device_inactive"


def key_of(world: World) -> tuple[TerminalKey, object] | None:
    with caches.group_scope([world.terminal.device_id]):
        return caches.terminal_key(world.key.public_key().key_id)


def test_a_key_row_read_again_unchanged_is_reused_and_any_change_rebuilds_it(
    world: World,
) -> None:
    first = key_of(world)
    assert first is not None
    assert key_of(world) is first
    TerminalKey.objects.update(rotated_to="k-next")  # no signal
    second = key_of(world)
    assert second is not None
    assert second is not first
    assert second[0].rotated_to == "k-next"
    Device.objects.filter(pk=world.terminal.pk).update(password_digest="changed")
    third = key_of(world)
    assert third is not None
    assert third is not second  # a change to the key's device counts too
    TerminalKey.objects.all().delete()
    assert key_of(world) is None
    assert caches.terminal_key("no-such-key") is None


def claimed(device_id: str) -> Device | None:
    with caches.group_scope([device_id]):
        return caches.device(device_id)


def test_a_device_row_read_again_unchanged_keeps_its_instance(world: World) -> None:
    first = claimed(world.terminal.device_id)
    assert first is not None
    assert claimed(world.terminal.device_id) is first
    assert claimed("no-such-device") is None


def test_any_change_to_the_device_or_its_enterprise_rebuilds_the_instance(world: World) -> None:
    first = claimed(world.terminal.device_id)
    Device.objects.filter(pk=world.terminal.pk).update(password_digest="changed")  # no signal
    second = claimed(world.terminal.device_id)
    assert second is not first
    assert second is not None
    assert second.password_digest == "changed"
    Enterprise.objects.filter(pk=world.enterprise.pk).update(credit_code="91420000MA4ZZZZZ9X")
    third = claimed(world.terminal.device_id)
    assert third is not None
    assert third is not second
    assert third.enterprise.credit_code == "91420000MA4ZZZZZ9X"


def test_a_deleted_device_is_not_found_even_after_it_was_cached(world: World) -> None:
    assert claimed(world.logger.device_id) is not None
    Device.objects.filter(pk=world.logger.pk).delete()
    assert claimed(world.logger.device_id) is None


def test_a_tag_created_by_another_process_is_found_before_a_reading_is_refused(
    world: World,
) -> None:
    assert send(world, 1) == "accepted"  # the enterprise's tag table is cached now
    assert world.enterprise.pk in caches._tags
    Tag.objects.bulk_create([Tag(**_copy(world.coal, code="T.NEW"))])  # no signal either
    assert send(world, 2, code="T.NEW") == "accepted"
    assert send(world, 3, code="T.NONE") == "ingest.unknown_tag"


def _copy(tag: Tag, **changes: object) -> dict[str, object]:
    fields = {
        f.attname: getattr(tag, f.attname) for f in Tag._meta.concrete_fields if not f.primary_key
    }
    return fields | changes


def expire(enterprise_id: int) -> None:
    """As if the table's time were up."""
    caches._tags[enterprise_id] = (0.0, caches._tags[enterprise_id][1])


def test_an_expired_tag_table_found_unchanged_is_kept_with_its_plans(world: World) -> None:
    table = caches.enterprise_tags(world.enterprise.pk)
    caches.plan_memo(world.enterprise.pk, table)["plan"] = "kept"
    expire(world.enterprise.pk)

    again = caches.enterprise_tags(world.enterprise.pk)

    assert again is table
    assert caches.plan_memo(world.enterprise.pk, again) == {"plan": "kept"}


def test_an_expired_tag_table_changed_elsewhere_is_replaced(world: World) -> None:
    table = caches.enterprise_tags(world.enterprise.pk)
    caches.plan_memo(world.enterprise.pk, table)["plan"] = "old"
    Tag.objects.filter(pk=world.coal.pk).update(range_max=5.0)  # no signal
    expire(world.enterprise.pk)

    again = caches.enterprise_tags(world.enterprise.pk)

    assert again is not table
    assert again[world.coal.code].range_max == 5.0
    assert caches.plan_memo(world.enterprise.pk, again) == {}
    assert send(world, 1) == "ingest.out_of_range"  # 12 t/h now exceeds the new maximum
