"""The field terminal (碳计量终端): reads instruments, signs batches, forwards them durably.

Layer 5, without Django, so it ships alone to a small Linux box. It composes
:mod:`tanji.protocols` (batch and receipt formats, HJ 212) and :mod:`tanji.trust` (keys, DSSE).

Pipeline: drivers (:mod:`~tanji.terminal.drivers`) → scan schedule and minute pre-processing
→ batches sealed with a per-device sequence number into the durable outbox
(:mod:`~tanji.terminal.buffer`) → forwarder and uplink (:mod:`~tanji.terminal.uplink`) →
platform-signed receipt → space freed. See docs/reference/terminal-uplink.md.
"""
