"""Evidence: raw envelopes as received, the persisted transparency log, checkpoints, terminals.

This app persists what :mod:`tanji.trust` computes (ARCHITECTURE layer 3): the bytes every
sample came from, the Merkle log over them, the platform's signed checkpoints, the enrolled
terminal keys and the quarantine of refused input. It is written only through
:mod:`tanji.evidence.services` and :mod:`tanji.evidence.log`.
"""
