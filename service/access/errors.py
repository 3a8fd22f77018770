"""The access errors, in the service's one error type."""

from __future__ import annotations

from ..errors import LingosumError


def unauthorized(message: str) -> LingosumError:
    """401: no credential, or one that is unknown, revoked or expired."""
    return LingosumError("unauthorized", message, 401, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str) -> LingosumError:
    """403: a token or a non-admin key asking for what it may not."""
    return LingosumError("forbidden", message, 403)


def origin_not_allowed(message: str) -> LingosumError:
    return LingosumError("origin_not_allowed", message, 403)
