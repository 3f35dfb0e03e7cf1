"""Benchmarks: each ``bench_*`` module has ``run()`` yielding printed figures.

See docs/performance.md.
"""
