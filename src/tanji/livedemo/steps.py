"""The Django-side steps of ``tanji demo``: migrate, build the province, back-fill the lines.

Imported only after :func:`tanji.livedemo.run.configure` has set Django up.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TextIO

from django.core.management import call_command
from django.db import connection

from tanji.demo.builder import build_demo
from tanji.livedemo import logins
from tanji.livedemo.backfill import LineFeed, Window, fill, plan, record_lab, resolve
from tanji.livedemo.plants import demo_plants
from tanji.livedemo.progress import ProgressBar
from tanji.tenancy.actor import Actor
from tanji.timeseries.models import Sample
from tanji.timeseries.store import store_for


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


def backfill(origin: datetime, now: datetime, minute_days: float, out: TextIO) -> list[LineFeed]:
    """Fill every demo line from its last sample (or ``origin``) to ``now``; return the feeds."""
    actor = Actor.system()
    plants = demo_plants(origin)
    feeds = resolve(actor, plants)
    windows: list[Window] = []
    for feed in feeds:
        newest = latest(feed.tag_ids)
        last = None if newest is None else datetime.fromtimestamp(newest / 1000, origin.tzinfo)
        windows.append(plan(origin, last, now, minute_days))
    bar = ProgressBar("back-fill", sum(w.minutes for w in windows))
    store = store_for(connection)
    samples = analyses = 0
    for feed, window in zip(feeds, windows, strict=True):
        samples += fill(feed, window, store.write, bar.advance)
        analyses += record_lab(actor, feed, window.split, window.end)
    bar.close()
    out.write(f"  {samples:,} samples and {analyses} lab analyses written for {len(feeds)} lines\n")
    return feeds
