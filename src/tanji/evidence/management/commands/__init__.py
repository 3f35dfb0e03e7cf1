"""``witness``: the provincial witness cosigns the log head (once or on a schedule)."""
