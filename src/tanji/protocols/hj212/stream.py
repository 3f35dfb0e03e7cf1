"""Finding frames in a byte stream (a TCP session or its capture), with resynchronisation.

A frame starts at ``##``. Its end is the CR LF that the declared length predicts; when the
length is wrong or unreadable the frame ends at the first CR LF — the data segment and the CRC
never contain CR or LF — or just before the next ``##``, whichever comes first. So a broken
frame is reported on its own and never hides the valid frame after it. Bytes between frames
(line noise, keep-alive garbage) are skipped, not reported. The scanner is incremental: the
gateway feeds it what each read returns; a capture file is fed once and closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.fields import Message
from tanji.protocols.hj212.flags import DEFAULT_VERSIONS, ProtocolVersion
from tanji.protocols.hj212.frame import MAX_FRAME_BYTES, parse_frame


@dataclass(frozen=True, slots=True)
class ScannedFrame:
    """One frame found in the stream.

    Attributes:
        offset: position of its ``##`` in the stream.
        raw: its bytes (``##`` through CR LF, or as much as arrived).
        message: the decoded message, or ``None`` when ``error`` is set.
        error: why the frame was rejected, or ``None``.
    """

    offset: int
    raw: bytes
    message: Message | None = None
    error: Hj212Error | None = None

    @property
    def ok(self) -> bool:
        """Whether the frame decoded."""
        return self.error is None


class FrameScanner:
    """Incremental frame finder.

    Args:
        versions: protocol versions to accept.
        max_frame_bytes: a frame candidate longer than this is reported as oversize and
            dropped (bounds the buffer a slow or abusive client can make us hold).
    """

    def __init__(
        self,
        versions: frozenset[ProtocolVersion] = DEFAULT_VERSIONS,
        max_frame_bytes: int = MAX_FRAME_BYTES,
    ) -> None:
        self.versions = versions
        self.max_frame_bytes = max_frame_bytes
        self._buffer = bytearray()
        self._consumed = 0  # stream offset of _buffer[0]

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for the rest of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[ScannedFrame]:
        """Add bytes; return every frame completed by them, in stream order."""
        if not self._buffer and type(data) is bytes and _one_whole_frame(data):
            offset = self._consumed  # the usual read, one whole frame: skip the buffer
            self._consumed += len(data)
            return [self._decode(offset, data)]
        self._buffer += data
        return list(self._drain(final=False))

    def close(self) -> list[ScannedFrame]:
        """End of stream: report a trailing incomplete frame, if any."""
        return list(self._drain(final=True))

    def _drain(self, final: bool) -> Iterator[ScannedFrame]:
        while True:
            start = self._buffer.find(b"##")
            if start < 0:
                self._discard(max(len(self._buffer) - 1, 0))  # keep a possible lone '#'
                return
            if self._buffer[start + 2 : start + 3] == b"#":
                start += 1  # '###…': the frame starts at the last '#' pair
            self._discard(start)
            end = self._frame_end(final)
            if end is None:
                return
            raw = bytes(self._buffer[:end])
            offset = self._consumed
            self._discard(end)
            yield self._decode(offset, raw)

    def _frame_end(self, final: bool) -> int | None:
        """Where the frame starting at buffer[0] ends, or ``None`` to wait for more bytes."""
        buffer = self._buffer
        crlf = buffer.find(b"\r\n", 2)
        digits = bytes(buffer[2:6])
        if len(digits) == 4 and digits.isdigit():
            predicted = int(digits) + 12
            if crlf == predicted - 2:
                return predicted
        following = buffer.find(b"##", 2)
        ends = [e for e in (crlf + 2 if crlf >= 0 else -1, following) if e >= 0]
        if ends:
            return min(ends)
        if final or len(buffer) > self.max_frame_bytes:
            return len(buffer) if final else self.max_frame_bytes
        return None

    def _decode(self, offset: int, raw: bytes) -> ScannedFrame:
        if len(raw) > self.max_frame_bytes:
            error = Hj212Error(
                "hj212.frame.oversize",
                "frame candidate of {length} bytes exceeds {limit}",
                length=len(raw),
                limit=self.max_frame_bytes,
            )
            return ScannedFrame(offset, raw[: self.max_frame_bytes], error=error)
        try:
            return ScannedFrame(offset, raw, message=parse_frame(raw, self.versions))
        except Hj212Error as error:
            return ScannedFrame(offset, raw, error=error)

    def _discard(self, count: int) -> None:
        del self._buffer[:count]
        self._consumed += count


def scan(
    data: bytes, versions: frozenset[ProtocolVersion] = DEFAULT_VERSIONS
) -> list[ScannedFrame]:
    """Every frame of a complete capture, in stream order."""
    scanner = FrameScanner(versions)
    return scanner.feed(data) + scanner.close()


def _one_whole_frame(data: bytes) -> bool:
    """Whether ``data`` is exactly one frame as :meth:`FrameScanner._frame_end` would cut it.

    It starts with ``##`` and 4 digits (so not ``###``), and its first CR LF is its end, where
    the declared length puts it.
    """
    digits = data[2:6]
    return (
        data.startswith(b"##")
        and digits.isdigit()
        and data.find(b"\r\n", 2) == len(data) - 2
        and int(digits) + 12 == len(data)
    )
