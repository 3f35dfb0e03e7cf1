"""The API's routers: ``(prefix, module path)``; add a line to plug a context in."""

from __future__ import annotations

ROUTERS: tuple[tuple[str, str], ...] = (
    ("/ingest", "tanji.web.api.ingest"),
    ("/terminals", "tanji.web.api.terminals"),
    ("/log", "tanji.web.api.log"),
    ("/emissions", "tanji.web.api.emissions"),
    ("/tenancy", "tanji.web.api.tenancy"),
    ("/plant", "tanji.web.api.plant"),
    ("/metrology", "tanji.web.api.metrology"),
    ("/metrology/personnel", "tanji.web.api.personnel"),
    ("/metrology/instruments/{instrument_id}/certificates", "tanji.web.api.certificates"),
    ("/analytics", "tanji.web.api.analytics"),
)
