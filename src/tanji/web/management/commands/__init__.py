"""Management commands of the web layer (``tanji manage <name>``)."""
