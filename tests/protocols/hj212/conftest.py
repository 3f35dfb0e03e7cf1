"""Every HJ 212 codec test runs twice: with the compiled fast path and in pure Python.

The fast path must not change a single result (ADR 0244); running the whole package's tests
on both paths checks that, next to the differential tests of ``test_native.py``. Without the
built extension the native runs skip locally and fail in CI.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tanji.protocols.hj212 import native
from tests.conftest import require_component

HOW = "run ./scripts/install (scripts/build-native needs a C compiler and the Python headers)"


def require_native() -> native.NativeCodec:
    """The built extension, or skip (locally) / fail (CI)."""
    require_component("HJ 212 native codec", native.BUILT is not None, HOW)
    assert native.BUILT is not None
    return native.BUILT


@pytest.fixture(autouse=True, params=["native", "python"])
def codec_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """Select the codec path for one run of a test; restore the process default after."""
    before = native.codec
    if request.param == "native":
        require_native()
    native.use_native(request.param == "native")
    yield str(request.param)
    native.codec = before
