"""The simulator's error type: bad scenarios, windows and arguments, as precise coded errors."""

from __future__ import annotations

from tanji.errors import CodedError


class SimulatorError(CodedError):
    """Bad input to the simulator (scenario file, time window, tag code)."""
