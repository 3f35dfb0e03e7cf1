"""The HJ 212 gateway on loopback with the real pipeline behind it (database-backed sink)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from tanji.evidence.models import QuarantineEntry, RawEnvelope
from tanji.gateways.hj212_tcp import Hj212Server
from tanji.gateways.intake import PipelineIntake
from tanji.ingest.committer import Committer
from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    FactorData,
    Flags,
    Message,
    ProtocolVersion,
    data_message,
)
from tanji.timeseries.models import Sample
from tests.evidence.factories import HJ212_PASSWORD, World, clear_timeseries, make_world
from tests.gateways.hj212_tcp.harness import connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_timeseries() -> Iterator[None]:
    clear_timeseries()
    yield
    clear_timeseries()


T0 = datetime(2025, 6, 10, 8, 0, tzinfo=CHINA_STANDARD_TIME)


def upload(
    world: World, minute: int, code: str = "a21026", password: str = HJ212_PASSWORD
) -> Message:
    record = DataRecord(
        T0 + timedelta(minutes=minute), (FactorData(code, {"Avg": Decimal("35.5")}, "N"),)
    )
    qn = (T0 + timedelta(minutes=minute, seconds=59)).strftime("%Y%m%d%H%M%S") + "123"
    flags = Flags(ProtocolVersion(1), ack=True)
    return data_message(record, cn=2051, qn=qn, mn=world.logger.device_id, pw=password, flags=flags)


def run(world: World, messages: list[Message]) -> list[Message | None]:
    async def scenario() -> list[Message | None]:
        intake = PipelineIntake()
        server = Hj212Server(intake, intake)
        address = await server.start()
        answers: list[Message | None] = []
        try:
            client = await connect(address)
            for message in messages:
                await client.send(message)
                answers.append(await client.receive(timeout=1.5))
            await client.close()
        finally:
            await server.close()
            intake.close()
        return answers

    return asyncio.run(scenario())


def test_upload_is_committed_before_the_answer_and_resend_is_not_duplicated() -> None:
    world = make_world()
    answers = run(world, [upload(world, 0), upload(world, 1), upload(world, 0)])
    assert [a.cn if a else None for a in answers] == [9014, 9014, 9014]
    samples = list(Sample.objects.order_by("ts").values_list("tag_id", "value"))
    assert samples == [(world.cems.pk, 35.5), (world.cems.pk, 35.5)]
    envelopes = RawEnvelope.objects.order_by("log_index")
    assert [e.trust_level for e in envelopes] == ["unsigned", "unsigned"]


def test_unknown_factor_is_quarantined_and_not_acknowledged() -> None:
    world = make_world()
    answers = run(world, [upload(world, 0, code="a21002")])
    assert answers == [None]
    entry = QuarantineEntry.objects.get()
    assert (entry.reason, entry.channel, entry.device_id) == (
        "ingest.unknown_tag",
        "hj212",
        world.logger.device_id,
    )
    assert Sample.objects.count() == 0


def test_concurrent_devices_share_commits_and_each_is_answered_after_its_own() -> None:
    worlds = [make_world(f"C{n}") for n in range(6)]
    for world in worlds:  # each enterprise's logger reports its own stack's SO2
        world.cems.code = "a21026-Avg"
        world.cems.save()
    committer = Committer(max_wait_s=0.2)  # a wide window: every first upload in one group

    async def device(address: tuple[str, int], world: World) -> list[int | None]:
        client = await connect(address)
        answers = []
        try:
            for minute in range(3):
                await client.send(upload(world, minute))
                answer = await client.receive(timeout=5)
                answers.append(answer.cn if answer else None)
            await client.send(upload(world, 0))  # a resend: answered, stored once
            answer = await client.receive(timeout=5)
            answers.append(answer.cn if answer else None)
        finally:
            await client.close()
        return answers

    async def scenario() -> list[list[int | None]]:
        intake = PipelineIntake(committer=committer)
        server = Hj212Server(intake, intake)
        address = await server.start()
        try:
            return await asyncio.gather(*(device(address, w) for w in worlds))
        finally:
            await server.close()
            intake.close()

    assert asyncio.run(scenario()) == [[9014] * 4] * len(worlds)
    assert committer.submitted == 4 * len(worlds)
    assert committer.groups < committer.submitted
    for world in worlds:
        stored = Sample.objects.filter(tag_id=world.cems.pk).values_list("ts", flat=True)
        assert len(stored) == len(set(stored)) == 3
    assert RawEnvelope.objects.count() == 3 * len(worlds)
    assert RawEnvelope.objects.values("log_index").distinct().count() == 3 * len(worlds)
