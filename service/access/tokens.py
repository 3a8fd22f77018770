"""Browser tokens: short-lived, bound to one origin, signed by the server.

A token is `lst_<claims>.<signature>`: the claims (the parent key's id, the origin, the
expiry) in base64url JSON, and an HMAC-SHA256 of them with a secret kept (sealed) in the
access store, so every replica on one database signs and checks alike. Nothing is stored per
token; a token dies with its parent key because the key's id is looked up on every use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import unauthorized
from .store import AccessStore

TOKEN_PREFIX = "lst_"
MAX_TTL_S = 900
SECRET_NAME = "token-signing"
LEGACY_SECRET_FILE = "token-signing.key"  # where the secret was kept before the access store


@dataclass(frozen=True)
class TokenClaims:
    key_id: str
    origin: str
    expires_at: int


class TokenSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def from_store(cls, store: AccessStore, data_dir: Path) -> TokenSigner:
        """The store's signing secret, made on first use; a data folder's older secret file
        is adopted (and then removed: the store keeps it sealed), so tokens issued before the
        upgrade stay valid."""
        legacy = data_dir / LEGACY_SECRET_FILE
        signer = cls(store.secret(SECRET_NAME, legacy.read_bytes() if legacy.is_file() else None))
        legacy.unlink(missing_ok=True)
        return signer

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
