"""Trust: signatures, envelopes, the Merkle log, checkpoints and evidence bundles (pure).

Layer 2 beside :mod:`tanji.protocols`: no Django, no database, no clock reads (times are
arguments), so the terminal, the platform and the offline ``tanji verify`` share the same code.
Modules: :mod:`~tanji.trust.keys` and :mod:`~tanji.trust.suites` (Ed25519/SHA-256 and
SM2/SM3), :mod:`~tanji.trust.dsse` (signed envelopes), :mod:`~tanji.trust.merkle` and
:mod:`~tanji.trust.proofs` (RFC 9162 log), :mod:`~tanji.trust.note` and
:mod:`~tanji.trust.checkpoint` (C2SP signed notes, checkpoints, cosignatures),
:mod:`~tanji.trust.lifecycle` (key validity, enrolment codes), :mod:`~tanji.trust.bundle`
(self-contained evidence for offline verification).
"""
