"""The live emission engine (layer 4): accounting over stored time series at both boundaries.

Hourly figures per source and per kiln stack by every method the data allows (CEMS, accounting,
model), the method that counts (R5.1), data quality and expanded uncertainty; day and month
totals maintained as figures change; alerts; tenant-scoped queries for pages, API and reports.
"""
