"""The API's routers: ``(prefix, module path)``; add a line to plug a context in."""

from __future__ import annotations

ROUTERS: tuple[tuple[str, str], ...] = (
    ("/ingest", "tanji.web.api.ingest"),
    ("/terminals", "tanji.web.api.terminals"),
    ("/log", "tanji.web.api.log"),
    ("/emissions", "tanji.web.api.emissions"),
    ("/tenancy", "tanji.web.api.tenancy"),
    ("/plant", "tanji.web.api.lab_signed"),  # before ``lab-analyses/{analysis_id}``
    ("/plant", "tanji.web.api.plant"),
    ("/metrology", "tanji.web.api.metrology"),
    ("/metrology", "tanji.web.api.metrology_ledger"),
    ("/metrology", "tanji.web.api.metrology_records"),
    ("/metrology", "tanji.web.api.metrology_diagrams"),
    ("/analytics", "tanji.web.api.analytics"),
    ("/account", "tanji.web.api.account"),
)
