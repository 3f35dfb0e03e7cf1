"""The certificate → body → standards → national standard chain, with its gaps."""

from __future__ import annotations

from datetime import date

import pytest

from tanji.metrology import calibration, traceability
from tanji.tenancy.actor import Actor
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import BodyFactory, CertificateFactory, StandardFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def test_complete_chain_reaches_the_national_standard() -> None:
    body = BodyFactory()
    top = StandardFactory(
        body=body, enterprise=body.enterprise, name="省级标准", national_standard="国家质量基准"
    )
    working = StandardFactory(
        body=body, enterprise=body.enterprise, name="工作标准", national_standard="", traced_to=top
    )
    cert = CertificateFactory(instrument__enterprise=body.enterprise, body=body, standard=working)
    chain = traceability.traceability_chain(SYSTEM, cert.pk)
    assert [link.kind for link in chain.links] == [
        "certificate",
        "body",
        "standard",
        "standard",
        "national",
    ]
    assert chain.complete
    assert chain.links[1].reference == body.accreditation_no


def test_gaps_expired_standard_and_open_end() -> None:
    body = BodyFactory(accreditation_valid_until=date(2024, 1, 1))
    loose = StandardFactory(
        body=body, enterprise=body.enterprise, national_standard="", valid_until=date(2024, 6, 30)
    )
    cert = CertificateFactory(instrument__enterprise=body.enterprise, body=body, standard=loose)
    chain = traceability.traceability_chain(SYSTEM, cert.pk)
    assert not chain.complete
    assert any("accreditation" in gap for gap in chain.gaps)
    assert any("expired" in gap for gap in chain.gaps)
    assert chain.gaps[-1] == "chain does not reach a national standard"


def test_a_standard_must_name_where_it_traces_to() -> None:
    body = BodyFactory()
    with pytest.raises(InvalidInput) as caught:
        calibration.record_standard(
            SYSTEM, body_id=body.pk, name="x", certificate_no="1", valid_until=date(2030, 1, 1)
        )
    assert caught.value.code == "metrology.chain_open"
    top = calibration.record_standard(
        SYSTEM,
        body_id=body.pk,
        name="top",
        certificate_no="1",
        valid_until=date(2030, 1, 1),
        national_standard="NIM",
    )
    below = calibration.record_standard(
        SYSTEM,
        body_id=body.pk,
        traced_to_id=top.pk,
        name="below",
        certificate_no="2",
        valid_until=date(2030, 1, 1),
    )
    assert below.traced_to == top
