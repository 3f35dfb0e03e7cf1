"""Changes to a calibration plan after it was made (R7.2.1): update and retire.

A plan's period stays bounded by its regulation (the JJG/JJF rule data): it may be shortened,
never lengthened, whatever route the change comes by. Retiring keeps the plan and its history;
from the retirement date the plan no longer sets the instrument's due date.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from tanji.metrology import queries, rules, signing
from tanji.metrology.choices import CalibrationKindChoices, SigningScopeChoices
from tanji.metrology.models import CalibrationPlan
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_changes

__all__ = ["retire_plan", "update_plan"]


def _editable_plan(actor: Actor, plan_id: int) -> CalibrationPlan:
    plan = queries.calibration_plan(actor, plan_id)
    actor.require(Action.EDIT_INSTRUMENTS, plan.enterprise)
    today = timezone.localdate()
    signing.require_signer(actor, plan.enterprise, SigningScopeChoices.CALIBRATION, today)
    if plan.retired_on is not None:
        raise InvalidInput(
            "metrology.plan_retired",
            "plan {plan} was retired on {on}",
            plan=plan.pk,
            on=plan.retired_on.isoformat(),
            field="plan",
        )
    return plan


@transaction.atomic
def update_plan(
    actor: Actor,
    plan_id: int,
    *,
    period_months: int | None = None,
    first_due_on: date | None = None,
    kind: str | None = None,
) -> CalibrationPlan:
    """Shorten or restore the period, move the first due date, or change the kind."""
    plan = _editable_plan(actor, plan_id)
    instrument = plan.instrument
    period = rules.verification_period(instrument.instrument_type, instrument.accuracy_class)
    changes: dict[str, object] = {}
    if period_months is not None:
        if not 0 < period_months <= period.months:
            raise InvalidInput(
                "metrology.period_exceeds_regulation",
                "period_months: {months} exceeds {regulation}'s {limit} months",
                months=period_months,
                regulation=period.regulation,
                limit=period.months,
                field="period_months",
            )
        changes |= {"period_months": period_months, "regulation": period.regulation}
        changes["rule_version"] = rules.provenance(rules.PERIODS_FILE).version
    if first_due_on is not None:
        changes["first_due_on"] = first_due_on
    if kind is not None:
        if kind not in CalibrationKindChoices.values:
            raise InvalidInput(
                "metrology.bad_choice",
                "kind: expected one of {expected}, got {got}",
                expected=", ".join(CalibrationKindChoices.values),
                got=kind,
                field="kind",
            )
        changes["kind"] = kind
    return save_changes(actor, plan, changes, set(changes))


@transaction.atomic
def retire_plan(actor: Actor, plan_id: int, *, retired_on: date) -> CalibrationPlan:
    """Retire a plan (instrument retired, replaced or no longer under legal metrology)."""
    plan = _editable_plan(actor, plan_id)
    if retired_on < plan.instrument.installed_on:
        raise InvalidInput(
            "metrology.before_install",
            "retired_on: {on} precedes the instrument's installation on {installed}",
            on=retired_on.isoformat(),
            installed=plan.instrument.installed_on.isoformat(),
            field="retired_on",
        )
    return save_changes(actor, plan, {"retired_on": retired_on}, {"retired_on"}, "retire")
