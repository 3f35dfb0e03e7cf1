"""The declaration of a generic page: where rows come from, how they show, how they change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.functional import Promise

from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.web.forms import style

Rows = Callable[[Actor], QuerySet[Any]]
Row = Callable[[Actor, int], models.Model]
Scoped = Mapping[str, Callable[[Actor], QuerySet[Any]]]


@dataclass(frozen=True)
class Resource:
    """One kind of object on the generic pages.

    Attributes:
        slug: URL segment and name prefix (``sites`` → ``sites_list``, ``sites_detail`` …).
        model: the model, read for its field labels and choices only (never queried here).
        label: plural heading.
        rows: query function listing what the actor sees.
        row: query function fetching one visible object (NotFound → 404).
        columns: field names shown in the list (the first links to the detail page).
        search: field lookups searched with ``icontains`` by the ``q`` parameter.
        detail: field names shown on the detail page (default: ``columns``).
        create: service creating an object from keyword arguments (None: no create page).
        update: service changing an object by id from keyword arguments (None: read-only).
        create_fields / edit_fields: form fields, taken from the model's fields.
        scoped: for foreign-key form fields, the query function offering their choices.
        view_action: what the list and detail pages require.
        edit_action: what the create and edit pages require.
        form_class: a hand-written create form when the model's fields do not fit.
        computed: extra columns that are not model fields: name → (label, function of the row).
        detail_include: a template included below the detail page's fields.
        detail_context: what that template needs, from the actor and the object.
    """

    slug: str
    model: type[models.Model]
    label: Promise
    rows: Rows
    row: Row
    columns: tuple[str, ...]
    search: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()
    create: Callable[..., models.Model] | None = None
    update: Callable[..., models.Model] | None = None
    create_fields: tuple[str, ...] = ()
    edit_fields: tuple[str, ...] = ()
    scoped: Scoped = field(default_factory=dict)
    view_action: Action = Action.VIEW
    edit_action: Action = Action.VIEW
    form_class: type[forms.Form] | None = None
    computed: Mapping[str, tuple[Promise, Callable[[Any], Any]]] = field(default_factory=dict)
    detail_include: str = ""
    detail_context: Callable[[Actor, Any], dict[str, Any]] | None = None

    @property
    def detail_fields(self) -> tuple[str, ...]:
        """The fields of the detail page."""
        return self.detail or self.columns

    def verbose(self, name: str) -> str:
        """The translated label of a field (or of a computed column)."""
        if name in self.computed:
            return str(self.computed[name][0])
        return str(getattr(self.model._meta.get_field(name), "verbose_name", name))

    def cell(self, instance: models.Model, name: str) -> Any:
        """A column's value for display."""
        if name in self.computed:
            return self.computed[name][1](instance)
        return display(instance, name)

    @property
    def by_enterprise(self) -> bool:
        """Whether rows belong to an enterprise (the list then offers an enterprise filter)."""
        return any(f.name == "enterprise" for f in self.model._meta.get_fields())

    def filtered(self, actor: Actor, query: str, enterprise_id: int | None = None) -> QuerySet[Any]:
        """The actor's rows matching the search text (and of one enterprise, if given)."""
        rows = self.rows(actor)
        if enterprise_id is not None and self.by_enterprise:
            rows = rows.filter(enterprise_id=enterprise_id)
        related = [
            name
            for name in self.columns
            if name not in self.computed
            and isinstance(self.model._meta.get_field(name), models.ForeignKey)
        ]
        if related:  # one query for the page, not one per row and column
            rows = rows.select_related(*related)
        if not rows.ordered:
            rows = rows.order_by("pk")
        if not query or not self.search:
            return rows
        match = Q()
        for lookup in self.search:
            match |= Q(**{f"{lookup}__icontains": query})
        return rows.filter(match)

    def form(
        self, actor: Actor, fields: tuple[str, ...], data: Any = None, initial: Any = None
    ) -> forms.Form:
        """A form over ``fields`` of the model, foreign keys limited to what the actor sees."""
        if fields == self.create_fields and self.form_class is not None:
            custom = self.form_class(data, initial=initial)
            _scope(custom, actor, self.scoped)
            return style(custom)  # type: ignore[return-value]
        base = forms.fields_for_model(self.model, fields=list(fields))
        form = forms.Form(data, initial=initial)
        form.fields.update({name: base[name] for name in fields})
        _scope(form, actor, self.scoped)
        return style(form)  # type: ignore[return-value]


def _scope(form: forms.Form, actor: Actor, scoped: Scoped) -> None:
    for name, query in scoped.items():
        if name in form.fields:
            form.fields[name].queryset = query(actor)  # type: ignore[attr-defined]


def service_kwargs(form: forms.Form) -> dict[str, Any]:
    """Form data as service keywords: a chosen object (or none) becomes ``<name>_id``."""
    result: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if isinstance(form.fields[name], forms.ModelChoiceField):
            result[f"{name}_id"] = value.pk if value is not None else None
        else:
            result[name] = value
    return result


def initial_of(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """A form's initial values from an object (foreign keys by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        model_field = instance._meta.get_field(name)
        attname = getattr(model_field, "attname", name)
        values[name] = getattr(instance, attname)
    return values


def display(instance: models.Model, name: str) -> Any:
    """A field's value for display: choice labels, related objects' names, booleans as-is."""
    getter = getattr(instance, f"get_{name}_display", None)
    if callable(getter):
        return getter()
    value = getattr(instance, name)
    return "—" if value is None or value == "" else value
