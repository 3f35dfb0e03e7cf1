"""The platform process shared by the system tests of a module (one database file each)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tanji.trust.keys import load_private_key
from tests.gateways.test_gateway_process import ROOT, environment
from tests.system.test_terminal_platform import Platform


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("platform")
    env = environment(tmp)
    env["TANJI_ALLOWED_HOSTS"] = "127.0.0.1"
    manage = [sys.executable, "-m", "tanji", "manage", "migrate", "-v0"]
    subprocess.run(manage, env=env, check=True, cwd=ROOT)
    key = load_private_key(env["TANJI_PLATFORM_KEY_PEM"].encode()).public_key()
    (tmp / "platform.pem").write_bytes(key.to_pem())
    running = Platform(tmp, env, "", key)
    running.enterprise = running.operator("plant")
    running.start()
    yield running
    if running.process is not None and running.process.poll() is None:
        running.process.terminate()
        running.process.wait(30)
