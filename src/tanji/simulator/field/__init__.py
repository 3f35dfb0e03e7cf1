"""The simulated field of a terminal: Modbus instruments and a receipting platform.

These are real servers and real signatures (a pymodbus server on loopback, DSSE receipts), so
the terminal under test runs its production code path against them.
"""
