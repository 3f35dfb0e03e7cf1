"""Django settings, derived from :mod:`tanji.config` (the only reader of the environment)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from tanji.config import load_settings
from tanji.web.database import database_settings
from tanji.web.secrets import web_secret_key

TANJI = load_settings()
PACKAGE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = web_secret_key(TANJI)
DEBUG = TANJI.debug
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *TANJI.allowed_hosts]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "tanji.tenancy",
    "tanji.plant",
    "tanji.timeseries",
    "tanji.metrology",
    "tanji.evidence",
    "tanji.demo",
    "tanji.emissions",
    "tanji.ingest",
    "tanji.web",
]
AUTH_USER_MODEL = "tenancy.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tanji.web.middleware.CodedErrorMiddleware",
    "tanji.web.middleware.SubmissionCredentialMiddleware",
]

ROOT_URLCONF = "tanji.web.urls"
WSGI_APPLICATION = "tanji.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tanji.web.context_processors.navigation",
                "tanji.web.context_processors.demo_progress",
            ],
        },
    },
]

DATABASES = {"default": database_settings(TANJI.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # shown in Asia/Shanghai, stored in UTC
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = TANJI.data_dir / "static"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "account:sign_in"
LOGIN_REDIRECT_URL = "home"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working shift
