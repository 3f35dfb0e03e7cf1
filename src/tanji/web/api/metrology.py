"""API of the metrology context: the instrument ledger (read)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import ModelSchema, Router
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.metrology import queries
from tanji.metrology.models import Instrument
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires

router = Router(tags=["metrology"])


class InstrumentOut(ModelSchema):
    """One instrument of the ledger."""

    class Meta:
        model = Instrument
        fields = [
            "id",
            "enterprise",
            "code",
            "name_zh",
            "instrument_type",
            "range_min",
            "range_max",
            "range_unit",
            "accuracy_class",
            "calibration_status",
            "installed_on",
            "retired_on",
        ]


@router.get("/instruments", response=list[InstrumentOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_instruments(request: HttpRequest, active_only: bool = False) -> QuerySet[Instrument]:
    """Instruments the caller sees (``active_only``: not retired)."""
    return queries.instruments(actor_of(request), active_only=active_only).order_by("id")


@router.get("/instruments/{instrument_id}", response=InstrumentOut)
@api_requires(Action.VIEW)
def get_instrument(request: HttpRequest, instrument_id: int) -> Instrument:
    """One visible instrument."""
    return queries.instrument(actor_of(request), instrument_id)
