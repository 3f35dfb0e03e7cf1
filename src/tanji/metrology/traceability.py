"""The traceability chain of a certificate (R4.2.3): certificate → body → standards → national.

Each link is checked at the calibration date: the body's accreditation and every standard's
certificate must have been valid, and the chain must end in a national standard within
:data:`MAX_DEPTH` links (a loop or an open end is a gap).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tanji.metrology import queries
from tanji.tenancy.actor import Actor

MAX_DEPTH = 8


@dataclass(frozen=True)
class Link:
    """One link: what it is, its identifier, whether it held at the calibration date."""

    kind: str  # certificate / body / standard / national
    label: str
    reference: str
    valid: bool


@dataclass(frozen=True)
class Chain:
    """The whole chain and its gaps; ``complete`` when there are none."""

    links: tuple[Link, ...]
    gaps: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """True when every link held and the chain reached a national standard."""
        return not self.gaps


def traceability_chain(actor: Actor, certificate_id: int) -> Chain:
    """Walk a visible certificate's chain up to the national standard."""
    cert = queries.certificate(actor, certificate_id)
    at = cert.calibrated_on
    body = cert.body
    body_ok = body.accreditation_valid_until is None or body.accreditation_valid_until >= at
    links = [
        Link("certificate", cert.number, cert.method, True),
        Link("body", body.name, body.accreditation_no, body_ok and bool(body.accreditation_no)),
    ]
    gaps = [] if links[1].valid else [f"body {body.name}: accreditation not valid on {at}"]
    standards = {
        s.pk: s for s in queries.reference_standards(actor).filter(enterprise_id=cert.enterprise_id)
    }
    current, seen = standards.get(cert.standard_id), set[int]()
    while current is not None and current.pk not in seen and len(seen) < MAX_DEPTH:
        seen.add(current.pk)
        valid = current.valid_until >= at
        links.append(Link("standard", current.name, current.certificate_no, valid))
        if not valid:
            gaps.append(f"standard {current.name}: certificate expired on {current.valid_until}")
        if current.national_standard:
            links.append(Link("national", current.national_standard, "", True))
            return Chain(tuple(links), tuple(gaps))
        current = standards.get(current.traced_to_id) if current.traced_to_id else None
    gaps.append("chain does not reach a national standard")
    return Chain(tuple(links), tuple(gaps))
