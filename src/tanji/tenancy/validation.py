"""Model validation turned into the project's error convention.

Django's ``full_clean`` collects :class:`~django.core.exceptions.ValidationError` per field;
services want one precise :class:`~tanji.errors.CodedError` naming the model, the field and what
was wrong, which the interfaces then translate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from tanji.errors import CodedError


class InvalidInput(CodedError):
    """Input a service refused: a field value, a reference or a combination of them."""


class NotFound(CodedError):
    """An object that does not exist or that the actor may not see (indistinguishable)."""


def clean_or_raise(instance: models.Model, exclude: Iterable[str] | None = None) -> None:
    """Run ``full_clean`` and raise :class:`InvalidInput` for the first failing field."""
    try:
        instance.full_clean(exclude=list(exclude) if exclude else None)
    except ValidationError as error:
        field, errors = next(iter(error.error_dict.items()))
        unique = (errors[0].params or {}).get("unique_check")
        if unique:  # a unique constraint: name its fields other than the tenant
            field = ", ".join(f for f in unique if f != "enterprise")
        raise InvalidInput(
            f"{instance._meta.app_label}.invalid_field",
            "{model}.{field}: {detail}",
            model=instance._meta.model_name,
            field=field,
            detail=" ".join(" ".join(e.messages) for e in errors),
            reason=errors[0].code or "invalid",
        ) from error


def apply_changes(
    instance: models.Model, changes: Mapping[str, Any], editable: Iterable[str]
) -> None:
    """Set ``changes`` on ``instance``, refusing any field outside ``editable``."""
    allowed = frozenset(editable)
    for name, value in changes.items():
        if name not in allowed:
            raise InvalidInput(
                f"{instance._meta.app_label}.field_not_editable",
                "{model}.{field} cannot be changed here (editable: {allowed})",
                model=instance._meta.model_name,
                field=name,
                allowed=", ".join(sorted(allowed)),
            )
        setattr(instance, name, value)


def get_visible(queryset: models.QuerySet[Any], pk: int | str, what: str) -> Any:
    """Fetch ``pk`` from an actor-scoped queryset; absent and invisible look the same."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound(
            "tenancy.not_found", "no {what} with id {pk} is visible to you", what=what, pk=pk
        ) from error


def field_error(field: str, message: Any, code: str) -> ValidationError:
    """A model-validation error on ``field`` whose ``code`` survives into the CodedError."""
    return ValidationError({field: ValidationError(message, code=code)})
