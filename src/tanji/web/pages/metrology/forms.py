"""Forms of the metrology pages; choices come from the actor's visible objects only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tanji.metrology import calibration, queries, services
from tanji.metrology.calibration import CertificateFields
from tanji.metrology.choices import CertificateResultChoices, InstrumentTypeChoices
from tanji.plant import queries as plant_queries
from tanji.plant.models import CarbonFlowDiagram
from tanji.tenancy.actor import Actor


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class PlaceInstrumentForm(forms.Form):
    """Place a new instrument on an edge of the diagram and link it to a tag."""

    code = forms.CharField(label=_("ledger code"), max_length=64)
    name_zh = forms.CharField(label=_("name (Chinese)"), max_length=128)
    instrument_type = forms.ChoiceField(label=_("type"), choices=InstrumentTypeChoices.choices)
    accuracy_class = forms.CharField(label=_("accuracy class"), max_length=16)
    range_max = forms.FloatField(label=_("range maximum"))
    range_unit = forms.CharField(label=_("range unit"), max_length=16)
    installed_on = forms.DateField(label=_("installed on"))
    edge = forms.TypedChoiceField(label=_("flow edge"), coerce=int)
    tag = forms.TypedChoiceField(label=_("tag"), coerce=int, required=False, empty_value=None)

    def __init__(self, actor: Actor, diagram: CarbonFlowDiagram, *args: Any) -> None:
        super().__init__(*args)
        self.diagram = diagram
        _choice_field(self, "edge").choices = [
            (e.pk, f"{e.key} {e.name_zh}")
            for e in plant_queries.flow_edges(actor, diagram_id=diagram.pk)
        ]
        _choice_field(self, "tag").choices = [("", "—")] + [
            (t.pk, str(t)) for t in plant_queries.tags(actor).filter(enterprise=diagram.enterprise)
        ]

    def save(self, actor: Actor) -> None:
        """Create the instrument (the actor is responsible) and link the tag."""
        data = dict(self.cleaned_data)
        edge, tag = data.pop("edge"), data.pop("tag")
        instrument = services.create_instrument(
            actor,
            enterprise_id=self.diagram.enterprise_id,
            responsible_id=actor.user_id or 0,
            location_id=edge,
            range_min=0.0,
            **data,
        )
        if tag:
            services.link_tag(actor, instrument.pk, tag)


class CertificateForm(forms.Form):
    """A certificate's fields as read off the paper, with its scanned file."""

    instrument = forms.TypedChoiceField(label=_("instrument"), coerce=int)
    number = forms.CharField(label=_("certificate number"), max_length=64)
    calibrated_on = forms.DateField(label=_("calibrated on"))
    body = forms.TypedChoiceField(label=_("body"), coerce=int)
    standard = forms.TypedChoiceField(label=_("reference standard used"), coerce=int)
    method = forms.CharField(label=_("regulation/specification applied"), max_length=64)
    result = forms.ChoiceField(label=_("result"), choices=CertificateResultChoices.choices)
    expanded_u = forms.FloatField(label=_("expanded uncertainty U"), required=False)
    coverage_k = forms.FloatField(label=_("coverage factor k"), required=False)
    next_due_on = forms.DateField(
        label=_("next due on"),
        required=False,
        help_text=_("Leave empty: the platform adds the plan's (or regulation's) period."),
    )
    file = forms.FileField(label=_("document"))

    def __init__(self, actor: Actor, *args: Any) -> None:
        super().__init__(*args)
        _choice_field(self, "instrument").choices = [
            (i.pk, str(i)) for i in queries.instruments(actor, active_only=True)
        ]
        _choice_field(self, "body").choices = [
            (b.pk, str(b)) for b in queries.calibration_bodies(actor)
        ]
        _choice_field(self, "standard").choices = [
            (s.pk, str(s)) for s in queries.reference_standards(actor)
        ]

    def save(self, actor: Actor) -> None:
        """Hand the fields and the file to the certificate service (which validates both)."""
        data = self.cleaned_data
        upload = data["file"]
        fields = CertificateFields(
            number=data["number"],
            calibrated_on=data["calibrated_on"],
            body_id=data["body"],
            standard_id=data["standard"],
            method=data["method"],
            result=data["result"],
            next_due_on=data["next_due_on"],
            expanded_u=data["expanded_u"],
            coverage_k=data["coverage_k"],
        )
        calibration.record_certificate(
            actor, data["instrument"], fields, filename=upload.name or "", content=upload.read()
        )


class PlanForm(forms.Form):
    """Plan an instrument without a plan; the period comes from its regulation unless shorter."""

    instrument = forms.TypedChoiceField(label=_("instrument"), coerce=int)
    first_due_on = forms.DateField(label=_("first due on"))
    period_months = forms.IntegerField(label=_("period (months)"), required=False, min_value=1)

    def __init__(self, actor: Actor, *args: Any) -> None:
        super().__init__(*args)
        _choice_field(self, "instrument").choices = [
            (i.pk, str(i)) for i in queries.instruments(actor, active_only=True).filter(plan=None)
        ]

    def save(self, actor: Actor) -> None:
        """Create the plan through the service (which applies the regulation's period)."""
        data = self.cleaned_data
        calibration.create_plan(
            actor,
            data["instrument"],
            first_due_on=data["first_due_on"],
            period_months=data["period_months"],
        )
