"""The real components the suite relies on actually work here (broker round trip, browser)."""

from __future__ import annotations

import threading

import paho.mqtt.client as mqtt
import pytest

from tests.components import CHROMIUM_ARGS, Broker


@pytest.mark.mqtt
def test_mosquitto_round_trip(mosquitto: Broker) -> None:
    received: list[bytes] = []
    arrived = threading.Event()

    def on_message(_client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage) -> None:
        received.append(message.payload)
        arrived.set()

    subscriber = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="sub")
    subscriber.on_message = on_message
    subscriber.connect(mosquitto.host, mosquitto.port)
    subscriber.subscribe("tanji/test", qos=1)
    subscriber.loop_start()
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="pub")
    publisher.connect(mosquitto.host, mosquitto.port)
    publisher.loop_start()
    try:
        # Subscription is asynchronous; publish until the subscriber has it.
        for _ in range(50):
            publisher.publish("tanji/test", b"hello", qos=1).wait_for_publish(timeout=2)
            if arrived.wait(timeout=0.1):
                break
    finally:
        publisher.loop_stop()
        subscriber.loop_stop()
        publisher.disconnect()
        subscriber.disconnect()
    assert received[0] == b"hello"


@pytest.mark.browser
def test_headless_chromium_renders_a_page(chromium_executable: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.set_content("<h1 id='t'>碳计</h1>")
        assert page.inner_text("#t") == "碳计"
        browser.close()
