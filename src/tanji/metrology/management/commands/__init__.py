"""Management commands of the metrology app."""
