"""Plan changes: bounded by the regulation, retired plans stop setting due dates."""

from __future__ import annotations

from datetime import date

import pytest

from tanji.metrology import plans, queries, reviews
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import InstrumentFactory, PlanFactory, qualify
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db


def test_period_stays_within_the_regulation_and_retirement_ends_the_due_date() -> None:
    # A belt scale (JJG 195) is verified at least every 12 months (standards §8).
    plan = PlanFactory(
        instrument=InstrumentFactory(instrument_type="belt_scale", accuracy_class="0.5"),
        first_due_on=date(2025, 3, 1),
    )
    actor = Actor.system()
    assert plans.update_plan(actor, plan.pk, period_months=6).period_months == 6
    with pytest.raises(InvalidInput) as caught:
        plans.update_plan(actor, plan.pk, period_months=13)
    assert caught.value.params["limit"] == 12
    with pytest.raises(InvalidInput) as caught:
        plans.update_plan(actor, plan.pk, kind="guesswork")
    assert caught.value.code == "metrology.bad_choice"
    [state] = queries.instrument_states(actor, date(2025, 2, 1))
    assert state.due_on == date(2025, 3, 1)
    plans.retire_plan(actor, plan.pk, retired_on=date(2025, 1, 15))
    [state] = queries.instrument_states(actor, date(2025, 2, 1))
    assert (state.due_on, state.state) == (None, "overdue")  # nothing backs the data any more
    with pytest.raises(InvalidInput) as caught:
        plans.update_plan(actor, plan.pk, period_months=6)
    assert caught.value.code == "metrology.plan_retired"


def test_only_a_calibration_qualified_signer_changes_a_plan() -> None:
    plan = PlanFactory(instrument=InstrumentFactory(instrument_type="belt_scale"))
    staff = member("metering_staff", plan.enterprise)
    with pytest.raises(AccessDenied) as caught:
        plans.update_plan(Actor.for_user(staff), plan.pk, period_months=6)
    assert caught.value.params["scope"] == "calibration"
    qualify(staff, plan.enterprise, scopes=("calibration",))
    assert plans.update_plan(Actor.for_user(staff), plan.pk, period_months=6).period_months == 6


def test_an_instrument_with_a_retired_plan_counts_as_unplanned_in_review() -> None:
    plan = PlanFactory(instrument=InstrumentFactory(instrument_type="belt_scale", code="BS-R"))
    actor = Actor.system()
    plans.retire_plan(actor, plan.pk, retired_on=date(2025, 1, 15))
    review = reviews.create_review(
        actor,
        enterprise_id=plan.enterprise_id,
        kind="calibration_plan",
        title="2025 plan",
        period="2025",
        payload={},
    )
    checks = {c["name"]: c for c in reviews.transition(actor, review.pk, "submit").checks}
    assert checks["completeness_plans"]["detail"] == ["BS-R"]
