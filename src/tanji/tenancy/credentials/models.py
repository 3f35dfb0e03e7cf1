"""Sign-in security records: failed sign-ins (lockout), API tokens, TOTP devices.

Kept beside the user model because each belongs to one user (or to a username that may not
exist); imported by :mod:`tanji.tenancy.models` so Django registers them with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInFailure(models.Model):
    """One failed sign-in: counted per username and per client address inside a window."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    username = models.CharField(_("username"), max_length=150, db_index=True)
    client_ip = models.GenericIPAddressField(_("client address"), db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username}@{self.client_ip}"


class ApiToken(models.Model):
    """A program's credential: only the SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class TotpDevice(models.Model):
    """A user's TOTP secret (RFC 6238); it protects sign-in once confirmed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="totp", verbose_name=_("user")
    )
    secret = models.CharField(_("secret"), max_length=64)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    last_step = models.BigIntegerField(_("last accepted time step"), default=0)

    class Meta:
        verbose_name = _("TOTP device")
        verbose_name_plural = _("TOTP devices")

    def __str__(self) -> str:
        return str(self.user_id)


class UserKey(models.Model):
    """A person's own public signing key (Ed25519 or SM2), registered for one enterprise.

    Lab results signed with it (DSSE) are ``user_signed``: the person, not the platform, holds
    the private key (ADR 0231). Revoked keys stay, so records they signed still verify for the
    time before the revocation.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="signing_keys",
        verbose_name=_("user"),
    )
    enterprise = models.ForeignKey(
        "tenancy.Enterprise", models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    label = models.CharField(_("label"), max_length=64)
    suite = models.CharField(_("suite"), max_length=32)
    key_id = models.CharField(_("key id"), max_length=128, unique=True)
    public_key_pem = models.TextField(_("public key (PEM)"))
    registered_at = models.DateTimeField(_("registered at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal signing key")
        verbose_name_plural = _("personal signing keys")
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.key_id[:12]}…)"
