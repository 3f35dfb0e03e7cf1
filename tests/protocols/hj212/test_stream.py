from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings, strategies as st

from tanji.protocols.hj212 import FrameScanner, ScannedFrame, scan

from .fuzzing import mutations

FRAMES = Path(__file__).parent / "frames"
NOISY = (FRAMES / "session-noisy.h212").read_bytes()
EXPECTED = json.loads((FRAMES / "session-noisy.expected.json").read_text())["frames"]


def verdicts(frames: list[ScannedFrame]) -> list[str]:
    return ["ok" if f.error is None else f.error.code for f in frames]


def test_clean_capture_gives_every_frame() -> None:
    frames = scan((FRAMES / "tv10.h212").read_bytes())
    assert [f.message.cn for f in frames if f.message] == [1062, 2051, 2061, 9014]
    assert all(f.ok for f in frames)


def test_noisy_capture_reports_each_frame_once_in_order() -> None:
    # Content errors (hj212.record.*) are found later by interpret(); the frame itself is fine.
    frame_level = [v if not v.startswith("hj212.record.") else "ok" for v in EXPECTED]
    assert verdicts(scan(NOISY)) == frame_level


def test_broken_frame_does_not_hide_the_next_one() -> None:
    good = (FRAMES / "tv10.h212").read_bytes().split(b"\r\n")[0] + b"\r\n"
    stream = good[:50] + good + b"noise" + good[:-2] + good
    assert verdicts(scan(stream)) == [
        "hj212.frame.trailer",
        "ok",
        "hj212.frame.trailer",
        "ok",
    ]


def test_offsets_point_at_the_frame_start() -> None:
    for frame in scan(NOISY):
        assert NOISY[frame.offset : frame.offset + len(frame.raw)] == frame.raw


@settings(deadline=None)  # timing belongs to benchmarks; a busy CI must not fail
@given(st.lists(st.integers(1, 300), min_size=1, max_size=40))
def test_chunking_does_not_change_the_result(sizes: list[int]) -> None:
    scanner = FrameScanner()
    found: list[ScannedFrame] = []
    at = 0
    for size in sizes * (len(NOISY) // sum(sizes) + 1):
        found += scanner.feed(NOISY[at : at + size])
        at += size
    found += scanner.close()
    assert [(f.offset, f.raw) for f in found] == [(f.offset, f.raw) for f in scan(NOISY)]


def test_buffer_is_bounded_for_endless_garbage() -> None:
    scanner = FrameScanner(max_frame_bytes=200)
    results = scanner.feed(b"##" + b"x" * 500)
    assert verdicts(results) == ["hj212.frame.length_syntax"]
    assert scanner.buffered < 400
    scanner.feed(b"y" * 10_000)
    assert scanner.buffered <= 1


def test_waits_for_the_rest_of_a_frame() -> None:
    good = (FRAMES / "tv10.h212").read_bytes().split(b"\r\n")[0] + b"\r\n"
    scanner = FrameScanner()
    assert scanner.feed(good[:60]) == []
    assert verdicts(scanner.feed(good[60:])) == ["ok"]
    assert scanner.close() == []


def test_oversize_tail_at_end_of_stream() -> None:
    scanner = FrameScanner(max_frame_bytes=100)
    assert scanner.feed(b"##0050" + b"x" * 60) == []
    [frame] = scanner.close()
    assert frame.error is not None
    assert frame.error.code == "hj212.frame.trailer"
    big = FrameScanner(max_frame_bytes=100)
    big.feed(b"##0050")
    big._buffer += b"y" * 300  # as if one read delivered it all at end of stream
    [frame] = big.close()
    assert frame.error is not None
    assert frame.error.code == "hj212.frame.oversize"
    assert len(frame.raw) == 100


def summary(frames: list[ScannedFrame]) -> list[tuple[object, ...]]:
    return [
        (f.offset, f.raw, f.message, f.error and (f.error.code, f.error.params)) for f in frames
    ]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32))
def test_a_read_of_one_whole_frame_is_cut_as_the_buffer_would_cut_it(seed: int) -> None:
    for data in mutations(seed, 10):
        whole, split = FrameScanner(), FrameScanner()
        at_once = whole.feed(data)
        in_two = split.feed(data[:1]) + split.feed(data[1:])
        assert summary(at_once) == summary(in_two)
        assert whole.buffered == split.buffered
        assert summary(whole.close()) == summary(split.close())
