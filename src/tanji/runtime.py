"""Process set-up of long-running services: the event loop, the cyclic collector after start-up.

Services on asyncio (the HJ 212 / MQTT gateway) run on uvloop (:func:`run_service`): the same
asyncio API on libuv, with transports, timers and futures in C — the event loop's own share of
an HJ 212 frame (read, timeouts, hand-over, answer) is about 6 % smaller (ADR 0252).

A gateway or web process holds hundreds of thousands of long-lived objects after start-up
(Django's models and URL tables, the protocol tables, cached tag tables). CPython's cyclic
collector walks every object of a generation when it collects it, and with the default
first-generation threshold (700 allocations) an HJ 212 gateway collected several times per
frame group, re-walking that start-up heap in its older generations again and again: 10–20 % of
the gateway's CPU per frame (ADR 0252). :func:`settle_heap` moves what start-up built into the
permanent generation (:func:`gc.freeze`, never collected, never walked) and lets the young
generation grow to :data:`YOUNG_THRESHOLD` objects before a collection. Reference counting still
frees every acyclic object at once; only cycles wait a little longer.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvloop

__all__ = ["YOUNG_THRESHOLD", "run_service", "settle_heap"]

T = TypeVar("T")

#: Allocations (minus deallocations) before the youngest generation is collected (default 700).
YOUNG_THRESHOLD = 20_000


def settle_heap() -> None:
    """Freeze the start-up heap and raise the young-generation threshold (see module docstring).

    Call once, when start-up is done and before serving; calling again freezes what was built
    since (harmless). The older generations keep their default ratios.
    """
    gc.collect()  # start-up garbage goes now rather than being frozen for the process's life
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def run_service(main: Coroutine[Any, Any, T]) -> T:
    """Run a service's main coroutine to completion on a new uvloop event loop."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)
