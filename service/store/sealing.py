"""Secrets kept at rest (webhook secrets) are encrypted with Fernet (AES-128-CBC + HMAC-SHA256).

The key is LINGOSUM_SECRET_KEY (any string of 32 or more characters, hashed to the key) or,
without it, 32 random bytes made on first start in `data_dir/secret.key`, readable by the
owner only. A sealed value is text that starts with `sealed:v1:`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from ..errors import LingosumError

KEY_FILE = "secret.key"
_PREFIX = "sealed:v1:"


class Sealer:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    @classmethod
    def from_secret(cls, secret: str) -> Sealer:
        return cls(hashlib.sha256(secret.encode()).digest())

    @classmethod
    def load(cls, data_dir: Path, secret: str | None = None) -> Sealer:
        """The given secret's sealer, or the key file's (made now if there is none)."""
        if secret is not None:
            return cls.from_secret(secret)
        path = data_dir / KEY_FILE
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass
        else:  # first start: processes sharing data_dir all read the one that won
            with os.fdopen(descriptor, "w") as file:
                file.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        key = base64.urlsafe_b64decode(path.read_text().strip())
        if len(key) != 32:
            raise LingosumError(
                "invalid_secret_key", f"{path} does not hold a 32-byte key.", status=500
            )
        return cls(key)

    def seal(self, text: str) -> str:
        return _PREFIX + self._fernet.encrypt(text.encode()).decode()

    def unseal(self, stored: str) -> str:
        """The text of a sealed value; LingosumError if another key sealed it."""
        if not is_sealed(stored):
            raise ValueError("not a sealed value")
        try:
            return self._fernet.decrypt(stored.removeprefix(_PREFIX)).decode()
        except InvalidToken:
            raise LingosumError(
                "secret_key_mismatch",
                "A stored secret was sealed with another key: give every process the same "
                "LINGOSUM_SECRET_KEY or data_dir.",
                status=500,
            ) from None


def is_sealed(stored: str) -> bool:
    return stored.startswith(_PREFIX)
