"""Time-series store: versioned samples and incrementally maintained hour/day/month rollups.

Callers use :func:`tanji.timeseries.store.store_for` and the :class:`SampleStore` protocol; the
engine-specific fast paths live in :mod:`.sqlite` and :mod:`.postgresql`.
"""
