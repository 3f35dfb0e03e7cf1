"""Simulated 5000 t/d dry-process cement line (five-stage preheater, precalciner) for line L1.

Pure Python and NumPy, no Django: the terminal's simulated drivers, the test suites and
``tanji simulate`` drive it. Physics (heat, carbon, oxygen and water balances) lives in
:mod:`process` and :mod:`combustion`; instruments and the CEMS in :mod:`instruments`; events in
:mod:`events`; scenarios as data in :mod:`scenarios`; the truth the platform is tested against in
:mod:`truth`; lab analyses in :mod:`lab`; the live stream in :mod:`stream`.
"""

from __future__ import annotations

from tanji.simulator.errors import SimulatorError
from tanji.simulator.frame import Frame
from tanji.simulator.lab import LabResult
from tanji.simulator.parameters import CemsErrors, LineParameters
from tanji.simulator.plant import Plant
from tanji.simulator.scenarios import Scenario, load_scenario
from tanji.simulator.tags import TAG_MAP, TAGS, TagKind, TagSpec
from tanji.simulator.truth import GroundTruth

__all__ = [
    "TAGS",
    "TAG_MAP",
    "CemsErrors",
    "Frame",
    "GroundTruth",
    "LabResult",
    "LineParameters",
    "Plant",
    "Scenario",
    "SimulatorError",
    "TagKind",
    "TagSpec",
    "load_scenario",
]
