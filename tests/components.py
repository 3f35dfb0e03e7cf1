"""Fixtures that start the real components tests need: a Mosquitto broker, headless Chromium.

Each fixture skips locally when the component is missing and fails under ``CI=true``
(see :func:`tests.conftest.require_component`); ``scripts/test`` installs the components.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require_executable

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port on loopback that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, timeout_s: float = 10.0) -> None:
    """Block until something accepts connections on ``127.0.0.1:port``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


@dataclass(frozen=True)
class Broker:
    """A running Mosquitto broker on loopback."""

    host: str
    port: int
    config_dir: Path


def start_mosquitto(
    config_dir: Path, extra_config: str = ""
) -> tuple[subprocess.Popen[bytes], int]:
    """Start Mosquitto with a listener on a free loopback port and ``extra_config`` appended."""
    executable = require_executable("Mosquitto", "/usr/sbin/mosquitto", "scripts/test installs it")
    port = free_port()
    config = config_dir / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\npersistence false\nlog_dest stderr\n{extra_config}",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [executable, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    wait_for_port(port)
    return process, port


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """An anonymous Mosquitto broker for the test session (ACL tests start their own)."""
    config_dir = tmp_path_factory.mktemp("mosquitto")
    process, port = start_mosquitto(config_dir, "allow_anonymous true\n")
    try:
        yield Broker("127.0.0.1", port, config_dir)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the system Chromium that Playwright drives (never a downloaded browser)."""
    return require_executable("Chromium", "/usr/bin/chromium", "scripts/test installs it")
