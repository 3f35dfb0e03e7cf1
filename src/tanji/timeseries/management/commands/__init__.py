"""Management commands of the time-series store."""
