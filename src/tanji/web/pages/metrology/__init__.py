"""Metrology pages: diagram, ledger, calibration, personnel, reviews (R7.1, R7.2, R4.2.6)."""
