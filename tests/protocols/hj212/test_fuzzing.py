"""Smoke version of the fuzz harness (the long run is ``scripts/fuzz-hj212``)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from .fuzzing import mutation_fuzz, one_input, seeds, wrap


def test_seeds_decode() -> None:
    for seed in seeds():
        one_input(seed)


def test_mutation_smoke_run_finds_nothing() -> None:
    runs, slowest = mutation_fuzz(3000, seed=1)
    assert runs == 3000
    assert slowest < 0.1  # I1: no packet takes more than 100 ms


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1200))
def test_arbitrary_bytes(data: bytes) -> None:
    one_input(data)
    one_input(wrap(data))
