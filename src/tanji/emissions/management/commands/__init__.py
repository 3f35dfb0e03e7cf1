"""``recompute``: explicit recomputation of emission figures."""
