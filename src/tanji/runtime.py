"""Process set-up of long-running services: the cyclic garbage collector after start-up.

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

import gc

__all__ = ["YOUNG_THRESHOLD", "settle_heap"]

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
