"""The platform's data analysis over stored data (R8.1): the Django side of :mod:`tanji.analytics`.

Tenant-scoped reads and writes that feed the pure analytics core from the time-series store,
the stored totals and the lab, and turn meter anomalies into alerts (ADR 0200, 0203).
"""
