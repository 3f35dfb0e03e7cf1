from dataclasses import replace

import pytest

from tanji.terminal.control import (
    CONFIG_PAYLOAD_TYPE,
    ControlError,
    ControlStore,
    accept_command,
    accept_config,
    load_cached_config,
)
from tanji.terminal.signing import TrustError
from tanji.trust import dsse
from tanji.trust.keys import generate_private_key
from tests.terminal.factories import DEVICE, command_envelope, config_envelope, signed

INSTRUMENT = {
    "name": "sim",
    "driver": "simulated",
    "settings": {"units": {"A": "t/h"}, "waves": {"A": [1, 0, 60]}},
}


@pytest.fixture
def platform_key():
    return generate_private_key()


@pytest.fixture
def keys(platform_key):
    public = platform_key.public_key()
    return {public.key_id: public}


def test_accepts_a_newer_signed_configuration_and_caches_it(tmp_path, platform_key, keys):
    store = ControlStore(tmp_path)
    config = accept_config(
        config_envelope(platform_key, 3, [INSTRUMENT], batch={"max_readings": 50}),
        DEVICE,
        keys,
        store,
    )
    assert config.version == 3
    assert config.instruments[0].driver == "simulated"
    assert config.batch_max_readings == 50
    cached = load_cached_config(DEVICE, keys, ControlStore(tmp_path))
    assert cached == config


def test_rejects_replayed_configuration_even_after_a_restart(tmp_path, platform_key, keys):
    old = config_envelope(platform_key, 4)
    accept_config(old, DEVICE, keys, ControlStore(tmp_path))
    accept_config(config_envelope(platform_key, 5), DEVICE, keys, ControlStore(tmp_path))
    for replay in (old, config_envelope(platform_key, 5)):
        with pytest.raises(ControlError) as caught:
            accept_config(replay, DEVICE, keys, ControlStore(tmp_path))
        assert caught.value.code == "control.replayed_config"


def test_rejects_unsigned_and_wrongly_signed_configuration(tmp_path, keys):
    store = ControlStore(tmp_path)
    forged = config_envelope(generate_private_key(), 9)
    with pytest.raises(TrustError) as caught:
        accept_config(forged, DEVICE, keys, store)
    assert caught.value.code == "trust.bad_signature"
    with pytest.raises(TrustError) as caught:
        accept_config(b'{"device": "T-4201-01", "version": 10}', DEVICE, keys, store)
    assert caught.value.code == "trust.malformed"
    assert store.state["config_version"] == 0


def test_rejects_a_payload_of_another_type(tmp_path, platform_key, keys):
    command = command_envelope(platform_key, 1)
    with pytest.raises(TrustError) as caught:
        accept_config(command, DEVICE, keys, ControlStore(tmp_path))
    assert caught.value.code == "trust.wrong_type"


def test_rejects_configuration_for_another_device(tmp_path, platform_key, keys):
    with pytest.raises(ControlError) as caught:
        accept_config(
            config_envelope(platform_key, 1, device="T-9"), DEVICE, keys, ControlStore(tmp_path)
        )
    assert caught.value.code == "control.wrong_device"


def test_tampered_cache_is_refused_at_start(tmp_path, platform_key, keys):
    store = ControlStore(tmp_path)
    accept_config(config_envelope(platform_key, 2), DEVICE, keys, store)
    cache = tmp_path / "config.dsse.json"
    envelope = dsse.decode_envelope(cache.read_bytes())
    tampered = replace(
        envelope, payload=envelope.payload.replace(b'"instruments": []', b'"instruments": [{}]')
    )
    assert tampered.payload != envelope.payload
    cache.write_bytes(dsse.encode_envelope(tampered))
    with pytest.raises(TrustError):
        load_cached_config(DEVICE, keys, ControlStore(tmp_path))


def test_older_cached_envelope_swapped_in_is_refused(tmp_path, platform_key, keys):
    store = ControlStore(tmp_path)
    accept_config(config_envelope(platform_key, 2), DEVICE, keys, store)
    (tmp_path / "config.dsse.json").write_bytes(config_envelope(platform_key, 1))
    with pytest.raises(ControlError) as caught:
        load_cached_config(DEVICE, keys, ControlStore(tmp_path))
    assert caught.value.code == "control.cache_mismatch"


def test_commands_need_a_fresh_sequence_number(tmp_path, platform_key, keys):
    store = ControlStore(tmp_path)
    assert accept_command(command_envelope(platform_key, 1), DEVICE, keys, store).seq == 1
    with pytest.raises(ControlError) as caught:
        accept_command(command_envelope(platform_key, 1), DEVICE, keys, ControlStore(tmp_path))
    assert caught.value.code == "control.replayed_command"


def test_forged_command_is_refused(tmp_path, keys):
    with pytest.raises(TrustError):
        accept_command(
            command_envelope(generate_private_key(), 1, "restart"),
            DEVICE,
            keys,
            ControlStore(tmp_path),
        )


def test_unknown_command_is_refused(tmp_path, platform_key, keys):
    with pytest.raises(ControlError) as caught:
        accept_command(
            command_envelope(platform_key, 1, "format_disk"), DEVICE, keys, ControlStore(tmp_path)
        )
    assert caught.value.code == "control.unknown_command"


def test_key_revoked_by_configuration_cannot_sign_commands(tmp_path, platform_key):
    successor = generate_private_key()
    keys = {k.key_id: k for k in (platform_key.public_key(), successor.public_key())}
    store = ControlStore(tmp_path)
    accept_config(
        config_envelope(successor, 1, revoked_keys=[platform_key.public_key().key_id]),
        DEVICE,
        keys,
        store,
    )
    with pytest.raises(TrustError) as caught:
        accept_command(command_envelope(platform_key, 1), DEVICE, keys, ControlStore(tmp_path))
    assert caught.value.code == "trust.revoked_key"
    assert accept_command(command_envelope(successor, 1), DEVICE, keys, store).seq == 1


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"device": DEVICE, "version": "7", "instruments": []}, "version"),
        (
            {"device": DEVICE, "version": 7, "instruments": [{"name": "a", "driver": "x"}]},
            "settings",
        ),
        ({"version": 7, "instruments": []}, "device"),
    ],
)
def test_malformed_configuration_names_the_field(tmp_path, platform_key, keys, document, field):
    with pytest.raises(ControlError) as caught:
        accept_config(
            signed(platform_key, CONFIG_PAYLOAD_TYPE, document),
            DEVICE,
            keys,
            ControlStore(tmp_path),
        )
    assert caught.value.params["key"] == field
