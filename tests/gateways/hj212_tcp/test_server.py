"""The gateway on loopback with real sockets and a real SQLite sink."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from tanji.gateways.hj212_tcp import Device, Hj212Upload
from tanji.protocols.hj212 import (
    ExeRtn,
    Flags,
    ProtocolVersion,
    QnRtn,
    ReturnCode,
    SystemTime,
    TimeRange,
    build_frame,
    execution_result,
    history_request,
    interpret,
    split_message,
)

from .harness import PASSWORD, T0, Client, connect, gateway, minute_upload, mn_of


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 30))


def test_many_devices_at_once(tmp_path: Path) -> None:
    async def device(address: tuple[str, int], n: int) -> int:
        client = await connect(address)
        acks = 0
        for minute in range(5):
            upload = minute_upload(mn_of(n), minute)
            await client.send(upload)
            answer = await client.receive()
            assert answer is not None
            assert (answer.cn, answer.qn, answer.st) == (9014, upload.qn, 91)
            acks += 1
        await client.close()
        return acks

    async def scenario() -> None:
        async with gateway(tmp_path, devices=40) as (server, sink, address):
            acks = await asyncio.gather(*(device(address, n) for n in range(40)))
            assert sum(acks) == 200
            assert sink.count() == 200
            assert sink.count("value") == 200 * 3
            assert server.stats["uploads stored"] == 200

    run(scenario)


def test_no_ack_before_the_sink_returns(tmp_path: Path) -> None:
    release = asyncio.Event()
    stored: list[str] = []

    class SlowSink:
        async def accept(self, device: Device, upload: Hj212Upload) -> None:
            await release.wait()
            stored.append(upload.message.qn)

    async def scenario() -> None:
        async with gateway(tmp_path, sink=SlowSink()) as (_, _, address):
            client = await connect(address)
            upload = minute_upload(mn_of(1), 0)
            await client.send(upload)
            assert await client.receive(timeout=0.5) is None
            release.set()
            answer = await client.receive()
            assert answer is not None
            assert answer.cn == 9014
            assert stored == [upload.qn]
            await client.close()

    run(scenario)


def test_sink_failure_means_no_ack_and_the_device_may_resend(tmp_path: Path) -> None:
    attempts: list[int] = []

    class FlakySink:
        async def accept(self, device: Device, upload: Hj212Upload) -> None:
            attempts.append(1)
            if len(attempts) == 1:
                raise OSError("disk full")

    async def scenario() -> None:
        async with gateway(tmp_path, sink=FlakySink()) as (server, _, address):
            client = await connect(address)
            upload = minute_upload(mn_of(1), 0)
            await client.send(upload)
            assert await client.receive(timeout=0.5) is None
            await client.send(upload)  # HJ 212 resend after the timeout
            answer = await client.receive()
            assert answer is not None
            assert answer.cn == 9014
            assert server.stats["sink refused"] == 1
            await client.close()

    run(scenario)


def test_duplicates_and_history_reuploads_are_acked_but_stored_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (server, sink, address):
            client = await connect(address)
            command = history_request(
                2051, TimeRange(T0, T0), qn="20250610100000000", mn=mn_of(2), pw=PASSWORD
            )
            await client.send(minute_upload(mn_of(2), 0))
            assert (await client.receive()) is not None
            assert await server.send(mn_of(2), command)
            received = await client.receive()
            assert received is not None
            assert interpret(received) == TimeRange(T0, T0)
            await client.send(execution_result(received, ExeRtn.SUCCESS))
            resent = replace(minute_upload(mn_of(2), 0), qn=command.qn)
            await client.send(resent)
            answer = await client.receive()
            assert answer is not None
            assert (answer.cn, answer.qn) == (9014, command.qn)
            assert sink.count() == 1
            assert sink.duplicates == 1
            assert server.stats["answer 9012"] == 1
            assert not await server.send(mn_of(9), command)  # not connected
            await client.close()

    run(scenario)


def test_no_answer_when_the_device_does_not_ask(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (_, sink, address):
            client = await connect(address)
            await client.send(minute_upload(mn_of(1), 0, ack=False))
            assert await client.receive(timeout=0.5) is None
            assert sink.count() == 1
            await client.close()

    run(scenario)


def test_2025_device_is_answered_in_its_version(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (_, _, address):
            client = await connect(address)
            await client.send(minute_upload(mn_of(1), 0, version=2))
            answer = await client.receive()
            assert answer is not None
            assert answer.flags == Flags(ProtocolVersion.HJ212_2025)
            await client.close()

    run(scenario)


def test_split_upload_is_stored_once_whole(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (_, sink, address):
            client = await connect(address)
            packets = split_message(minute_upload(mn_of(1), 0), max_cp_chars=40)
            assert len(packets) == 3
            for packet in packets:
                await client.send(packet)
            answer = await client.receive()
            assert answer is not None
            assert answer.cn == 9014
            assert sink.count() == 1
            assert sink.count("value") == 3
            await client.close()

    run(scenario)


def test_time_calibration_request(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (_, _, address):
            client = await connect(address)
            request = replace(minute_upload(mn_of(1), 0), cn=1013, cp=())
            await client.send(request)
            first, second = await client.receive(), await client.receive()
            assert first is not None
            assert first.cn == 9013
            assert second is not None
            assert second.cn == 1012
            assert isinstance(interpret(second), SystemTime)
            await client.close()

    run(scenario)


def test_unsupported_command_is_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (_, _, address):
            client = await connect(address)
            await client.send(replace(minute_upload(mn_of(1), 0), cn=3011, cp=()))
            answer = await client.receive()
            assert answer is not None
            assert interpret(answer) == ReturnCode(qn_rtn=QnRtn.REFUSED)
            await client.close()

    run(scenario)


async def expect_return(client: Client, code: QnRtn) -> None:
    answer = await client.receive()
    assert answer is not None
    assert answer.cn == 9011
    assert interpret(answer) == ReturnCode(qn_rtn=code)


def test_frame_faults_are_answered_with_their_qnrtn(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (server, sink, address):
            client = await connect(address)
            good = build_frame(minute_upload(mn_of(1), 0))
            await client.send(good[:-6] + b"0000\r\n")
            await expect_return(client, QnRtn.CRC_ERROR)
            await client.send(good.replace(b"Flag=5", b"Flag=1").replace(good[-6:-2], b"0000"))
            await expect_return(client, QnRtn.CRC_ERROR)
            await client.send(b"\x00\x01line noise\r\n##12")
            await client.send(b"34 more noise\r\n")
            assert await client.receive(timeout=0.3) is None
            await client.send(good)  # the connection still works
            assert (await client.receive()) is not None
            assert server.stats["hj212.frame.crc_mismatch"] == 2
            assert sink.count() == 1
            await client.close()

    run(scenario)


def test_unknown_device_and_wrong_password_are_refused_and_closed(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (server, sink, address):
            stranger = await connect(address)
            await stranger.send(minute_upload(mn_of(99), 0))
            await expect_return(stranger, QnRtn.MN_ERROR)
            assert await stranger.closed_by_server()
            await stranger.close()
            intruder = await connect(address)
            await intruder.send(replace(minute_upload(mn_of(1), 0), pw="999999"))
            await expect_return(intruder, QnRtn.PASSWORD_ERROR)
            assert await intruder.closed_by_server()
            await intruder.close()
            assert sink.count() == 0
            assert server.stats["auth: unknown"] == 1
            assert server.stats["auth: wrong"] == 1

    run(scenario)


def test_bad_content_is_not_acked(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (server, sink, address):
            client = await connect(address)
            upload = minute_upload(mn_of(1), 0)
            await client.send(
                replace(upload, cp=((("DataTime", "20250610083000"),), (("z9-Avg", "1"),)))
            )
            assert await client.receive(timeout=0.5) is None
            assert server.stats["hj212.record.pollutant_unknown"] == 1
            assert sink.count() == 0
            await client.close()

    run(scenario)


def test_a_failing_registry_closes_only_that_connection(tmp_path: Path) -> None:
    from tanji.gateways.hj212_tcp import Hj212Server

    class BrokenRegistry:
        async def find(self, mn: str) -> Device | None:
            raise RuntimeError("registry down")

    async def scenario() -> None:
        async with gateway(tmp_path) as (_, sink, _address):
            server = Hj212Server(BrokenRegistry(), sink)
            address = await server.start()
            client = await connect(address)
            await client.send(minute_upload(mn_of(1), 0))
            assert await client.closed_by_server()
            assert server.stats["closed: internal error"] == 1
            await client.close()
            await server.close()

    run(scenario)
