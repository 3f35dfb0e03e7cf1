"""Turn a database URL (``sqlite:///path`` or ``postgresql://…``) into Django's ``DATABASES``.

Written here rather than pulled from a package: two schemes, a dozen lines, and SQLite gets the
pragmas the time-series store relies on (WAL, a busy timeout), and a page cache and a WAL
checkpoint interval sized for intake (ADR 0254): a group commit of minute frames touches one
page per tag, more pages than SQLite's default 2 MiB cache holds, so every insert re-read its page
and every commit overflowed the default 1 000-page checkpoint threshold. Statement journals and
temporary tables stay in memory (ADR 0257): a multi-row statement in a transaction journals the
pages it changes, and past 64 KiB SQLite spilled that to a temporary file at every group commit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tanji.errors import CodedError

#: Page cache of each SQLite connection (KiB): the recent pages of a few thousand tags.
CACHE_KIB = 65_536
#: WAL pages before a checkpoint (64 MiB of 4 KiB pages): a page rewritten by many group commits
#: is copied to the database once per checkpoint instead of once per commit.
CHECKPOINT_PAGES = 16_384


def database_settings(url: str) -> dict[str, Any]:
    """Django ``DATABASES['default']`` for ``url``.

    Raises:
        CodedError: ``config.bad_database_url`` for an unknown scheme or a URL without a name.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy spells them.
        path = unquote(url.split("?", 1)[0].removeprefix("sqlite:///"))
        if not path or path == "/" or path.startswith("sqlite:"):
            raise CodedError("config.bad_database_url", "SQLite URL names no file: {url}", url=url)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
                    f"PRAGMA cache_size=-{CACHE_KIB}; PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES};"
                ),
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        name = parts.path.lstrip("/")
        if not name:
            raise CodedError("config.bad_database_url", "PostgreSQL URL names no database")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(name),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
        }
    raise CodedError(
        "config.bad_database_url",
        "unsupported database URL scheme {scheme!r} (use sqlite:/// or postgresql://)",
        scheme=parts.scheme,
    )
