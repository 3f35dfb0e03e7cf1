"""Which HJ 212 codec runs: the compiled fast path with pure-Python fallback, or pure Python.

``_native`` (``_native.c``, built into the source tree by ``scripts/install``) reads well-formed
frames only and answers ``None`` for anything else; the pure-Python functions then run and
raise the precise :class:`~.errors.Hj212Error` (ADR 0244). The fast path is used when the
extension is built and ``TANJI_HJ212_NATIVE`` (read by :mod:`tanji.config`) does not switch it
off; :func:`use_native` switches it at run time for tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from tanji.config import hj212_native

CpTuple = tuple[tuple[tuple[str, str], ...], ...]
#: ``(qn, st, cn, pw, mn, flag, pnum, pno, cp)`` of a well-formed data segment.
SegmentFields = tuple[str, int, int, str, str, int, int | None, int | None, CpTuple]
#: A code's part of a record plan (records.py): code, measure suffixes, the slice of the
#: record's numbers they take, and the item positions of Flag, EFlag, SampleTime (-1: absent).
FactorPlan = tuple[str, tuple[str, ...], int, int, int, int, int]
#: ``_native.factors(plans, positions, values, Decimal, FactorData)``: the record's FactorData.
FactorsFunction = Callable[
    [tuple[FactorPlan, ...], tuple[int, ...], tuple[str, ...], type[Decimal], type[Any]],
    tuple[Any, ...] | None,
]


class NativeCodec(Protocol):
    """The functions of ``_native`` (see ``_native.pyi``)."""

    def crc16(self, data: bytes, /) -> int: ...  # noqa: D102
    def frame(self, frame: bytes, /) -> SegmentFields | None: ...  # noqa: D102
    def unwrap(self, frame: bytes, /) -> str | None: ...  # noqa: D102
    def segment(self, segment: str, /) -> SegmentFields | None: ...  # noqa: D102
    def cp(self, text: str, /) -> CpTuple | None: ...  # noqa: D102
    def items(self, cp: CpTuple, /) -> tuple[tuple[str, ...], tuple[str, ...]] | None: ...  # noqa: D102
    @property
    def factors(self) -> FactorsFunction: ...  # noqa: D102


def _load() -> NativeCodec | None:
    try:
        from tanji.protocols.hj212 import _native
    except ImportError:  # not built (a wheel, or no compiler): pure Python
        return None
    return _native


#: The extension, when it is built (whether or not it is switched on).
BUILT: NativeCodec | None = _load()
#: The codec in use: consulted on every call, so :func:`use_native` takes effect at once.
codec: NativeCodec | None = BUILT if hj212_native() else None


def use_native(enabled: bool) -> bool:
    """Switch the fast path on or off; return whether it is now on (off when not built)."""
    global codec  # the one process-wide switch, see the module docstring
    codec = BUILT if enabled else None
    return codec is not None
