"""Which terminal reads an instrument, through which driver, with which register map.

An :class:`Acquisition` joins the instrument ledger (the instrument and its tags) to a field
terminal (an enrolled :class:`~tanji.evidence.models.Device`): the terminal's signed
configuration is built from these rows (ADR 0160), so what a terminal reads is platform data,
audited like any other ledger change, and never a file edited on the box.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.plant.models.base import EnterpriseOwned


class DriverChoices(models.TextChoices):
    """The terminal drivers a platform configuration may name (``tanji.terminal.drivers``)."""

    MODBUS_TCP = "modbus_tcp", _("Modbus TCP")
    MODBUS_RTU = "modbus_rtu", _("Modbus RTU (serial)")
    HJ212_DAS = "hj212_das", _("HJ 212 listener for a data-acquisition system")
    LIMS_CSV = "lims_csv", _("laboratory export folder (CSV/xlsx)")


class Acquisition(EnterpriseOwned):
    """One instrument read by one terminal.

    Attributes:
        device: the terminal that reads it.
        instrument: the ledger instrument (read by one terminal at a time).
        driver: the terminal driver.
        connection: the driver's connection settings (host, port, unit id; serial line; HJ 212
            listener port and MN; LIMS folders and time column), see the configuration schema.
        points: per tag code of the instrument, where its value is (register address, data type,
            word order, scale …; HJ 212 ``factor``; LIMS ``column``).
        scan_s: default scan period of the instrument's points in seconds.
    """

    device = models.ForeignKey(
        "evidence.Device",
        models.PROTECT,
        related_name="acquisitions",
        verbose_name=_("terminal"),
    )
    instrument = models.OneToOneField(
        "metrology.Instrument",
        models.CASCADE,
        related_name="acquisition",
        verbose_name=_("instrument"),
    )
    driver = models.CharField(_("driver"), max_length=16, choices=DriverChoices.choices)
    connection = models.JSONField(_("connection settings"), default=dict, blank=True)
    points = models.JSONField(_("points by tag code"), default=dict)
    scan_s = models.PositiveIntegerField(_("scan period (s)"), default=60)

    class Meta:
        verbose_name = _("terminal acquisition")
        verbose_name_plural = _("terminal acquisitions")
        ordering = ["device_id", "instrument_id"]

    def __str__(self) -> str:
        return f"{self.device_id}:{self.instrument_id} {self.driver}"
