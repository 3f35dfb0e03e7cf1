"""Choice lists of the evidence app: intake channels, trust levels, device kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelChoices(models.TextChoices):
    """How input reached the platform (R6.1, R6.2)."""

    HTTPS = "https", _("HTTPS")
    MQTT = "mqtt", _("MQTT")
    HJ212 = "hj212", _("HJ 212")
    MANUAL = "manual", _("Manual entry")
    FILE = "file", _("File import")
    DOCUMENT = "document", _("Document hash")
    RECORD = "record", _("Platform record")


class TrustLevelChoices(models.TextChoices):
    """Whether the source signed the data (R4.2.1) or only authenticated the session.

    Highest first: a terminal's or a person's own key (``signed``, ``user_signed``), then the
    platform's attestation of a signed-in user, then nothing (ADR 0210, 0231).
    """

    SIGNED = "signed", _("Signed at source")
    USER_SIGNED = "user_signed", _("Signed with the user's own key")
    SESSION_ATTESTED = "session_attested", _("Attested by the platform for a signed-in user")
    UNSIGNED = "unsigned", _("Unsigned")


class DeviceKindChoices(models.TextChoices):
    """A tanji terminal signs its batches; an HJ 212 data logger only knows a password."""

    TERMINAL = "terminal", _("tanji terminal")
    HJ212 = "hj212", _("HJ 212 data logger")
