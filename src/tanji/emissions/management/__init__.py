"""Management commands of the emission engine."""
