"""Inputs of the engine: activity series keep the window's length even without any tag data."""

from __future__ import annotations

import numpy as np

from tanji.emissions import inputs
from tanji.emissions.bindings import Activity
from tanji.emissions.plan import ScopePlan, SourcePlan


def test_activity_without_tag_data_spans_every_hour_as_missing() -> None:
    spec = Activity("consumption_t", (("FS-KH",),))
    source = SourcePlan(
        id=1,
        kind="coal_kiln_head",
        category="fuel",
        in_clinker=True,
        in_enterprise=True,
        binding=None,  # type: ignore[arg-type]  # not read by ``activity``
        activities={},  # the line has no tag bound for this activity
    )
    plan = ScopePlan(enterprise_id=1, line_id=1, site_id=1, scope="k1", sources=(source,), cems={})
    series = inputs.activity(plan, source, spec, {}, 51)
    assert series.value.shape == (51,)
    assert np.isnan(series.value).all()
    assert series.u.shape == series.estimated.shape == series.overdue.shape == (51,)
    assert not series.estimated.any()
