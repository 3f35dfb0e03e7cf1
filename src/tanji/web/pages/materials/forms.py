"""Forms of the materials page: one analysis entered by hand, and a file to import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanji.plant.choices import MaterialChoices
from tanji.plant.models import ProductionLine
from tanji.tenancy.models import Enterprise
from tanji.web.forms import StyledForm, style

#: Entered parameters: form field → (parameter, unit, label).
ENTRY_PARAMETERS = {
    "ncv": ("ncv", "GJ/t", _("Net calorific value (GJ/t)")),
    "carbon_content": ("carbon_content", "tC/GJ", _("Carbon content per unit heat (tC/GJ)")),
    "carbon_mass_fraction": ("carbon_mass_fraction", "%", _("Carbon mass fraction (%)")),
    "cao": ("cao", "%", _("CaO (%)")),
    "mgo": ("mgo", "%", _("MgO (%)")),
}


class AnalysisForm(StyledForm):
    """A sample and the parameters measured on it (each with an optional standard uncertainty)."""

    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label=_("enterprise"))
    line = forms.ModelChoiceField(
        ProductionLine.objects.none(), label=_("production line"), required=False
    )
    sample_id = forms.CharField(label=_("sample id"), max_length=64)
    material = forms.ChoiceField(label=_("material"), choices=MaterialChoices.choices)
    sampled_at = forms.DateTimeField(label=_("sampled at"))
    analysed_at = forms.DateTimeField(label=_("analysed at"))
    method_standard = forms.CharField(label=_("method standard"), max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (_parameter, _unit, label) in ENTRY_PARAMETERS.items():
            self.fields[name] = forms.FloatField(label=label, required=False)
            self.fields[f"{name}_u"] = forms.FloatField(
                label=_("standard uncertainty u"), required=False, min_value=0
            )
        style(self)


class ImportForm(StyledForm):
    """The enterprise the analyses belong to and the CSV/Excel file."""

    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label=_("enterprise"))
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "One row per sample: sample_id, material, sampled_at, analysed_at, method_standard, "
            "line (optional), and parameter columns such as ncv_gj_per_t, cao_pct, mgo_pct "
            "(a column ending in _u holds the standard uncertainty)."
        ),
    )
