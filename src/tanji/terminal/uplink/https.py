"""HTTPS uplink: ``POST /api/v1/ingest/batches`` with the envelope, receipt in the response.

Standard library only (``urllib``), so the terminal's dependency set stays small. The platform
answers ``200`` (accepted or duplicate) with a receipt envelope as the body only after its
database commit and log append (docs/reference/terminal-uplink.md). ``4xx`` means it refused the
envelope (reported, kept queued); anything else is a transient failure for the back-off.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tanji.terminal.uplink.base import UplinkError, UplinkRefused

BATCHES_PATH = "/api/v1/ingest/batches"
HEARTBEATS_PATH = "/api/v1/ingest/heartbeats"
CONFIG_PATH = "/api/v1/terminals/{device}/config"
COMMANDS_PATH = "/api/v1/terminals/{device}/commands"
ENROL_PATH = "/api/v1/terminals/enrol"
CONTENT_TYPE = "application/vnd.dsse.envelope.v1+json"


def config_etag(version: int) -> str:
    """The entity tag of configuration ``version`` (the platform's ``ETag``)."""
    return f'"config-{version}"'


@dataclass(frozen=True)
class HttpsConfig:
    """Where and how to reach the platform.

    Attributes:
        base_url: e.g. ``https://carbon.example.gov.cn`` (``http://`` only for loopback tests).
        device: device id, sent as ``X-Tanji-Device`` for routing and logs.
        ca_file: CA bundle pinning the platform's TLS certificate chain (system store if None).
        timeout_s: per-request timeout.
    """

    base_url: str
    device: str
    ca_file: Path | None = None
    timeout_s: float = 15.0


class HttpsUplink:
    """One request per envelope (the platform's receipt is per envelope too)."""

    def __init__(self, config: HttpsConfig) -> None:
        self.config = config
        self._context = ssl.create_default_context(
            cafile=str(config.ca_file) if config.ca_file else None
        )
        self._receipts: list[bytes] = []

    def _post(self, path: str, body: bytes, content_type: str = CONTENT_TYPE) -> bytes:
        return self.request("POST", path, body, content_type)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = CONTENT_TYPE,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        """One request to the platform; the response body (``b""`` for ``304``) or an error."""
        request = urllib.request.Request(
            self.config.base_url.rstrip("/") + path,
            data=body,
            method=method,
            headers={"Content-Type": content_type, "X-Tanji-Device": self.config.device}
            | (headers or {}),
        )
        if not request.full_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise UplinkRefused(
                "uplink.https.scheme", "refusing to send over {url}", url=request.full_url
            )
        try:
            with urllib.request.urlopen(
                request, timeout=self.config.timeout_s, context=self._context
            ) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            if exc.code == 304:  # Not Modified: what the request's validator already names
                return b""
            detail = exc.read()[:500].decode("utf-8", "replace")
            kind = UplinkRefused if 400 <= exc.code < 500 and exc.code != 429 else UplinkError
            raise kind(
                "uplink.https.status",
                "platform answered {status}: {detail}",
                status=exc.code,
                detail=detail,
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise UplinkError(
                "uplink.https.network", "cannot reach the platform: {error}", error=str(exc)
            ) from None

    def submit(self, seq: int, envelope: bytes) -> None:
        """POST the envelope; keep the receipt the platform returns."""
        receipt = self._post(BATCHES_PATH, envelope)
        if receipt:
            self._receipts.append(receipt)

    def receipts(self) -> list[bytes]:
        """Receipts returned by completed requests."""
        out, self._receipts = self._receipts, []
        return out

    def heartbeat(self, document: bytes) -> None:
        """POST a health report."""
        self._post(HEARTBEATS_PATH, document)

    def commands(self) -> list[bytes]:
        """Poll for pending commands: a JSON array of DSSE envelope objects.

        Each is re-serialised on its own; the DSSE signature covers the PAE of the payload,
        not the JSON text, so this is safe.
        """
        body = self.request("GET", COMMANDS_PATH.format(device=self.config.device))
        try:
            items = json.loads(body or b"[]")
        except ValueError:
            raise UplinkError("uplink.https.commands", "command list is not JSON") from None
        if not isinstance(items, list):
            raise UplinkError("uplink.https.commands", "command list must be a JSON array")
        return [json.dumps(item).encode() for item in items]

    def fetch_config(self, running: int | None = None) -> bytes:
        """The platform-signed configuration envelope of this device.

        With ``running`` (the version in use) the platform answers ``304`` and this ``b""``
        while it has no other version: a poll at every heartbeat costs one small exchange.
        """
        validator = {} if running is None else {"If-None-Match": config_etag(running)}
        path = CONFIG_PATH.format(device=self.config.device)
        return self.request("GET", path, headers=validator)

    def close(self) -> None:
        """Connections are not kept between requests."""
