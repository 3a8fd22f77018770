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


class StorageUnavailable(LingosumError):
    """The database refused a write (disk full, locked, unreachable); nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            "storage_unavailable",
            "The server cannot write its data store right now (full, locked or unreachable); "
            "nothing was saved. Retry later.",
            status=503,
            retry_after=30,
        )


class ShuttingDown(LingosumError):
    def __init__(self) -> None:
        super().__init__(
            "shutting_down",
            "The server is shutting down; retry on another replica or after it restarts.",
            status=503,
            retry_after=5,
        )
