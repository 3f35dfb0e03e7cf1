"""Anomaly detection on meter data: stuck values, spikes, drift, counters going back, gaps."""

from __future__ import annotations

from tanji.analytics.anomalies.balance import Balance, balance_drift
from tanji.analytics.anomalies.detectors import counter_backwards, gaps, spikes, stuck_values
from tanji.analytics.anomalies.model import Anomaly, AnomalyKind, MeterKind, Profile, Series
from tanji.analytics.anomalies.scan import LineScan, scan, stopped_spans

__all__ = [
    "Anomaly",
    "AnomalyKind",
    "Balance",
    "LineScan",
    "MeterKind",
    "Profile",
    "Series",
    "balance_drift",
    "counter_backwards",
    "gaps",
    "scan",
    "spikes",
    "stopped_spans",
    "stuck_values",
]
