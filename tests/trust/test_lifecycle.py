"""Key lifecycle: validity windows, revocation, rotation, tenants, skew; enrolment codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tanji.trust.errors import EnrolmentError, SignatureError, TrustError
from tanji.trust.keys import generate_private_key
from tanji.trust.lifecycle import (
    DEFAULT_SKEW,
    KeyRecord,
    code_digest,
    issue_enrolment_code,
    key_valid_at,
    redeem_enrolment_code,
    resolve_key,
    revoke,
    rotate,
)

T0 = datetime(2025, 6, 1, tzinfo=UTC)
KEY = generate_private_key().public_key()


def _record(**changes: object) -> KeyRecord:
    fields: dict[str, object] = {"key": KEY, "owner": "T-1", "enrolled_at": T0, "tenant": "E-1"}
    fields.update(changes)
    return KeyRecord(**fields)  # type: ignore[arg-type]


def test_valid_from_enrolment_until_revocation_exclusive() -> None:
    record = _record(revoked_at=T0 + timedelta(days=10))
    assert key_valid_at(record, T0)
    assert key_valid_at(record, T0 + timedelta(days=10) - timedelta(microseconds=1))
    assert not key_valid_at(record, T0 + timedelta(days=10))


def test_skew_widens_the_start_only() -> None:
    record = _record(revoked_at=T0 + timedelta(days=1))
    assert key_valid_at(record, T0 - DEFAULT_SKEW)
    assert not key_valid_at(record, T0 - DEFAULT_SKEW - timedelta(seconds=1))
    assert not key_valid_at(record, T0 + timedelta(days=1), skew=timedelta(hours=2))
    assert not key_valid_at(_record(), T0 - timedelta(seconds=1), skew=timedelta(0))


def test_revoked_keys_earlier_signatures_stay_valid_later_ones_are_rejected() -> None:
    revoked = revoke(_record(), T0 + timedelta(days=5))
    before, after = T0 + timedelta(days=4), T0 + timedelta(days=6)
    assert resolve_key([revoked], KEY.key_id, before).key == KEY
    with pytest.raises(SignatureError) as caught:
        resolve_key([revoked], KEY.key_id, after)
    assert caught.value.code == "trust.key_revoked"


def test_revocation_is_final_and_cannot_be_postponed() -> None:
    revoked = revoke(_record(), T0 + timedelta(days=5))
    assert revoke(revoked, T0 + timedelta(days=9)).revoked_at == T0 + timedelta(days=5)
    assert revoke(revoked, T0 + timedelta(days=2)).revoked_at == T0 + timedelta(days=2)


def test_rotation_hands_over_with_optional_overlap() -> None:
    new_key = generate_private_key().public_key()
    at = T0 + timedelta(days=30)
    old, new = rotate(_record(), new_key, at, overlap=timedelta(hours=1))
    assert old.rotated_to == new_key.key_id
    assert old.revoked_at == at + timedelta(hours=1)
    assert (new.owner, new.tenant, new.enrolled_at) == ("T-1", "E-1", at)
    assert key_valid_at(old, at + timedelta(minutes=30))
    assert not key_valid_at(old, at + timedelta(hours=2))
    assert key_valid_at(new, at + timedelta(hours=2))
    with pytest.raises(TrustError) as caught:
        rotate(old, generate_private_key().public_key(), at + timedelta(days=1))
    assert caught.value.code == "trust.key_already_revoked"


def test_wrong_tenant_key_is_rejected() -> None:
    with pytest.raises(SignatureError) as caught:
        resolve_key([_record()], KEY.key_id, T0, tenant="E-2")
    assert caught.value.code == "trust.wrong_tenant"
    assert caught.value.params["tenant"] == "E-2"


def test_unknown_and_not_yet_valid_keys() -> None:
    with pytest.raises(SignatureError) as caught:
        resolve_key([], KEY.key_id, T0)
    assert caught.value.code == "trust.unknown_key"
    with pytest.raises(SignatureError) as caught:
        resolve_key([_record()], KEY.key_id, T0 - timedelta(days=1))
    assert caught.value.code == "trust.key_not_yet_valid"


def test_records_refuse_naive_times_and_revocation_before_enrolment() -> None:
    with pytest.raises(TrustError) as caught:
        _record(enrolled_at=datetime(2025, 1, 1))  # noqa: DTZ001 - the point of the test
    assert caught.value.code == "trust.naive_datetime"
    with pytest.raises(TrustError) as caught:
        _record(revoked_at=T0 - timedelta(days=1))
    assert caught.value.code == "trust.key_revoked_before_enrolment"


def _fixed(n: int) -> bytes:
    return bytes(range(n))


def test_enrolment_code_is_one_time_hashed_and_expires() -> None:
    code, record = issue_enrolment_code("T-1", T0, timedelta(hours=24), random_bytes=_fixed)
    assert len(code.replace("-", "")) == 24
    assert code not in repr(record)
    assert record.digest == code_digest(code)
    used = redeem_enrolment_code(record, code.lower().replace("-", " "), T0 + timedelta(hours=1))
    assert used.used_at == T0 + timedelta(hours=1)
    with pytest.raises(EnrolmentError) as caught:
        redeem_enrolment_code(used, code, T0 + timedelta(hours=2))
    assert caught.value.code == "trust.enrolment_code_used"
    with pytest.raises(EnrolmentError) as caught:
        redeem_enrolment_code(record, code, T0 + timedelta(hours=24))
    assert caught.value.code == "trust.enrolment_code_expired"


def test_wrong_enrolment_code_is_a_mismatch() -> None:
    code, record = issue_enrolment_code("T-1", T0, timedelta(hours=1))
    for wrong in ("", "0000-0000", code[:-1] + ("0" if code[-1] != "0" else "1"), "码"):
        with pytest.raises(EnrolmentError) as caught:
            redeem_enrolment_code(record, wrong, T0)
        assert caught.value.code == "trust.enrolment_code_mismatch"


def test_crockford_look_alikes_are_read_as_digits() -> None:
    assert code_digest("OIL1-") == code_digest("0111")


def test_fresh_codes_differ() -> None:
    codes = {issue_enrolment_code("T-1", T0, timedelta(hours=1))[0] for _ in range(50)}
    assert len(codes) == 50
