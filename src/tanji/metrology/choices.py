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
