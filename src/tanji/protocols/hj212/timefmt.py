"""HJ 212 time stamps: ``QN`` (``YYYYMMDDhhmmsszzz``) and CP date-times (``YYYYMMDDhhmmss``).

HJ 212 times carry no zone: they are the device's local clock. Decoding therefore takes the zone
as an argument (China Standard Time by default) and returns aware datetimes; the source text is
kept in the message for evidence.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from tanji.protocols.hj212.errors import Hj212Error

#: UTC+8, the zone of every HJ 212 clock in mainland China (no daylight saving).
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

_QN = re.compile(r"[0-9]{17}")
_DATETIME = re.compile(r"[0-9]{14}")


def check_qn(text: str) -> None:
    """Check a QN: 17 digits forming a real date-time with milliseconds.

    Raises:
        Hj212Error: ``hj212.field.qn``.
    """
    if not _QN.fullmatch(text) or _components(text[:14]) is None:
        raise Hj212Error(
            "hj212.field.qn", "QN={value!r} is not YYYYMMDDhhmmsszzz with a real date", value=text
        )


def qn_datetime(text: str, tz: tzinfo = CHINA_STANDARD_TIME) -> datetime:
    """The instant a QN names, in ``tz``."""
    check_qn(text)
    return parse_datetime(text[:14], "QN", tz).replace(microsecond=int(text[14:]) * 1000)


def parse_datetime(text: str, key: str, tz: tzinfo = CHINA_STANDARD_TIME) -> datetime:
    """Decode ``YYYYMMDDhhmmss`` (the CP key ``key`` is named in the error).

    Raises:
        Hj212Error: ``hj212.record.datetime``.
    """
    parts = _clock(text)
    if parts is None:
        raise Hj212Error(
            "hj212.record.datetime",
            "{key}={value!r} is not YYYYMMDDhhmmss with a real date",
            key=key,
            value=text,
        )
    return datetime(*parts, tzinfo=tz)


def format_datetime(moment: datetime, tz: tzinfo = CHINA_STANDARD_TIME) -> str:
    """``YYYYMMDDhhmmss`` of ``moment`` on the local clock of ``tz``."""
    return moment.astimezone(tz).strftime("%Y%m%d%H%M%S")


def format_qn(moment: datetime, tz: tzinfo = CHINA_STANDARD_TIME) -> str:
    """A QN for ``moment`` (millisecond resolution)."""
    local = moment.astimezone(tz)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


@lru_cache(maxsize=4096)  # every logger of a plant sends the same minute stamps
def _clock(text: str) -> tuple[int, int, int, int, int, int] | None:
    return _components(text) if _DATETIME.fullmatch(text) else None


def _components(text: str) -> tuple[int, int, int, int, int, int] | None:
    parts = (
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[8:10]),
        int(text[10:12]),
        int(text[12:14]),
    )
    try:
        datetime(*parts)  # noqa: DTZ001 - only validates the calendar date
    except ValueError:
        return None
    return parts
