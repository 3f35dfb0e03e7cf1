"""Exponential back-off with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter").

Hundreds of terminals losing the same uplink (a provincial network outage) must not reconnect
in lock-step when it returns; full jitter spreads the retries uniformly over the window.
"""

from __future__ import annotations

import random


class Backoff:
    """Delay before the next retry after consecutive failures.

    Args:
        base_s: first window.
        cap_s: largest window.
        rng: random source (tests pass a seeded one).
    """

    def __init__(
        self, base_s: float = 1.0, cap_s: float = 300.0, rng: random.Random | None = None
    ) -> None:
        self.base_s = base_s
        self.cap_s = cap_s
        self.failures = 0
        self._rng = rng or random.Random()

    def window(self) -> float:
        """Upper bound of the next delay."""
        return float(min(self.cap_s, self.base_s * 2 ** min(self.failures, 62)))

    def failed(self) -> float:
        """Record a failure; returns the delay to wait, uniform in [0, window]."""
        delay = self._rng.uniform(0.0, self.window())
        self.failures += 1
        return delay

    def succeeded(self) -> None:
        """Reset after a success."""
        self.failures = 0
