"""Data analysis of the platform (R8.1): anomalies, forecasts, benchmarks, reduction levers.

Pure Python and NumPy, no Django (like :mod:`tanji.accounting`): the emission services feed it
arrays read from the time-series store and the stored totals; tests feed it the simulator.
"""
