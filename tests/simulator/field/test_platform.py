import pytest

from tanji.simulator.field.platform import PlatformRefusal
from tanji.terminal.signing import Sealer
from tanji.trust.keys import generate_private_key
from tests.terminal.factories import DEVICE, T0, Field, readings


def test_repeat_gets_a_duplicate_receipt_and_reused_seq_is_refused(tmp_path):
    field = Field(tmp_path)
    first = field.sealer.seal(1, T0, readings(T0, 2))
    assert field.platform.ingest(first)
    field.platform.ingest(first)
    assert field.platform.log_size == 1
    with pytest.raises(PlatformRefusal) as caught:
        field.platform.ingest(field.sealer.seal(1, T0, readings(T0, 3)))
    assert caught.value.code == "platform.seq_reused"


def test_unknown_terminal_gets_no_receipt(tmp_path):
    field = Field(tmp_path)
    stranger = Sealer(DEVICE, generate_private_key())
    assert field.platform.answer(stranger.seal(1, T0, readings(T0, 1))) is None
    assert field.platform.refused
