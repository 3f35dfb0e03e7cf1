import json
import threading
import time

from tanji.terminal.control import parse_config
from tanji.terminal.health import HEARTBEAT_PAYLOAD_TYPE, read_status
from tanji.terminal.runtime import Runtime
from tanji.terminal.signing import open_signed
from tanji.trust.keys import generate_private_key
from tests.terminal.factories import DEVICE, Field, command_envelope


def test_runs_scans_heartbeats_and_seals_on_stop(tmp_path):
    field = Field(tmp_path)
    config = parse_config(
        json.dumps(
            {
                "device": DEVICE,
                "version": 1,
                "batch": {"max_age_s": 1},
                "instruments": [
                    {
                        "name": "sim",
                        "driver": "simulated",
                        "settings": {
                            "scan_s": 1,
                            "units": {"L1.A": "t/h"},
                            "waves": {"L1.A": [5, 1, 60]},
                        },
                    }
                ],
            }
        ).encode()
    )
    runtime = Runtime(
        config,
        field.terminal_key,
        tmp_path / "outbox.sqlite3",
        field.uplink,
        field.platform_keys,
        status_path=tmp_path / "status.json",
        heartbeat_s=0.5,
    )
    stop = threading.Event()
    thread = threading.Thread(target=runtime.run, args=(stop,))
    thread.start()
    time.sleep(1.5)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    status = read_status(tmp_path / "status.json")
    assert status is not None
    assert status["device"] == DEVICE
    assert status["instruments"]["sim"]["last_reading"] is not None
    public = field.terminal_key.public_key()
    beat = json.loads(
        open_signed(field.uplink.heartbeats[-1], HEARTBEAT_PAYLOAD_TYPE, {public.key_id: public})
    )
    assert beat["device"] == DEVICE
    stored = field.outbox()
    pending = stored.depth()[1]
    delivered = len(field.platform.samples(DEVICE))
    assert pending + delivered >= 1  # the open minute was closed and sealed on stop


def test_signed_restart_command_stops_the_runtime_and_forged_ones_do_not(tmp_path):
    field = Field(tmp_path)
    config = parse_config(json.dumps({"device": DEVICE, "version": 1, "instruments": []}).encode())
    runtime = Runtime(
        config,
        field.terminal_key,
        tmp_path / "outbox.sqlite3",
        field.uplink,
        field.platform_keys,
        heartbeat_s=0.2,
    )
    field.uplink.pending_commands = [
        command_envelope(generate_private_key(), 1, "restart"),  # forged: ignored
        command_envelope(field.platform_key, 1, "send_status"),
    ]
    stop = threading.Event()
    thread = threading.Thread(target=runtime.run, args=(stop,))
    thread.start()
    time.sleep(0.6)
    assert thread.is_alive()
    assert not runtime.restart_requested
    field.uplink.pending_commands = [
        command_envelope(field.platform_key, 1, "restart"),
        command_envelope(field.platform_key, 2, "restart"),
    ]
    thread.join(10)
    assert not thread.is_alive()
    assert runtime.restart_requested
    assert runtime.store.state["command_seq"] == 2  # the replayed seq 1 was refused
