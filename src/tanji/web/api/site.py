"""The NinjaAPI instance: authentication, error handling and every router of ``ROUTERS``."""

from __future__ import annotations

from importlib import import_module

from ninja import NinjaAPI

from tanji.web.api import errors
from tanji.web.api.auth import API_AUTH
from tanji.web.api.routers import ROUTERS


def build_api() -> NinjaAPI:
    """The API with its routers (one instance per process, made in ``tanji.web.urls``)."""
    api = NinjaAPI(
        title="tanji carbon metering platform",
        version="1",
        description="Tenant-scoped REST API of the cement carbon metering platform.",
        auth=API_AUTH,
        urls_namespace="api",
        docs_url="/docs",
    )
    errors.install(api)
    for prefix, module in ROUTERS:
        api.add_router(prefix, import_module(module).router)
    return api


api = build_api()
