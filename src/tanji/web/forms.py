"""Form helpers shared by every page: Tabler styling and service errors shown on fields."""

from __future__ import annotations

from typing import Any

from django import forms

from tanji.errors import CodedError
from tanji.web.error_messages import translate


def style(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget Tabler's classes (checkboxes and selects have their own)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class StyledForm(forms.Form):
    """A form whose widgets are styled on creation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


def add_service_error(form: forms.BaseForm, error: CodedError) -> None:
    """Show a service's CodedError on the field it names (``field`` parameter) or the form."""
    field = str(error.params.get("field") or "")
    field = field.split(",")[0].strip().removesuffix("_id")
    target = field if field in form.fields else None
    form.add_error(target, translate(error))
