from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    Hj212Error,
    format_datetime,
    format_qn,
    parse_datetime,
    qn_datetime,
)


def test_qn_is_an_instant_with_milliseconds() -> None:
    moment = qn_datetime("20160801085857223")
    assert moment == datetime(2016, 8, 1, 8, 58, 57, 223000, tzinfo=CHINA_STANDARD_TIME)
    assert format_qn(moment) == "20160801085857223"


def test_local_clock_of_the_zone() -> None:
    moment = datetime(2025, 6, 10, 0, 30, tzinfo=UTC)
    assert format_datetime(moment) == "20250610083000"
    assert parse_datetime("20250610083000", "DataTime") == moment


@pytest.mark.parametrize(
    "text", ["2025061008300", "20250229000000", "20250610086000", "2025O610083000"]
)
def test_rejects_bad_dates(text: str) -> None:
    with pytest.raises(Hj212Error) as caught:
        parse_datetime(text, "DataTime")
    assert caught.value.code == "hj212.record.datetime"
    assert caught.value.params["key"] == "DataTime"
