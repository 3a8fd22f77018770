"""API keys: their records, how secrets are made, and how they are recognized.

A secret is `lsk_` and 43 URL-safe characters (32 random bytes, 256 bits). Only its SHA-256
digest is stored: a fast digest is right for a secret with that much randomness (nobody can
guess their way to a preimage), and a slow password hash would cost every request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..checks.glossary import Glossary
from ..errors import LingosumError

SECRET_PREFIX = "lsk_"
SECRET_BYTES = 32
ANONYMOUS = "anonymous"  # usage and metrics of callers without a key, where keys are optional
ENV_KEY = "env"  # the admin key that LINGOSUM_API_KEY adds at start
RESERVED_NAMES = frozenset({ANONYMOUS, ENV_KEY})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Limits:
    """A key's quotas; None means no limit."""

    rpm: int | None = None
    chars_per_day: int | None = None
    max_jobs: int | None = None


@dataclass(frozen=True)
class KeyRecord:
    name: str
    digest: str  # SHA-256 of the secret, hex
    limits: Limits = Limits()
    origins: tuple[str, ...] = ()
    admin: bool = False
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # tokens name their key by id
    created_at: float = 0.0
    revoked_at: float | None = None
    last_used_at: float | None = None
    glossary: Glossary = ()

    @property
    def live(self) -> bool:
        return self.revoked_at is None


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, record: KeyRecord) -> bool:
    """Constant-time comparison of a presented secret with a record's digest."""
    return hmac.compare_digest(digest(secret), record.digest)


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name in RESERVED_NAMES:
        raise LingosumError(
            "invalid_key_name",
            f"{name!r} is not a usable key name: use 1-64 letters, digits, '_', '.' or '-' "
            f"(not {', '.join(sorted(RESERVED_NAMES))}).",
            status=422,
        )
    return name


def normalize_origin(origin: str) -> str:
    """`https://CMS.example:443/` → `https://cms.example`; anything but an origin is refused."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LingosumError(
            "invalid_origin", f"{origin!r} is not an origin like https://cms.example.", 422
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise LingosumError(
            "invalid_origin", f"{origin!r} has more than scheme, host and port.", status=422
        )
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port not in (None, default_port) else ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host.lower()}{port}"
