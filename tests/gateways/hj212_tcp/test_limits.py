"""Every limit of the gateway, enforced on loopback (reliability targets I1 and I5)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from tanji.gateways.hj212_tcp import GatewayLimits, TokenBucket
from tanji.protocols.hj212 import build_frame

from .harness import connect, gateway, minute_upload, mn_of


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 30))


def test_idle_connection_is_closed(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path, limits=GatewayLimits(idle_timeout_s=0.2)) as (
            server,
            _,
            address,
        ):
            client = await connect(address)
            assert await client.closed_by_server(timeout=2)
            assert server.stats["closed: idle timeout"] == 1
            await client.close()

    run(scenario)


def test_slow_drip_frame_is_cut_off(tmp_path: Path) -> None:
    limits = GatewayLimits(frame_timeout_s=0.3, idle_timeout_s=60)

    async def scenario() -> None:
        async with gateway(tmp_path, limits=limits) as (server, sink, address):
            client = await connect(address)
            frame = build_frame(minute_upload(mn_of(1), 0))
            await client.send(frame[:40])  # then nothing more
            assert await client.closed_by_server(timeout=3)
            assert server.stats["closed: frame timeout"] == 1
            assert sink.count() == 0
            await client.close()

    run(scenario)


def test_flooding_client_is_throttled_and_others_keep_working(tmp_path: Path) -> None:
    limits = GatewayLimits(frames_per_s=1, frame_burst=10)

    async def scenario() -> None:
        async with gateway(tmp_path, limits=limits) as (server, _, address):
            flood, calm = await connect(address), await connect(address)
            frames = b"".join(build_frame(minute_upload(mn_of(1), m, ack=False)) for m in range(50))
            await flood.send(frames)
            assert await flood.closed_by_server(timeout=3)
            assert server.stats["closed: frame rate limit"] == 1
            assert server.stats["uploads stored"] <= 15
            await calm.send(minute_upload(mn_of(2), 0))
            assert await calm.receive() is not None
            await flood.close()
            await calm.close()

    run(scenario)


def test_token_bucket_refills_at_its_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=2, now_s=0.0)
    assert bucket.take(0.0)
    assert bucket.take(0.0)
    assert not bucket.take(0.0)
    assert bucket.take(0.5)
    assert not bucket.take(0.6)


def test_reconnecting_device_replaces_its_oldest_connection(tmp_path: Path) -> None:
    limits = GatewayLimits(max_connections_per_device=2)

    async def scenario() -> None:
        async with gateway(tmp_path, limits=limits) as (server, sink, address):
            clients = []
            for minute in range(3):
                client = await connect(address)
                await client.send(minute_upload(mn_of(1), minute))
                assert await client.receive() is not None
                clients.append(client)
                assert server.device_connections(mn_of(1)) == min(minute + 1, 2)
            assert await clients[0].closed_by_server(timeout=2)
            assert server.stats["closed: replaced"] == 1
            assert sink.count() == 3
            for client in clients:
                await client.close()

    run(scenario)


def test_connection_limit(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path, limits=GatewayLimits(max_connections=3)) as (
            server,
            _,
            address,
        ):
            clients = [await connect(address) for _ in range(3)]
            for n, client in enumerate(clients):  # make sure all three are accepted
                await client.send(minute_upload(mn_of(n), 0))
                assert await client.receive() is not None
            extra = await connect(address)
            assert await extra.closed_by_server(timeout=2)
            assert server.stats["closed: connection limit"] == 1
            assert server.connections == 3
            for client in [*clients, extra]:
                await client.close()

    run(scenario)


def test_too_many_bad_frames_close_the_connection(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path, limits=GatewayLimits(max_bad_frames=5)) as (
            server,
            _,
            address,
        ):
            client = await connect(address)
            await client.send(b"##XXXX garbage\r\n" * 10)
            assert await client.closed_by_server(timeout=2)
            assert server.stats["hj212.frame.length_syntax"] == 5
            assert server.stats["closed: too many bad frames"] == 1
            await client.close()

    run(scenario)


def test_endless_frame_is_dropped_and_the_stream_resynchronises(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with gateway(tmp_path) as (server, sink, address):
            client = await connect(address)
            await client.send(b"##0100" + b"A" * 200_000)  # one candidate, then noise
            await client.send(minute_upload(mn_of(1), 0))
            assert await client.receive() is not None
            assert server.stats["hj212.frame.trailer"] == 1
            assert sink.count() == 1
            await client.close()

    run(scenario)


def test_server_survives_a_storm_of_malformed_input(tmp_path: Path) -> None:
    async def abuser(address: tuple[str, int], n: int) -> None:
        client = await connect(address)
        good = build_frame(minute_upload(mn_of(1), n))
        junk = [
            good[:-6] + b"FFFF\r\n",
            good[: n * 7 % len(good)],
            b"\xff" * 50,
            b"####",
            good[::-1],
        ]
        for piece in junk * 3:
            await client.send(piece)
        await client.close()

    async def scenario() -> None:
        async with gateway(tmp_path) as (server, sink, address):
            await asyncio.gather(*(abuser(address, n) for n in range(30)))
            client = await connect(address)
            await client.send(minute_upload(mn_of(3), 0))
            assert await client.receive() is not None
            assert sink.count() == 1
            assert server.stats["hj212.frame.crc_mismatch"] >= 30
            await client.close()

    run(scenario)


def test_reconnect_storm_of_one_device_is_refused(tmp_path: Path) -> None:
    limits = GatewayLimits(reconnects_per_minute=3, max_connections_per_device=10)

    async def scenario() -> None:
        async with gateway(tmp_path, limits=limits) as (server, sink, address):
            clients, answers = [], []
            for minute in range(4):
                client = await connect(address)
                await client.send(minute_upload(mn_of(1), minute))
                answers.append(await client.receive())
                clients.append(client)
            assert [a.cn if a else None for a in answers] == [9014, 9014, 9014, 9011]
            assert await clients[3].closed_by_server()
            assert server.stats["auth: reconnect"] == 1
            assert sink.count() == 3
            other = await connect(address)  # other devices are not affected
            await other.send(minute_upload(mn_of(2), 0))
            assert await other.receive() is not None
            for client in [*clients, other]:
                await client.close()

    run(scenario)
