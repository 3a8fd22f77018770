"""The one error type the service raises on purpose; the API turns it into a JSON body."""

from __future__ import annotations

from collections.abc import Mapping


class LingosumError(Exception):
    """An error with a stable machine-readable code, a safe message and an HTTP status."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.headers = dict(headers or {})  # e.g. WWW-Authenticate on a 401


class ModelNotAvailable(LingosumError):
    """A configured model is missing on disk; the message says how to get it."""

    def __init__(self, message: str) -> None:
        super().__init__("model_not_available", message, status=503)
