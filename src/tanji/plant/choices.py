"""Choice lists of the plant app and the declarative tables that go with them.

``SOURCE_KINDS`` fixes, per emission-source kind, its emission category and default boundary
membership (standards §1: the clinker boundary covers raw-meal and fuel preparation, burning and
cooling; the enterprise boundary everything of the legal entity, with electricity counted as net
purchased, so line electricity belongs to the clinker boundary only). ``QUANTITY_UNITS`` fixes
which units a quantity kind may be recorded in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClinkerTypeChoices(models.TextChoices):
    """Clinker types of the MEE guideline's default process factors (standards §3)."""

    PORTLAND = "portland", _("Portland clinker")
    WHITE_PORTLAND = "white_portland", _("White Portland clinker")
    SULPHOALUMINATE = "sulphoaluminate", _("Sulpho(ferro)aluminate clinker")
    ALUMINATE = "aluminate", _("Aluminate clinker")


class SourceKindChoices(models.TextChoices):
    """Kinds of emission source of a cement plant (RN.1: one list for every enterprise)."""

    COAL_KILN_HEAD = "coal_kiln_head", _("Coal, kiln head")
    COAL_CALCINER = "coal_calciner", _("Coal, calciner")
    DIESEL_IGNITION = "diesel_ignition", _("Diesel, kiln ignition")
    DIESEL_FORKLIFT = "diesel_forklift", _("Diesel, forklifts")
    MSW = "msw", _("Municipal solid waste")
    CLOTH_STRIPS = "cloth_strips", _("Cloth strips")
    OTHER_ALTERNATIVE_FUEL = "other_alternative_fuel", _("Other alternative fuel")
    RAW_MEAL_PROCESS = "raw_meal_process", _("Raw meal / clinker process")
    LINE_ELECTRICITY = "line_electricity", _("Line electricity")
    PURCHASED_ELECTRICITY = "purchased_electricity", _("Purchased electricity")
    EXPORTED_ELECTRICITY = "exported_electricity", _("Exported electricity")
    PURCHASED_HEAT = "purchased_heat", _("Purchased heat")
    EXPORTED_HEAT = "exported_heat", _("Exported heat")


class CategoryChoices(models.TextChoices):
    """Emission categories (GB/T 32151.8 source families)."""

    FUEL = "fuel", _("Fuel combustion")
    ALTERNATIVE_FUEL = "alternative_fuel", _("Alternative fuel")
    PROCESS = "process", _("Process")
    ELECTRICITY = "electricity", _("Electricity")
    HEAT = "heat", _("Heat")


@dataclass(frozen=True)
class SourceKind:
    """What a source kind implies: category, default boundaries, whether it belongs to a line."""

    category: str
    clinker: bool
    enterprise: bool
    per_line: bool = True


K = SourceKindChoices
C = CategoryChoices
SOURCE_KINDS: dict[str, SourceKind] = {
    K.COAL_KILN_HEAD: SourceKind(C.FUEL, clinker=True, enterprise=True),
    K.COAL_CALCINER: SourceKind(C.FUEL, clinker=True, enterprise=True),
    K.DIESEL_IGNITION: SourceKind(C.FUEL, clinker=True, enterprise=True),
    K.DIESEL_FORKLIFT: SourceKind(C.FUEL, clinker=False, enterprise=True, per_line=False),
    K.MSW: SourceKind(C.ALTERNATIVE_FUEL, clinker=True, enterprise=True),
    K.CLOTH_STRIPS: SourceKind(C.ALTERNATIVE_FUEL, clinker=True, enterprise=True),
    K.OTHER_ALTERNATIVE_FUEL: SourceKind(C.ALTERNATIVE_FUEL, clinker=True, enterprise=True),
    K.RAW_MEAL_PROCESS: SourceKind(C.PROCESS, clinker=True, enterprise=True),
    K.LINE_ELECTRICITY: SourceKind(C.ELECTRICITY, clinker=True, enterprise=False),
    K.PURCHASED_ELECTRICITY: SourceKind(C.ELECTRICITY, False, True, per_line=False),
    K.EXPORTED_ELECTRICITY: SourceKind(C.ELECTRICITY, False, True, per_line=False),
    K.PURCHASED_HEAT: SourceKind(C.HEAT, False, True, per_line=False),
    K.EXPORTED_HEAT: SourceKind(C.HEAT, False, True, per_line=False),
}


class QuantityKindChoices(models.TextChoices):
    """What a tag measures; decides the admissible units."""

    MASS_FLOW = "mass_flow", _("Mass flow")
    MASS = "mass", _("Mass")
    VOLUME = "volume", _("Volume")
    VOLUME_FLOW = "volume_flow", _("Volume flow")
    ENERGY = "energy", _("Energy")
    POWER = "power", _("Power")
    VOLUME_FRACTION = "volume_fraction", _("Volume fraction")
    MASS_FRACTION = "mass_fraction", _("Mass fraction")
    TEMPERATURE = "temperature", _("Temperature")
    PRESSURE = "pressure", _("Pressure")
    HEATING_VALUE = "heating_value", _("Heating value")
    CARBON_CONTENT = "carbon_content", _("Carbon content per unit heat")
    RATIO = "ratio", _("Dimensionless ratio")


Q = QuantityKindChoices
QUANTITY_UNITS: dict[str, tuple[str, ...]] = {
    Q.MASS_FLOW: ("t/h", "kg/h", "kg/s"),
    Q.MASS: ("t", "kg"),
    Q.VOLUME: ("m3", "L", "Nm3"),
    Q.VOLUME_FLOW: ("Nm3/h", "m3/h", "L/h"),
    Q.ENERGY: ("kWh", "MWh", "GJ"),
    Q.POWER: ("kW", "MW"),
    Q.VOLUME_FRACTION: ("%vol", "ppm"),
    Q.MASS_FRACTION: ("%", "mg/kg"),
    Q.TEMPERATURE: ("degC", "K"),
    Q.PRESSURE: ("Pa", "kPa", "MPa"),
    Q.HEATING_VALUE: ("GJ/t", "MJ/kg", "kJ/kg"),
    Q.CARBON_CONTENT: ("tC/GJ", "tC/TJ"),
    Q.RATIO: ("1",),
}


class AggregationChoices(models.TextChoices):
    """How samples of a tag roll up (Home Assistant's state classes)."""

    MEASUREMENT = "measurement", _("Measurement (averaged)")
    TOTAL_INCREASING = "total_increasing", _("Total, increasing (counter)")
    TOTAL = "total", _("Total (summed)")


class AccountingRoleChoices(models.TextChoices):
    """What a tag contributes to the emission accounting."""

    ACTIVITY = "activity", _("Activity data")
    PARAMETER = "parameter", _("Parameter")
    CEMS = "cems", _("CEMS")


class NodeKindChoices(models.TextChoices):
    """Nodes of a carbon-flow diagram."""

    PROCESS_UNIT = "process_unit", _("Process unit")
    STORE = "store", _("Store")
    FEEDER = "feeder", _("Feeder")
    EXTERNAL = "external", _("Outside the boundary")


class FlowMediumChoices(models.TextChoices):
    """What flows along an edge of a carbon-flow diagram."""

    MATERIAL = "material", _("Material")
    FUEL = "fuel", _("Fuel")
    ELECTRICITY = "electricity", _("Electricity")
    HEAT = "heat", _("Heat")
    FLUE_GAS = "flue_gas", _("Flue gas")


class MaterialChoices(models.TextChoices):
    """Materials a lab sample can be of."""

    COAL = "coal", _("Coal")
    DIESEL = "diesel", _("Diesel")
    MSW = "msw", _("Municipal solid waste")
    CLOTH_STRIPS = "cloth_strips", _("Cloth strips")
    RAW_MEAL = "raw_meal", _("Raw meal")
    CLINKER = "clinker", _("Clinker")
    KILN_DUST = "kiln_dust", _("Kiln dust")
    BYPASS_DUST = "bypass_dust", _("Bypass dust")
    OTHER = "other", _("Other")


class LabParameterChoices(models.TextChoices):
    """Parameters a lab result may report, each with admissible units in ``PARAMETER_UNITS``."""

    NCV = "ncv", _("Net calorific value")
    CARBON_CONTENT = "carbon_content", _("Carbon content per unit heat")
    CARBON_MASS_FRACTION = "carbon_mass_fraction", _("Carbon mass fraction")
    FOSSIL_CARBON_FRACTION = "fossil_carbon_fraction", _("Fossil share of carbon")
    CAO = "cao", _("CaO")
    MGO = "mgo", _("MgO")
    NON_CARBONATE_CAO = "non_carbonate_cao", _("Non-carbonate CaO")
    TOC = "toc", _("Total organic carbon")
    MOISTURE = "moisture", _("Moisture")
    ASH = "ash", _("Ash")
    VOLATILE_MATTER = "volatile_matter", _("Volatile matter")
    LOSS_ON_IGNITION = "loss_on_ignition", _("Loss on ignition")
    DENSITY = "density", _("Density")


P = LabParameterChoices
PARAMETER_UNITS: dict[str, tuple[str, ...]] = {
    P.NCV: ("GJ/t", "MJ/kg", "kJ/kg"),
    P.CARBON_CONTENT: ("tC/GJ", "tC/TJ"),
    P.DENSITY: ("kg/L", "t/m3"),
    **{p: ("%",) for p in P if p not in {P.NCV, P.CARBON_CONTENT, P.DENSITY}},
}
