"""The pure accounting core: GB/T 32151.8-2023, the 2025 national clinker guideline, HJ 75 CEMS.

Framework-free (NumPy only): each formula is written once, generic over floats and NumPy arrays,
so the same code gives the point value, the GUM budget and the Monte Carlo distribution.
"""
