"""Settings for the test run: the project's settings on a throw-away database.

The database is SQLite in memory unless ``TANJI_TEST_DATABASE_URL`` names another
(``scripts/test`` sets it to a throw-away PostgreSQL cluster for the second pass).
"""

from __future__ import annotations

import os
import secrets
import tempfile

os.environ["TANJI_SECRET_KEY"] = secrets.token_urlsafe(50)
os.environ.setdefault("TANJI_DATA_DIR", tempfile.mkdtemp(prefix="tanji-test-"))

from tanji.web.database import database_settings
from tanji.web.settings import *  # noqa: F403

DATABASES = {
    "default": database_settings(
        os.environ.get("TANJI_TEST_DATABASE_URL", "sqlite:///tanji-test.sqlite3")
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
