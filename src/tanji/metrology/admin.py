"""Django admin registrations of the metrology app (operators' back office)."""

from django.contrib import admin

from tanji.metrology.models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """The instrument ledger."""

    list_display = (
        "code",
        "name_zh",
        "instrument_type",
        "accuracy_class",
        "calibration_status",
        "responsible",
        "enterprise",
    )
    list_filter = ("instrument_type", "accuracy_class", "calibration_status")
    search_fields = ("code", "name_zh", "serial_number")
    filter_horizontal = ("tags",)
