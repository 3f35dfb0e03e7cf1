from __future__ import annotations

import pytest
from django.test import Client


def test_home_is_chinese_by_default_with_the_three_layers(client: Client) -> None:
    body = client.get("/").content.decode()
    assert "水泥行业碳计量数字化管理平台" in body
    for layer in ("碳监测", "碳计量管理", "碳数据应用"):
        assert layer in body


def test_language_switch_to_english_and_back(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Cement carbon metering platform" in body
    assert "Data application" in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "碳数据应用" in client.get("/").content.decode()


@pytest.mark.django_db
def test_health_reports_the_database(client: Client) -> None:
    reply = client.get("/healthz").json()
    assert reply["status"] == "ok"
    assert reply["database"] in {"sqlite", "postgresql"}
