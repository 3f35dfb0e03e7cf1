"""Metrology: the instrument ledger (台账).

Instruments, where they sit, what they measure, who is
responsible. Calibration plans, certificates, personnel and reviews build on this app.
"""
