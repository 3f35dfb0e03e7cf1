"""Choice lists of the metrology app: instrument types, accuracy classes, calibration status.

Accuracy classes are those GB 17167-2006 names for energy metering (standards §8): weighing
0.1 / 0.5, AC energy meters 0.2S / 0.5S / 0.5 / 1.0 / 2.0, liquid flow 0.5 / 1.0, gas flow
2.0 / 2.5, water 2.5, temperature/pressure 1.0 / 2.0, plus 0.2 and 1.5 found on process meters.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentTypeChoices(models.TextChoices):
    """Kinds of measuring instrument (计量器具) met on a cement line."""

    BELT_SCALE = "belt_scale", _("Belt scale")
    TRUCK_SCALE = "truck_scale", _("Truck scale")
    ROTOR_SCALE = "rotor_scale", _("Rotor / coal-powder feeder scale")
    SOLID_FLOW_METER = "solid_flow_meter", _("Solid flow meter (impact / Coriolis)")
    ENERGY_METER = "energy_meter", _("AC electrical energy meter")
    HEAT_METER = "heat_meter", _("Heat meter")
    LIQUID_FLOW_METER = "liquid_flow_meter", _("Liquid flow meter")
    FUEL_DISPENSER = "fuel_dispenser", _("Fuel dispenser")
    GAS_FLOW_METER = "gas_flow_meter", _("Gas flow meter")
    GAS_ANALYSER = "gas_analyser", _("Gas analyser (CEMS)")
    TEMPERATURE = "temperature", _("Temperature transmitter")
    PRESSURE = "pressure", _("Pressure transmitter")
    MOISTURE = "moisture", _("Moisture meter")
    CALORIMETER = "calorimeter", _("Bomb calorimeter")
    CARBON_ANALYSER = "carbon_analyser", _("Carbon/sulphur analyser")
    XRF = "xrf", _("X-ray fluorescence analyser")
    BALANCE = "balance", _("Analytical balance")
    OTHER = "other", _("Other")


class AccuracyClassChoices(models.TextChoices):
    """Accuracy classes (准确度等级), as printed on the instrument."""

    C01 = "0.1", "0.1"
    C02 = "0.2", "0.2"
    C02S = "0.2S", "0.2S"
    C05 = "0.5", "0.5"
    C05S = "0.5S", "0.5S"
    C10 = "1.0", "1.0"
    C15 = "1.5", "1.5"
    C20 = "2.0", "2.0"
    C25 = "2.5", "2.5"
    UNCLASSED = "unclassed", _("Not classed (stated uncertainty)")


class CalibrationStatusChoices(models.TextChoices):
    """Where an instrument stands in its verification/calibration cycle."""

    VALID = "valid", _("Valid")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    NOT_REQUIRED = "not_required", _("Not required")
    UNKNOWN = "unknown", _("Unknown")


class MeteringLevelChoices(models.TextChoices):
    """GB 17167-2006 §4.2: where a metering point sits in the energy-use hierarchy."""

    ENTITY = "entity", _("Energy-using entity (in/out)")
    SUB_UNIT = "sub_unit", _("Main sub-unit")
    EQUIPMENT = "equipment", _("Main energy-using equipment")
    PROCESS = "process", _("Process measurement (not energy metering)")


class EnergyKindChoices(models.TextChoices):
    """Energy or material kinds of the GB 17167 provision-rate table, plus materials."""

    ELECTRICITY = "electricity", _("Electricity")
    COAL = "coal", _("Coal / coke")
    REFINED_OIL = "refined_oil", _("Refined oil (diesel)")
    HEAVY_OIL = "heavy_oil", _("Heavy / residual oil")
    NATURAL_GAS = "natural_gas", _("Natural gas / LPG")
    COAL_GAS = "coal_gas", _("Coal gas")
    STEAM = "steam", _("Steam")
    WATER = "water", _("Water")
    WASTE_ENERGY = "waste_energy", _("Recoverable waste energy")
    ALTERNATIVE_FUEL = "alternative_fuel", _("Alternative fuel")
    MATERIAL = "material", _("Material (raw meal, clinker)")
    FLUE_GAS = "flue_gas", _("Flue gas")


class InstrumentUseChoices(models.TextChoices):
    """The use an instrument serves, which fixes its required class (GB 17167 Table 3)."""

    FUEL_STATIC_WEIGHING = "fuel_static_weighing", _("Fuel in/out, static weighing")
    FUEL_DYNAMIC_WEIGHING = "fuel_dynamic_weighing", _("Fuel in/out, dynamic weighing")
    ELECTRICITY_CLASS_1 = "electricity_class_1", _("Active energy, class I user")
    ELECTRICITY_CLASS_2 = "electricity_class_2", _("Active energy, class II user")
    ELECTRICITY_CLASS_3 = "electricity_class_3", _("Active energy, class III user")
    ELECTRICITY_CLASS_4 = "electricity_class_4", _("Active energy, class IV user")
    ELECTRICITY_CLASS_5 = "electricity_class_5", _("Active energy, class V user")
    ELECTRICITY_DC = "electricity_dc", _("DC energy")
    REFINED_OIL_FLOW = "refined_oil_flow", _("Refined-oil flow")
    HEAVY_OIL_FLOW = "heavy_oil_flow", _("Heavy/residual-oil flow")
    GAS_FLOW = "gas_flow", _("Coal gas / natural gas flow")
    STEAM_FLOW = "steam_flow", _("Steam flow")
    WATER_FLOW = "water_flow", _("Water flow")
    TEMPERATURE_GENERAL = "temperature_general", _("Temperature, general")
    TEMPERATURE_COMPENSATION = "temperature_compensation", _("Temperature, flow compensation")
    PRESSURE_GENERAL = "pressure_general", _("Pressure, general")
    PRESSURE_COMPENSATION = "pressure_compensation", _("Pressure, flow compensation")
    PROCESS = "process", _("Process measurement (no GB 17167 class)")


class InstrumentStatusChoices(models.TextChoices):
    """Service status of a ledger entry (在用 / 备用 / 维修 / 报废)."""

    IN_USE = "in_use", _("In use")
    SPARE = "spare", _("Spare")
    MAINTENANCE = "maintenance", _("In maintenance")
    RETIRED = "retired", _("Retired")


class InstrumentEventChoices(models.TextChoices):
    """What happened to an instrument (its history in the ledger)."""

    INSTALLED = "installed", _("Installed")
    MOVED = "moved", _("Moved")
    REPLACED = "replaced", _("Replaced")
    STATUS = "status", _("Status changed")
    RETIRED = "retired", _("Retired")


class CalibrationKindChoices(models.TextChoices):
    """Verification (检定, legal metrology) or calibration (校准)."""

    VERIFICATION = "verification", _("Verification")
    CALIBRATION = "calibration", _("Calibration")


class CertificateResultChoices(models.TextChoices):
    """Outcome printed on a certificate."""

    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class TagStateChoices(models.TextChoices):
    """Metrology state of a tag's data at an instant (marks data for the emissions engine)."""

    OK = "ok", _("OK")
    OVERDUE = "overdue", _("Calibration overdue")
    FAILED = "failed", _("Calibration failed")
    MAINTENANCE = "maintenance", _("Instrument in maintenance")
    NO_INSTRUMENT = "no_instrument", _("No instrument")


class DocumentKindChoices(models.TextChoices):
    """Personnel documents (R7.1.5)."""

    APPOINTMENT = "appointment", _("Appointment document")
    TRAINING = "training", _("Training record")
    EXAM = "exam", _("Exam score")
    QUALIFICATION = "qualification", _("Qualification certificate")


class SigningScopeChoices(models.TextChoices):
    """What a qualification lets its holder sign."""

    LEDGER = "ledger", _("Instrument ledger")
    CALIBRATION = "calibration", _("Calibration plans and certificates")
    DATA = "data", _("Monthly data packages")
    QC = "qc", _("Quality-control records")


class QCKindChoices(models.TextChoices):
    """Quality-control records (R7.4.1)."""

    REFERENCE_MATERIAL = "reference_material", _("Reference-material comparison")
    CEMS_RATA = "cems_rata", _("CEMS relative-accuracy test (HJ 75)")
    CROSS_METER = "cross_meter", _("Cross-meter balance")


class ReviewKindChoices(models.TextChoices):
    """What is submitted for metrology review (计量审查)."""

    LEDGER_UPDATE = "ledger_update", _("Year-end ledger update")
    CALIBRATION_PLAN = "calibration_plan", _("Calibration plan")
    CERTIFICATE = "certificate", _("Calibration certificate")
    DATA_PACKAGE = "data_package", _("Monthly data package")


class ReviewStateChoices(models.TextChoices):
    """States of a review; the transitions between them are :data:`REVIEW_TRANSITIONS`."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with findings")
    RESPONDED = "responded", _("Answered by the enterprise")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReviewActionChoices(models.TextChoices):
    """Verbs that move a review from one state to another."""

    SUBMIT = "submit", _("Submit")
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return with findings")
    REJECT = "reject", _("Reject")
    RESPOND = "respond", _("Respond")


class FindingSeverityChoices(models.TextChoices):
    """How serious a review finding is."""

    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    OBSERVATION = "observation", _("Observation")


#: (state, action) → (next state, side that may act: "enterprise" or "reviewer").
S = ReviewStateChoices
A = ReviewActionChoices
REVIEW_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, A.SUBMIT): (S.SUBMITTED, "enterprise"),
    (S.SUBMITTED, A.APPROVE): (S.APPROVED, "reviewer"),
    (S.SUBMITTED, A.RETURN): (S.RETURNED, "reviewer"),
    (S.SUBMITTED, A.REJECT): (S.REJECTED, "reviewer"),
    (S.RETURNED, A.RESPOND): (S.RESPONDED, "enterprise"),
    (S.RESPONDED, A.APPROVE): (S.APPROVED, "reviewer"),
    (S.RESPONDED, A.RETURN): (S.RETURNED, "reviewer"),
    (S.RESPONDED, A.REJECT): (S.REJECTED, "reviewer"),
}
#: States in which the review is finished.
FINAL_STATES = frozenset({S.APPROVED, S.REJECTED})
