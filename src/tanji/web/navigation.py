"""The navigation: the three layers of the specification (R4.5) and the pages in each.

Pages register nothing here by hand: an entry names a URL, and only entries whose URL resolves are
shown, so the pages built later slot into their layer as soon as their URLs exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    """One link of the navigation."""

    label: Promise
    url_name: str


@dataclass(frozen=True)
class NavLayer:
    """One layer of the platform framework (监测层 / 计量管理层 / 数据应用层 / 信息管理)."""

    label: Promise
    entries: tuple[NavEntry, ...]


LAYERS: tuple[NavLayer, ...] = (
    NavLayer(
        _("Monitoring"),
        (
            NavEntry(_("Overview"), "pages:overview"),
            NavEntry(_("Carbon metering"), "pages:metering"),
            NavEntry(_("Raw materials and fuels"), "pages:materials"),
        ),
    ),
    NavLayer(
        _("Metering management"),
        (
            NavEntry(_("Carbon-flow diagram"), "metrology:diagram"),
            NavEntry(_("Instrument ledger"), "metrology:ledger"),
            NavEntry(_("Verification and calibration"), "metrology:calibration"),
            NavEntry(_("Personnel"), "metrology:personnel_list"),
            NavEntry(_("Calibration plans"), "metrology:plans_list"),
            NavEntry(_("Quality-control records"), "metrology:qc_list"),
            NavEntry(_("Ledger snapshots"), "metrology:snapshots_list"),
            NavEntry(_("Reviewer qualifications"), "metrology:reviewer-qualifications_list"),
            NavEntry(_("Metrology review"), "metrology:reviews"),
            NavEntry(_("Trusted data"), "pages:trust"),
        ),
    ),
    NavLayer(
        _("Data application"),
        (
            NavEntry(_("Reports and analysis"), "pages:reports"),
            NavEntry(_("Data analysis"), "pages:analytics"),
            NavEntry(_("Provincial supervision"), "pages:province"),
        ),
    ),
    NavLayer(_("Information management"), (NavEntry(_("Information management"), "pages:info"),)),
)


@dataclass(frozen=True)
class ResolvedLayer:
    """A layer with the links that exist right now."""

    label: Promise
    links: tuple[tuple[Promise, str], ...]


def resolved_layers() -> list[ResolvedLayer]:
    """Layers and links whose URLs resolve (a layer's heading shows even before its pages)."""
    resolved = []
    for layer in LAYERS:
        links = []
        for entry in layer.entries:
            try:
                links.append((entry.label, reverse(entry.url_name)))
            except NoReverseMatch:
                continue
        resolved.append(ResolvedLayer(layer.label, tuple(links)))
    return resolved
