"""Models of the metrology app, split by subject: ledger, calibration, people, reviews."""

from tanji.metrology.models.acquisition import Acquisition, DriverChoices
from tanji.metrology.models.calibration import (
    CalibrationAlert,
    CalibrationBody,
    CalibrationPlan,
    Certificate,
    ReferenceStandard,
    StoredDocument,
)
from tanji.metrology.models.instrument import Instrument, InstrumentEvent, MeteringPoint
from tanji.metrology.models.people import PersonnelDocument, ReviewerQualification
from tanji.metrology.models.review import (
    LedgerSnapshot,
    QCRecord,
    Review,
    ReviewEvent,
    ReviewFinding,
)

__all__ = [
    "Acquisition",
    "CalibrationAlert",
    "CalibrationBody",
    "CalibrationPlan",
    "Certificate",
    "DriverChoices",
    "Instrument",
    "InstrumentEvent",
    "LedgerSnapshot",
    "MeteringPoint",
    "PersonnelDocument",
    "QCRecord",
    "ReferenceStandard",
    "Review",
    "ReviewEvent",
    "ReviewFinding",
    "ReviewerQualification",
    "StoredDocument",
]
