"""factory_boy factories of the metrology app."""

from __future__ import annotations

from datetime import date

import factory

from tanji.metrology.models import Instrument
from tests.tenancy.factories import EnterpriseFactory, UserFactory


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"INST-{n}")
    name_zh = "分解炉转子秤"
    instrument_type = "rotor_scale"
    maker = "Schenck Process"
    model = "DRW"
    serial_number = factory.Sequence(lambda n: f"SN{n:06d}")
    range_min = 0.0
    range_max = 25.0
    range_unit = "t/h"
    accuracy_class = "0.5"
    responsible = factory.SubFactory(UserFactory)
    calibration_status = "valid"
    installed_on = date(2021, 3, 15)
