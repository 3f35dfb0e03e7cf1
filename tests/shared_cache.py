"""Living with the SQLite test database: a shared-cache in-memory database.

In shared-cache mode a connection that meets another connection's table lock gets "database
table is locked" at once; the busy timeout that makes file databases wait does not apply. A test
that writes or reads while a worker thread writes treats that error as "not yet" and tries
again. The failed statement changed nothing (SQLite refused it before it began), so trying
again cannot write twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError

T = TypeVar("T")


def until_unlocked(action: Callable[[], T], timeout_s: float = 10.0) -> T:
    """Run ``action``, again while it meets another connection's table lock (for ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(0.02)
