"""The OpenAPI document as stable text (sorted keys), for committing and comparing."""

from __future__ import annotations

import json

from django.utils import translation

from tanji.web.api.site import api


def openapi_text() -> str:
    """The document, generated in English so it does not depend on the caller's language."""
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
