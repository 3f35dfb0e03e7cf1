"""Training and storing the model method's monthly fits (ADR 0122).

The fit used for a month is trained on the 30 days before it, on the hours whose CEMS figure is
measured and valid; it is stored once and reused, so a live computation and a later batch
recomputation use the same coefficients. ``refit`` replaces stored fits (explicit recompute).
"""

from __future__ import annotations

import numpy as np

from tanji.accounting.factors.library import FactorLibrary
from tanji.emissions import inputs as inp
from tanji.emissions.engine import FitFor, hour_grid, measured_stack, model_features, source_hours
from tanji.emissions.model import Fit, fit
from tanji.emissions.models import ModelFit
from tanji.emissions.plan import ScopePlan
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.store import SampleStore

TRAINING_MS = 30 * DAY_MS


def train(
    actor: Actor, plan: ScopePlan, store: SampleStore, library: FactorLibrary, month: int
) -> Fit | None:
    """Fit the model on the 30 days before ``month`` (epoch ms of its start)."""
    hours = hour_grid(month - TRAINING_MS, month)
    activity_tags = set(plan.tags) - set(plan.cems.values())
    data = inp.read_tags(store, activity_tags, hours)
    sources = [source_hours(actor, plan, s, hours, data, library) for s in plan.sources]
    cems, measured, _, _ = measured_stack(plan, store, hours)
    target = np.where(measured, cems, np.nan)  # the whole stack, as the CEMS measures it
    return fit(model_features(sources, hours.size), target)


def fit_provider(
    actor: Actor, plan: ScopePlan, store: SampleStore, library: FactorLibrary, *, refit: bool
) -> FitFor:
    """A ``month → Fit | None`` lookup backed by :class:`ModelFit` (trained on first use)."""
    cache: dict[int, Fit | None] = {}
    line_id = plan.line_id
    if line_id is None:  # a site's sources have no kiln stack to model
        return lambda month: None

    def fit_for(month: int) -> Fit | None:
        if month in cache:
            return cache[month]
        stored = ModelFit.objects.filter(line_id=line_id, month=month).first()
        if stored is not None and not refit:
            usable = stored.hours > 0  # hours 0 records "too few hours to fit"
            cache[month] = (
                Fit(tuple(stored.coefficients), stored.residual_sd_t, stored.hours)
                if usable
                else None
            )
            return cache[month]
        trained = train(actor, plan, store, library, month)
        ModelFit.objects.filter(line_id=line_id, month=month).delete()
        ModelFit.objects.create(
            enterprise_id=plan.enterprise_id,
            line_id=line_id,
            month=month,
            coefficients=list(trained.coefficients) if trained else [],
            residual_sd_t=trained.residual_sd_t if trained else 0.0,
            hours=trained.hours if trained else 0,
        )
        cache[month] = trained
        return trained

    return fit_for
