"""Ingest: the one pipeline every entry point calls (HTTPS, MQTT, HJ 212, manual, file).

Stages (:mod:`tanji.ingest.pipeline`): authenticate → decode → validate → de-duplicate → commit
→ receipt → post-commit listeners. Each stage is a function over frozen dataclasses
(:mod:`tanji.ingest.model`) with its contract in its docstring; only the commit stage writes.
Refused input is quarantined with its reason code and changes nothing else.
"""
