"""Terminal acquisition: assign ledger instruments to terminals, and their configuration entries.

The entry an instrument contributes to a terminal's signed configuration
(``docs/reference/terminal-config.md``) is built here from platform data only: the driver and
its connection from the :class:`~tanji.metrology.models.Acquisition`, the tag codes and units
from the instrument's tags, and how a value is pre-processed from the tag's aggregation (a
``measurement`` is a ``rate`` averaged per minute, a ``total`` a ``totaliser`` differenced per
minute, a ``total_increasing`` a ``counter`` forwarded as read; ADR 0161). Every change is
audited and raises the terminal's configuration version, so the terminal fetches the new
document and refuses any older one (ADR 0160).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F

from tanji.evidence import queries as evidence_queries
from tanji.evidence.choices import DeviceKindChoices
from tanji.evidence.models import Device
from tanji.metrology import queries
from tanji.metrology.models import Acquisition, DriverChoices, Instrument
from tanji.plant.choices import AggregationChoices
from tanji.plant.models import Tag
from tanji.protocols.hj212.listener import LISTENER_HOST, LISTENER_PORT, UPLOAD_COMMANDS
from tanji.protocols.registers import RegisterError, point_from_dict
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput, NotFound, get_visible

__all__ = ["assign_instrument", "instrument_entries", "instrument_entry", "unassign_instrument"]

#: Connection settings per driver: (required, allowed). Mirrors the terminal's driver factories.
CONNECTION: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    DriverChoices.MODBUS_TCP: (
        frozenset({"host"}),
        frozenset({"host", "port", "unit_id", "timeout_s"}),
    ),
    DriverChoices.MODBUS_RTU: (
        frozenset({"serial_port"}),
        frozenset(
            {"serial_port", "baudrate", "parity", "stopbits", "bytesize", "unit_id", "timeout_s"}
        ),
    ),
    DriverChoices.HJ212_DAS: (
        frozenset(),
        frozenset({"host", "port", "mn", "max_buffered", "data_commands"}),
    ),
    DriverChoices.LIMS_CSV: (
        frozenset({"inbox", "processed", "rejected", "time_column"}),
        frozenset(
            {"inbox", "processed", "rejected", "time_column", "time_format", "timezone", "settle_s"}
        ),
    ),
}
#: Per-tag point fields per driver: (required, allowed).
POINT: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    DriverChoices.HJ212_DAS: (frozenset({"factor"}), frozenset({"factor", "unit", "scale"})),
    DriverChoices.LIMS_CSV: (frozenset({"column"}), frozenset({"column", "unit"})),
}
MODBUS_POINT = frozenset(
    {"address", "function", "data_type", "word_order", "byte_order", "scale", "offset"}
    | {"rollover", "scan_s"}
)
#: ``a21026-Avg``: a factor code (App. B, or a vendor's) and a value suffix (Avg, Min, Max,
#: Cou, Rtd …).
HJ212_FACTOR = re.compile(r"^[A-Za-z0-9]{3,8}-[A-Za-z]{2,8}$")
KIND_OF_AGGREGATION: dict[str, str] = {
    AggregationChoices.MEASUREMENT: "rate",
    AggregationChoices.TOTAL: "totaliser",
    AggregationChoices.TOTAL_INCREASING: "counter",
}


def _bad(field: str, message: str, **params: Any) -> InvalidInput:
    return InvalidInput("metrology.acquisition." + field, message, field=field, **params)


def _check_keys(
    field: str,
    where: str,
    given: Mapping[str, Any],
    rule: tuple[frozenset[str], frozenset[str]],
) -> None:
    required, allowed = rule
    missing, unknown = sorted(required - set(given)), sorted(set(given) - allowed)
    if missing or unknown:
        raise _bad(
            field,
            "{where}: missing {missing}, unknown {unknown}; allowed {allowed}",
            where=where,
            missing=missing,
            unknown=unknown,
            allowed=sorted(allowed),
        )


def _modbus_point(acq: Acquisition, tag: Tag, point: Mapping[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"scan_s": acq.scan_s, **point}
    entry.update(tag=tag.code, unit=tag.unit, kind=KIND_OF_AGGREGATION[tag.aggregation])
    try:
        point_from_dict(entry, f"points.{tag.code}")  # the terminal's own parser (one schema)
    except RegisterError as error:
        raise _bad("register", "{error}", tag=tag.code, error=str(error)) from None
    return entry


def _unit(point: Mapping[str, Any], tag: Tag) -> str:
    """The unit the source reports in (HJ 212 App. B, the lab's); the platform converts it."""
    return str(point.get("unit") or tag.unit)


def instrument_entry(acq: Acquisition, tags: Mapping[str, Tag]) -> dict[str, Any]:
    """The configuration entry of one acquired instrument (``tags``: its tags by code)."""
    settings: dict[str, Any] = dict(acq.connection)
    points = acq.points
    if acq.driver in (DriverChoices.MODBUS_TCP, DriverChoices.MODBUS_RTU):
        settings["points"] = [_modbus_point(acq, tags[c], points[c]) for c in sorted(points)]
    elif acq.driver == DriverChoices.HJ212_DAS:
        settings["factors"] = {
            points[c]["factor"]: {"tag": c, "unit": _unit(points[c], tags[c])}
            | ({"scale": points[c]["scale"]} if "scale" in points[c] else {})
            for c in sorted(points)
        }
        settings["mn"] = list(settings.get("mn", []))
    else:
        settings["columns"] = [
            {"column": points[c]["column"], "tag": c, "unit": _unit(points[c], tags[c])}
            for c in sorted(points)
        ]
    return {"name": acq.instrument.code, "driver": acq.driver, "settings": settings}


def instrument_entries(device: Device) -> list[dict[str, Any]]:
    """Entries of every instrument ``device`` reads, ordered by instrument code.

    Read as the platform: the device asking is authenticated by what it can verify, not by a
    user, and the document names nothing of other enterprises.
    """
    rows = (
        Acquisition.objects.visible_to(Actor.system())
        .filter(device=device)
        .select_related("instrument")
        .prefetch_related("instrument__tags")
        .order_by("instrument__code")
    )
    return [instrument_entry(a, {t.code: t for t in a.instrument.tags.all()}) for a in rows]


def _validated(acq: Acquisition) -> None:
    if acq.driver not in CONNECTION:
        raise _bad("driver", "unknown driver {driver!r}", driver=acq.driver)
    if not isinstance(acq.connection, dict) or not isinstance(acq.points, dict) or not acq.points:
        raise _bad("shape", "connection must be an object and points a non-empty object")
    if not 1 <= acq.scan_s <= 3600:
        raise _bad("scan_s", "scan period must be 1…3600 s, got {got}", got=acq.scan_s)
    _check_keys("connection", "connection", acq.connection, CONNECTION[acq.driver])
    tags = {t.code: t for t in acq.instrument.tags.filter(active=True)}
    for code, point in acq.points.items():
        if code not in tags:
            raise _bad(
                "tag",
                "tag {tag} is not an active tag of instrument {instrument}",
                tag=code,
                instrument=acq.instrument.code,
            )
        if not isinstance(point, dict):
            raise _bad("point", "points.{tag} must be an object", tag=code)
        rule = POINT.get(acq.driver, (frozenset({"address"}), MODBUS_POINT))
        _check_keys("points", f"points.{code}", point, rule)
    if acq.driver == DriverChoices.HJ212_DAS:
        _validated_das(acq)
    instrument_entry(acq, tags)


def _validated_das(acq: Acquisition) -> None:
    """The HJ 212 settings the listener needs: factor names, one tag each, known commands."""
    mn, commands = _das_filters(acq.connection)
    if not isinstance(commands, list) or not commands or set(commands) - UPLOAD_COMMANDS:
        raise _bad(
            "data_commands",
            "data_commands must be a non-empty list of {allowed}, got {got!r}",
            allowed=sorted(UPLOAD_COMMANDS),
            got=commands,
        )
    if not isinstance(mn, list) or not all(isinstance(m, str) and m for m in mn):
        raise _bad("mn", "mn must be a list of device identifiers, got {got!r}", got=mn)
    seen: dict[str, str] = {}
    for code, point in sorted(acq.points.items()):
        factor, scale = point["factor"], point.get("scale", 1.0)
        if not isinstance(factor, str) or not HJ212_FACTOR.match(factor):
            raise _bad(
                "factor",
                "points.{tag}.factor must read like a21026-Avg, got {got!r}",
                tag=code,
                got=factor,
            )
        if factor in seen:
            raise _bad(
                "factor_twice",
                "factor {factor} feeds both {tag} and {other}",
                factor=factor,
                tag=code,
                other=seen[factor],
            )
        seen[factor] = code
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not scale > 0:
            raise _bad("scale", "points.{tag}.scale must be a positive number", tag=code)
    _no_shared_upload(acq)


def _das_filters(connection: Mapping[str, Any]) -> tuple[Any, Any]:
    """An HJ 212 instrument's MN list and data commands as configured (unchecked).

    Defaults filled in: every MN (an empty list), every upload command.
    """
    return connection.get("mn", []), connection.get("data_commands", sorted(UPLOAD_COMMANDS))


def _das_listener(connection: Mapping[str, Any]) -> tuple[str, int]:
    return connection.get("host", LISTENER_HOST), connection.get("port", LISTENER_PORT)


def _das_admits(connection: Mapping[str, Any]) -> tuple[set[str] | None, set[int]]:
    """The MNs (``None``: any) and data commands a checked HJ 212 instrument takes uploads of."""
    mn, commands = _das_filters(connection)
    return (set(mn) or None), set(commands)


def _no_shared_upload(acq: Acquisition) -> None:
    """Refuse a second instrument of the terminal taking the same value of the same upload.

    The terminal shares one listener per (host, port) and hands an upload to every instrument
    that admits its MN (ADR 0226): two instruments admitting one MN and one data command with
    a factor in common would both record that value, under two tags.
    """
    listener = _das_listener(acq.connection)
    mn, commands = _das_admits(acq.connection)
    factors = {p["factor"] for p in acq.points.values()}
    others = (  # read as the platform: the rule is the terminal's, whoever assigns
        Acquisition.objects.visible_to(Actor.system())
        .filter(enterprise_id=acq.enterprise_id, device=acq.device, driver=DriverChoices.HJ212_DAS)
        .exclude(instrument=acq.instrument)
        .select_related("instrument")
        .order_by("instrument__code")
    )
    for other in others:
        if _das_listener(other.connection) != listener:
            continue
        other_mn, other_commands = _das_admits(other.connection)
        shared_mn = mn if other_mn is None else other_mn if mn is None else mn & other_mn
        shared = factors & {p.get("factor") for p in other.points.values()}
        if (shared_mn is None or shared_mn) and commands & other_commands and shared:
            raise _bad(
                "shared_upload",
                "instrument {other} on port {port} already takes factor {factor} from {mn}",
                other=other.instrument.code,
                port=listener[1],
                factor=min(shared),
                mn=", ".join(sorted(shared_mn)) if shared_mn else "any data logger",
            )


def _bump(actor: Actor, device: Device) -> None:
    devices = Device.objects.visible_to(actor, Action.EDIT_INSTRUMENTS)
    devices.filter(pk=device.pk).update(config_version=F("config_version") + 1)


def _terminal(actor: Actor, device_id: str, instrument: Instrument) -> Device:
    """The visible terminal ``device_id`` of the instrument's enterprise."""
    device: Device | None = evidence_queries.devices(actor).filter(device_id=device_id).first()
    if device is None:
        raise NotFound(
            "tenancy.not_found",
            "no {what} with id {pk} is visible to you",
            what="device",
            pk=device_id,
        )
    if (
        device.enterprise_id != instrument.enterprise_id
        or device.kind != DeviceKindChoices.TERMINAL
    ):
        raise _bad("device", "{device} is not a terminal of this enterprise", device=device_id)
    return device


@transaction.atomic
def assign_instrument(
    actor: Actor,
    *,
    device_id: str,
    instrument_id: int,
    driver: str,
    connection: Mapping[str, Any],
    points: Mapping[str, Mapping[str, Any]],
    scan_s: int = 60,
) -> Acquisition:
    """Let terminal ``device_id`` read an instrument (replacing any earlier assignment).

    Raises:
        NotFound: the device or instrument is not visible to ``actor``.
        PermissionDenied: ``actor`` may not edit the instrument ledger of the enterprise.
        InvalidInput: another enterprise's terminal, not a terminal, or bad driver settings
            (``metrology.acquisition.<what>``, one code per message, field and tag as
            parameters; each translated in ``tanji.web.error_messages``).
    """
    instrument: Instrument = get_visible(queries.instruments(actor), instrument_id, "instrument")
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    device = _terminal(actor, device_id, instrument)
    acq = Acquisition.objects.visible_to(actor).filter(instrument=instrument).first()
    before = snapshot(acq) if acq is not None else None
    old_device = acq.device if acq is not None else None
    acq = acq or Acquisition(enterprise_id=instrument.enterprise_id, instrument=instrument)
    acq.device, acq.driver, acq.scan_s = device, driver, scan_s
    acq.connection = dict(connection)
    acq.points = {k: dict(v) if isinstance(v, Mapping) else v for k, v in points.items()}
    _validated(acq)
    acq.save()
    record(actor, "assign" if before is None else "update", acq, before, snapshot(acq))
    for touched in {device, old_device} - {None}:
        assert touched is not None
        _bump(actor, touched)
    return acq


@transaction.atomic
def unassign_instrument(actor: Actor, instrument_id: int, device_id: str | None = None) -> None:
    """Stop reading an instrument; its terminal's configuration version is raised."""
    instrument: Instrument = get_visible(queries.instruments(actor), instrument_id, "instrument")
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    acquired = Acquisition.objects.visible_to(actor).filter(instrument=instrument)
    acq = acquired.select_related("device").first()
    if acq is None or device_id not in (None, acq.device.device_id):
        raise _bad(
            "instrument",
            "instrument {instrument} is not read by {device}",
            instrument=instrument.code,
            device=device_id or "any terminal",
        )
    record(actor, "unassign", acq, snapshot(acq), None)
    acq.delete()
    _bump(actor, acq.device)
