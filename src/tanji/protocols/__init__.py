"""Wire formats: HJ 212 frames and the measurement batches terminals sign and send.

Pure codecs with no I/O and no framework: the terminal, the gateways and ``tanji verify`` share
them.
"""
