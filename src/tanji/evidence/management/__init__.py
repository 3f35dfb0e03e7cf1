"""Management commands of the evidence app (the witness job)."""
