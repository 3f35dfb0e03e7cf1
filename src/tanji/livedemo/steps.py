"""The Django-side steps of ``tanji demo``: migrate, build the province, plan and fill the lines.

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
from tanji.livedemo.backfill import LineFeed, Simulation, fill, record_lab, resolve
from tanji.livedemo.passwords import PasswordPool
from tanji.livedemo.planning import (
    MINUTE,
    Chunk,
    ChunkKey,
    Horizons,
    horizons,
    line_chunks,
    phases,
)
from tanji.livedemo.plants import anchored, demo_plants
from tanji.livedemo.progress import ProgressBar
from tanji.plant import queries as plant_queries
from tanji.simulator import TAGS, Frame, TagKind
from tanji.tenancy.actor import Actor
from tanji.timeseries.models import Sample
from tanji.timeseries.samples import ts_ms
from tanji.timeseries.store import store_for

COUNTERS = frozenset(tag.code for tag in TAGS if tag.kind is TagKind.TOTAL_INCREASING)


@dataclass(frozen=True)
class Backfill:
    """What this start writes (ADR 0171).

    Attributes:
        feeds: the lines, anchored at their stored registers where data existed (the live
            feed continues these).
        horizons: where minutes start and what is written before the first page.
        first: chunks written before the first page (recent minutes).
        rest: chunks written in the background, newest first.
        live_from: where the live feed starts: ``now``, or later where a faster-than-real-time
            feed already wrote ahead.
    """

    feeds: list[LineFeed]
    horizons: Horizons
    first: list[Chunk]
    rest: list[Chunk]
    live_from: datetime

    @property
    def by_label(self) -> dict[str, LineFeed]:
        """The feeds by line label (what a chunk names)."""
        return {feed.plant.label: feed for feed in self.feeds}

    def filled_from(self, chunks: list[Chunk]) -> datetime:
        """Earliest minute the chunks write (``now`` when there are none)."""
        return min([self.horizons.now, *(chunk.start for chunk in chunks)])


def migrate() -> None:
    """Apply every migration (a no-op on a second start)."""
    call_command("migrate", interactive=False, verbosity=0)


def build(data_dir: Path, passwords: PasswordPool | None = None) -> str:
    """Build (or complete) the demo province and return the logins as printable text."""
    if passwords is None:
        summary = build_demo()
    else:
        summary = build_demo(passwords.password, passwords.hash_of)
        passwords.close()
    created = {login.username: login.password for login in summary.logins if login.password}
    if created:
        logins.save(data_dir, created)
    saved = logins.load(data_dir)
    lines = ["DEMO LOGINS (demo-only credentials, saved owner-only in the data directory):"]
    for login in summary.logins:
        password = saved.get(login.username, "(set outside the demo; not saved)")
        lines.append(f"  {login.username:<22} {login.role:<20} {login.scope:<10} {password}")
    return "\n".join(lines)


def stored_span(tag_ids: list[int]) -> tuple[datetime, datetime] | None:
    """Times of the oldest and the newest stored sample of any of the tags (one seek each)."""
    firsts, lasts = [], []
    for tag_id in tag_ids:
        stored = Sample.objects.filter(tag_id=tag_id)
        firsts.append(stored.order_by("ts").values_list("ts", flat=True).first())
        lasts.append(stored.order_by("-ts").values_list("ts", flat=True).first())
    known = [t for t in firsts if t is not None]
    if not known:
        return None
    latest = max(t for t in lasts if t is not None)
    return _utc(min(known)), _utc(latest)


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def registers(feed: LineFeed, at_ms: int) -> dict[str, float]:
    """The stored totaliser registers of a line at ``at_ms``, in the simulator's units."""
    counters = {}
    for code, tag_id, factor in feed.routes:
        if code in COUNTERS:
            # the ordering column is selected too: SQLite then merges the view's two tables
            # in key order instead of sorting the tag's whole history (ADR 0261)
            stored = (
                Sample.objects.filter(tag_id=tag_id, ts__lte=at_ms)
                .order_by("-ts")
                .values_list("ts", "value")
                .first()
            )
            if stored is not None:
                counters[code] = stored[1] / factor
    return counters


def plan(origin: datetime, now: datetime, minute_days: float, first_days: float) -> Backfill:
    """What every demo line is missing, cut into chunks for each phase.

    A line with stored samples is re-anchored at its newest one, with the registers read back
    from the store, so the gap after it continues them exactly; the gap before its oldest one
    (an interrupted first start) is simulated from the origin.
    """
    h = horizons(origin, now, minute_days, first_days)
    feeds, chunks = [], []
    for feed in resolve(Actor.system(), demo_plants(origin)):
        stored = stored_span(feed.tag_ids)
        resumed = feed
        if stored is not None:
            counters = registers(feed, ts_ms(stored[1]))
            resumed = replace(feed, plant=anchored(feed.plant, stored[1], counters))
        feeds.append(resumed)
        chunks += line_chunks(h, feed.plant, resumed.plant, stored)
    first, rest = phases(chunks, h)
    starts = [feed.plant.plant.scenario.start + MINUTE for feed in feeds]
    return Backfill(feeds, h, first, rest, max([now, *starts]))


def fill_first(backfill: Backfill, out: TextIO, ready: dict[ChunkKey, Frame] | None = None) -> int:
    """Write the recent minutes and their lab analyses (before the first page); samples.

    ``ready`` holds frames simulated ahead (:func:`tanji.livedemo.planning.simulate_first`).
    """
    simulation = Simulation(backfill.first, ready)
    bar = ProgressBar("recent days", simulation.minutes)
    try:
        samples = fill(simulation, backfill.by_label, store_for(connection).write, bar.advance)
    finally:
        simulation.cancel()
    bar.close()
    h = backfill.horizons
    analyses = record_labs(backfill.feeds, h.recent, h.now)
    out.write(
        f"  {samples:,} samples and {analyses} lab analyses written for {len(backfill.feeds)}"
        f" lines (from {h.recent:%Y-%m-%d %H:%M}; the rest follows in the background)\n"
    )
    return samples


def record_labs(feeds: list[LineFeed], start: datetime, end: datetime) -> int:
    """Lab analyses of every line reported in ``[start, end)`` (recorded ones skipped)."""
    actor = Actor.system()
    return sum(record_lab(actor, feed, start, end) for feed in feeds)


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
