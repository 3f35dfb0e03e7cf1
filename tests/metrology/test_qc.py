"""QC records: reference-material E_n, CEMS relative accuracy (HJ 75-2017), meter balance."""

from __future__ import annotations

import functools
import math
from datetime import date

import pytest

from tanji.metrology import qc
from tanji.metrology.models import QCRecord
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import InstrumentFactory, qualify
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db

# Worked example (HJ 75-2017 RA, 9 pairs of CO2 %vol), computed by hand:
# d = CEMS − RM = [0.2, 0.1, 0.3, 0.2, 0.0, 0.1, 0.2, 0.3, 0.1]; d̄ = 1.5/9 = 0.16667
# S_d = sqrt(Σ(d − d̄)²/8) = sqrt(0.08/8) = 0.1; cc = 2.306 × 0.1 / 3 = 0.076867
# RM̄ = 22.0 → RA = (0.16667 + 0.076867) / 22.0 × 100 = 1.10697 %
REFERENCE = [22.0, 21.8, 22.2, 22.1, 21.9, 22.0, 21.9, 22.1, 22.0]
CEMS = [
    r + d for r, d in zip(REFERENCE, [0.2, 0.1, 0.3, 0.2, 0.0, 0.1, 0.2, 0.3, 0.1], strict=True)
]


def test_relative_accuracy_worked_example() -> None:
    assert qc.relative_accuracy_pct(CEMS, REFERENCE) == pytest.approx(1.10697, abs=1e-4)


def test_en_number_and_imbalance() -> None:
    # |25.31 − 25.10| / sqrt(0.12² + 0.08²) = 0.21 / 0.144222 = 1.45609
    assert qc.en_number(25.31, 0.12, 25.10, 0.08) == pytest.approx(1.45609, abs=1e-4)
    # (480 + 310 + 205 − 1000) / 1000 = −0.5 %
    assert qc.imbalance_pct(1000.0, [480.0, 310.0, 205.0]) == pytest.approx(-0.5)


@pytest.mark.parametrize(
    ("cems", "reference"), [(CEMS[:8], REFERENCE[:8]), (CEMS, REFERENCE[:8]), (CEMS, [0.0] * 9)]
)
def test_rata_refuses_bad_input(cems: list[float], reference: list[float]) -> None:
    with pytest.raises(InvalidInput):
        qc.relative_accuracy_pct(cems, reference)


def test_records_store_inputs_and_verdict() -> None:
    analyser = InstrumentFactory(instrument_type="gas_analyser")
    e = analyser.enterprise_id
    actor = Actor.system()
    rata = qc.record_cems_rata(
        actor,
        enterprise_id=e,
        performed_on=date(2025, 6, 1),
        instrument_id=analyser.pk,
        cems=CEMS,
        reference=REFERENCE,
    )
    assert rata.passed
    assert rata.inputs["reference"] == REFERENCE
    rm = qc.record_reference_material(
        actor,
        enterprise_id=e,
        performed_on=date(2025, 6, 2),
        instrument_id=None,
        material="GBW 11104 coal",
        measured=25.31,
        u_measured=0.12,
        certified=25.10,
        u_certified=0.08,
    )
    assert not rm.passed
    assert math.isclose(rm.limit_value, 1.0)
    balance = qc.record_cross_meter_balance(
        actor,
        enterprise_id=e,
        performed_on=date(2025, 6, 3),
        instrument_id=None,
        main=1000.0,
        parts=[700, 270],
    )
    assert not balance.passed
    assert balance.result_value == pytest.approx(-3.0)
    with pytest.raises(InvalidInput):
        qc.record_cross_meter_balance(
            actor,
            enterprise_id=EnterpriseFactory().pk,
            performed_on=date(2025, 6, 3),
            instrument_id=analyser.pk,
            main=1.0,
            parts=[1.0],
        )


def test_sign_off_needs_a_current_qc_qualification() -> None:
    analyser = InstrumentFactory(instrument_type="gas_analyser")
    e = analyser.enterprise
    staff = qualify(member("metering_staff", e), e, scopes=("calibration",))
    record = functools.partial(
        qc.record_cross_meter_balance,
        enterprise_id=e.pk,
        performed_on=date(2025, 6, 3),
        instrument_id=None,
        main=1000.0,
        parts=[990.0],
    )
    with pytest.raises(AccessDenied) as caught:
        record(Actor.for_user(staff))
    assert caught.value.code == "metrology.not_qualified"
    assert caught.value.params["scope"] == "qc"
    assert not QCRecord.objects.exists()
    qualify(staff, e, scopes=("qc",))
    signed = record(Actor.for_user(staff))
    assert signed.passed
    assert AuditEntry.objects.filter(object_type="metrology.qcrecord", action="create").count() == 1
