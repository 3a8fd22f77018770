"""Browser tokens: short-lived, bound to one origin, signed by the server.

A token is `lst_<claims>.<signature>`: the claims (the parent key's id, the origin, the
expiry) in base64url JSON, and an HMAC-SHA256 of them with a secret kept in the data folder
(mode 0600). Nothing is stored per token; a token dies with its parent key because the key's
id is looked up on every use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import unauthorized

TOKEN_PREFIX = "lst_"
MAX_TTL_S = 900
SECRET_FILE = "token-signing.key"


@dataclass(frozen=True)
class TokenClaims:
    key_id: str
    origin: str
    expires_at: int


class TokenSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> TokenSigner:
        """The server's signing secret, made on first use (owner-only) and kept across restarts."""
        path = data_dir / SECRET_FILE
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls(path.read_bytes())
        with os.fdopen(fd, "wb") as file:
            secret = secrets.token_bytes(32)
            file.write(secret)
        return cls(secret)

    def issue(self, claims: TokenClaims) -> str:
        body = _b64(
            json.dumps(
                {"k": claims.key_id, "o": claims.origin, "e": claims.expires_at},
                separators=(",", ":"),
            ).encode()
        )
        return f"{TOKEN_PREFIX}{body}.{_b64(self._sign(body))}"

    def verify(self, token: str, now: float) -> TokenClaims:
        """The claims of a genuine, unexpired token; 401 `unauthorized` otherwise."""
        body, _, signature = token.removeprefix(TOKEN_PREFIX).partition(".")
        try:
            genuine = hmac.compare_digest(_unb64(signature), self._sign(body))
            data = json.loads(_unb64(body)) if genuine else None
            claims = TokenClaims(str(data["k"]), str(data["o"]), int(data["e"])) if data else None
        except (ValueError, KeyError, TypeError):
            claims = None
        if claims is None:
            raise unauthorized("The token is not one this server issued.")
        if claims.expires_at <= now:
            raise unauthorized("The token has expired; ask the back end for a new one.")
        return claims

    def _sign(self, body: str) -> bytes:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
