"""The Django-side steps of ``tanji demo``: migrate, build the province, back-fill the lines.

Imported only after :func:`tanji.livedemo.run.configure` has set Django up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from django.core.management import call_command
from django.db import connection

from tanji.demo.builder import build_demo
from tanji.emissions import services as emissions
from tanji.livedemo import logins
from tanji.livedemo.backfill import (
    MINUTE,
    LineFeed,
    Simulation,
    Window,
    fill,
    plan,
    record_lab,
    resolve,
)
from tanji.livedemo.plants import anchored, demo_plants
from tanji.livedemo.progress import ProgressBar
from tanji.plant import queries as plant_queries
from tanji.simulator import TAGS, TagKind
from tanji.tenancy.actor import Actor
from tanji.timeseries.models import Sample
from tanji.timeseries.samples import ts_ms
from tanji.timeseries.store import store_for

COUNTERS = frozenset(tag.code for tag in TAGS if tag.kind is TagKind.TOTAL_INCREASING)


@dataclass(frozen=True)
class Backfill:
    """What the back-fill did.

    Attributes:
        feeds: the lines, anchored at their stored registers where data existed.
        filled_from: earliest minute written (``now`` when nothing was missing).
        live_from: where the live feed starts: ``now``, or later where a faster-than-real-time
            feed already wrote ahead.
    """

    feeds: list[LineFeed]
    filled_from: datetime
    live_from: datetime


def migrate() -> None:
    """Apply every migration (a no-op on a second start)."""
    call_command("migrate", interactive=False, verbosity=0)


def build(data_dir: Path) -> str:
    """Build (or complete) the demo province and return the logins as printable text."""
    summary = build_demo()
    created = {login.username: login.password for login in summary.logins if login.password}
    if created:
        logins.save(data_dir, created)
    saved = logins.load(data_dir)
    lines = ["DEMO LOGINS (demo-only credentials, saved owner-only in the data directory):"]
    for login in summary.logins:
        password = saved.get(login.username, "(set outside the demo; not saved)")
        lines.append(f"  {login.username:<22} {login.role:<20} {login.scope:<10} {password}")
    return "\n".join(lines)


def latest(tag_ids: list[int]) -> int | None:
    """Time (UTC epoch ms) of the newest stored sample of any of the tags."""
    times = [
        Sample.objects.filter(tag_id=tag_id).order_by("-ts").values_list("ts", flat=True).first()
        for tag_id in tag_ids
    ]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def registers(feed: LineFeed, at_ms: int) -> dict[str, float]:
    """The stored totaliser registers of a line at ``at_ms``, in the simulator's units."""
    counters = {}
    for code, tag_id, factor in feed.routes:
        if code in COUNTERS:
            stored = (
                Sample.objects.filter(tag_id=tag_id, ts__lte=at_ms)
                .order_by("-ts")
                .values_list("value", flat=True)
                .first()
            )
            if stored is not None:
                counters[code] = stored / factor
    return counters


def resume(
    feed: LineFeed, origin: datetime, now: datetime, minute_days: float
) -> tuple[LineFeed, Window]:
    """The feed re-anchored at its last stored minute (if any) and the window left to fill."""
    newest = latest(feed.tag_ids)
    if newest is None:
        return feed, plan(origin, None, now, minute_days)
    anchor = datetime.fromtimestamp(newest / 1000, UTC)
    feed = replace(feed, plant=anchored(feed.plant, anchor, registers(feed, newest)))
    return feed, plan(anchor, anchor, now, minute_days)


def backfill(
    origin: datetime,
    now: datetime,
    minute_days: float,
    out: TextIO,
) -> Backfill:
    """Fill every demo line from its last sample (or ``origin``) to ``now``."""
    actor = Actor.system()
    resumed = [resume(f, origin, now, minute_days) for f in resolve(actor, demo_plants(origin))]
    feeds = {feed.plant.label: feed for feed, _ in resumed}
    windows = {feed.plant.label: window for feed, window in resumed}
    simulation = Simulation([feed.plant for feed, _ in resumed], windows)
    bar = ProgressBar("back-fill", simulation.minutes)
    try:
        samples = fill(simulation, feeds, store_for(connection).write, bar.advance)
    finally:
        simulation.cancel()
    bar.close()
    analyses = sum(record_lab(actor, f, windows[k].split, windows[k].end) for k, f in feeds.items())
    out.write(f"  {samples:,} samples and {analyses} lab analyses written for {len(feeds)} lines\n")
    starts = [feed.plant.plant.scenario.start + MINUTE for feed in feeds.values()]
    filled = min([now, *(w.start for w in windows.values() if w.minutes)])
    return Backfill(list(feeds.values()), filled, max([now, *starts]))


def recompute(feeds: list[LineFeed], start: datetime, end: datetime) -> int:
    """Emission figures of every demo line and site over what was filled; returns the hours.

    Runs the emission engine's batch recomputation (``tanji.emissions.services.recompute``,
    fits retrained) after the back-fill, so the overview has figures from the first page on.
    ``start`` is widened by the 25 hours a CEMS substitution may reach back (ADR 0121); nothing
    runs when nothing was filled.
    """
    if start >= end:
        return 0
    actor = Actor.system()
    start_ms, end_ms = ts_ms(start - timedelta(hours=25)), ts_ms(end)
    hours = 0
    sites = set()
    for feed in feeds:
        hours += emissions.recompute(actor, feed.line_id, start_ms, end_ms).hours
        sites.add(plant_queries.line(actor, feed.line_id).site_id)
    for site_id in sorted(sites):
        hours += emissions.recompute_site(actor, site_id, start_ms, end_ms).hours
    return hours
