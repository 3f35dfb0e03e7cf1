"""Template tags of the web layer."""
