"""Evidence rows: envelopes, log nodes, checkpoints, devices, keys, codes and quarantine.

Envelope bytes are stored exactly as received (``body``) with their SHA-256, so every sample
(``timeseries_sample.evidence_id`` → :class:`RawEnvelope`) can be re-derived and every log leaf
recomputed by ``tanji audit``. Log nodes are append-only rows keyed by (level, index), the
layout :class:`tanji.trust.merkle.NodeStore` asks for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.evidence.choices import ChannelChoices, DeviceKindChoices, TrustLevelChoices
from tanji.tenancy.models import TenantQuerySet


class Device(models.Model):
    """A terminal or HJ 212 data logger of one enterprise (its id is the MN for HJ 212)."""

    enterprise = models.ForeignKey(
        "tenancy.Enterprise", models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    device_id = models.CharField(_("device id"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DeviceKindChoices.choices)
    password_digest = models.CharField(_("password digest"), max_length=128, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"))
    config_version = models.IntegerField(_("configuration version"), default=1)
    active = models.BooleanField(_("active"), default=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    last_health = models.JSONField(_("last health report"), default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("device")

    def __str__(self) -> str:
        return self.device_id


class TerminalKey(models.Model):
    """A public key enrolled for a device; revoked or rotated keys stay for verification."""

    device = models.ForeignKey(Device, models.PROTECT, related_name="keys")
    key_id = models.CharField(_("key id"), max_length=128, unique=True)
    suite = models.CharField(_("suite"), max_length=32)
    public_key_pem = models.TextField(_("public key (PEM)"))
    enrolled_at = models.DateTimeField(_("enrolled at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    rotated_to = models.CharField(_("rotated to"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("terminal key")


class EnrolmentCode(models.Model):
    """A one-time enrolment code, stored as its SHA-256 only."""

    device = models.ForeignKey(Device, models.CASCADE, related_name="codes")
    digest = models.CharField(_("code digest"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment code")


class RawEnvelope(models.Model):
    """Input exactly as received, and the log leaf that commits to it."""

    enterprise = models.ForeignKey(
        "tenancy.Enterprise", models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    # No index of its own: the (device, seq) constraint's index leads with the device and serves
    # every look-up by device; a second one cost each envelope insert a page write (ADR 0259).
    device = models.ForeignKey(
        Device, models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ChannelChoices.choices)
    trust_level = models.CharField(
        _("trust level"), max_length=16, choices=TrustLevelChoices.choices
    )
    body = models.BinaryField(_("bytes as received"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    seq = models.BigIntegerField(_("sequence number"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    log_index = models.BigIntegerField(_("log index"), unique=True)
    sample_count = models.IntegerField(_("samples"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("raw envelope")
        constraints = [
            models.UniqueConstraint(fields=["device", "seq"], name="envelope_seq_per_device"),
        ]
        indexes = [models.Index(fields=["sha256"], name="envelope_sha256")]


class LogNode(models.Model):
    """A complete-subtree hash of the transparency log (level 0: the leaves)."""

    pk = models.CompositePrimaryKey("level", "index")
    level = models.SmallIntegerField(_("level"))
    index = models.BigIntegerField(_("index"))
    digest = models.BinaryField(_("digest"))

    class Meta:
        verbose_name = _("log node")


class SignedCheckpoint(models.Model):
    """A checkpoint note the platform signed (size, root, signature lines)."""

    size = models.BigIntegerField(_("tree size"))
    root_hash = models.BinaryField(_("root hash"))
    note = models.TextField(_("signed note"))
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("checkpoint")


class WitnessCosignature(models.Model):
    """A checkpoint as the provincial witness cosigned it (the note with its cosignature line).

    The witness keeps the largest checkpoint it cosigned as its view of the log, and cosigns a
    newer one only with a consistency proof from it (C2SP tlog-witness), so a rewritten log
    cannot be cosigned again (ADR 0182).
    """

    checkpoint = models.ForeignKey(
        SignedCheckpoint, models.PROTECT, related_name="cosignatures", verbose_name=_("checkpoint")
    )
    witness = models.CharField(_("witness name"), max_length=128)
    size = models.BigIntegerField(_("tree size"))
    note = models.TextField(_("cosigned note"))
    cosigned_at = models.DateTimeField(_("cosigned at"))

    class Meta:
        verbose_name = _("witness cosignature")
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="one_cosignature"),
        ]


class QuarantineEntry(models.Model):
    """Refused input, kept with its reason so operators can see what was rejected and why."""

    enterprise = models.ForeignKey(
        "tenancy.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    device_id = models.CharField(_("claimed device"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=ChannelChoices.choices)
    reason = models.CharField(_("reason code"), max_length=64)
    params = models.JSONField(_("reason parameters"), default=dict)
    body = models.BinaryField(_("bytes as received"))
    received_at = models.DateTimeField(_("received at"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarantined input")
        indexes = [models.Index(fields=["reason"], name="quarantine_reason")]


class TerminalCommand(models.Model):
    """A platform-signed command for a terminal, served until it is old (uplink contract)."""

    device = models.ForeignKey(Device, models.CASCADE, related_name="commands")
    seq = models.IntegerField(_("sequence number"))
    command = models.CharField(_("command"), max_length=32)
    envelope = models.BinaryField(_("signed envelope"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("terminal command")
        constraints = [
            models.UniqueConstraint(fields=["device", "seq"], name="command_seq_per_device"),
        ]


class SignedEntry(models.Model):
    """A record a person signed with their own key: which key, its nonce, the rows it made.

    The envelope row holds the DSSE bytes as received; this row makes a replay visible (one
    nonce per user) and names the lab analysis the submission created, so ``tanji audit`` can
    compare the signed payload with the stored rows (ADR 0231).
    """

    envelope = models.OneToOneField(
        RawEnvelope, models.PROTECT, related_name="signed_entry", verbose_name=_("envelope")
    )
    key = models.ForeignKey(
        "tenancy.UserKey", models.PROTECT, related_name="+", verbose_name=_("signing key")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    nonce = models.CharField(_("nonce"), max_length=64)
    analysis_id = models.BigIntegerField(_("lab analysis"), null=True, blank=True)

    class Meta:
        verbose_name = _("user-signed entry")
        constraints = [
            models.UniqueConstraint(fields=["user", "nonce"], name="signed_entry_nonce_per_user"),
        ]
