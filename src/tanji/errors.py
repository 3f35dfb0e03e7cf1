"""The error convention shared by every layer.

Pure code raises :class:`CodedError` subclasses carrying a stable ``code`` and the parameters of
the message; the interfaces translate them (Chinese by default, English available) instead of
parsing English text. ``str(error)`` is a precise English message for logs and the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CodedError(ValueError):
    """An error with a stable machine-readable code and message parameters.

    Args:
        code: dotted, stable identifier such as ``"hj212.crc_mismatch"``.
        message: English message template, formatted with ``params`` (``str.format`` style).
        **params: the values the message names (field, row, expected unit …).
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        self.code = code
        self.template = message
        self.params: Mapping[str, Any] = params
        super().__init__(message.format(**params) if params else message)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for APIs and ``--json`` outputs."""
        return {"code": self.code, "message": str(self), "params": dict(self.params)}
