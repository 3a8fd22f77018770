"""The access decisions of one server: who is calling, may they, and what they used.

The gate keeps a snapshot of the key table and reads it again when it is older than
`refresh_s`, so keys the CLI creates or revokes take effect within seconds, with no restart.
Every method is blocking (SQLite); the API calls them in a thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..checks.glossary import Glossary
from ..errors import LingosumError
from ..settings import Settings
from .errors import forbidden, origin_not_allowed, unauthorized
from .keys import ANONYMOUS, ENV_KEY, KeyRecord, Limits, digest, matches, normalize_origin
from .limits import DAY_S, Decision, day_of, decide
from .policy import AuthMode, keys_required
from .store import AccessStore, UsageRow, open_access_store
from .tokens import MAX_TTL_S, TOKEN_PREFIX, TokenClaims, TokenSigner

Clock = Callable[[], float]
ALL_KEYS = "*"


@dataclass(frozen=True)
class Caller:
    """Who a request comes from: a key, a browser token of a key, or nobody (keys optional)."""

    name: str
    key: KeyRecord | None = None
    token_origin: str | None = None  # set when the credential is a browser token

    @property
    def via_token(self) -> bool:
        return self.token_origin is not None

    @property
    def admin(self) -> bool:
        return self.key is not None and self.key.admin and not self.via_token

    @property
    def limits(self) -> Limits:
        return self.key.limits if self.key is not None else Limits()

    @property
    def glossary(self) -> Glossary:
        return self.key.glossary if self.key is not None else ()

    @property
    def owner(self) -> str:
        """Whose stories a request's documents are: the key's name, or "" without a key."""
        return self.name if self.key is not None else ""


@dataclass(frozen=True)
class _KeyRing:
    """The live keys, by digest and by id, and every origin they register."""

    by_digest: dict[str, KeyRecord] = field(default_factory=dict)
    by_id: dict[str, KeyRecord] = field(default_factory=dict)
    origins: frozenset[str] = frozenset()
    loaded_at: float = float("-inf")

    @classmethod
    def of(cls, records: list[KeyRecord], loaded_at: float) -> _KeyRing:
        live = [record for record in records if record.live]
        return cls(
            {r.digest: r for r in live},
            {r.id: r for r in live},
            frozenset(origin for r in live for origin in r.origins),
            loaded_at,
        )


class Gate:
    def __init__(
        self,
        store: AccessStore,
        signer: TokenSigner,
        mode: AuthMode = "auto",
        host: str = "127.0.0.1",
        env_secret: str | None = None,
        clock: Clock = time.time,
        refresh_s: float = 2.0,
    ) -> None:
        self.store = store
        self._signer = signer
        self._mode = mode
        self._host = host
        self._env_key = (
            KeyRecord(ENV_KEY, digest(env_secret), admin=True, id=ENV_KEY) if env_secret else None
        )
        self._clock = clock
        self._refresh_s = refresh_s
        self._ring = _KeyRing()
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, clock: Clock = time.time) -> Gate:
        env = settings.api_key.get_secret_value() if settings.api_key else None
        store = open_access_store(settings)
        return cls(
            store,
            TokenSigner.from_store(store, settings.data_dir),
            settings.auth,
            settings.host,
            env,
            clock,
        )

    def close(self) -> None:
        self.store.close()

    # Who is calling.

    @property
    def required(self) -> bool:
        return keys_required(self._mode, self._host, bool(self._keys().by_digest))

    def origins(self) -> frozenset[str]:
        """Origins a browser may call from: those registered on live keys."""
        return self._keys().origins

    def authenticate(
        self, credential: str | None, origin: str | None, same_origin: bool = False
    ) -> Caller:
        """The caller of a request with this bearer credential and `Origin` header."""
        caller = self.identify(credential)
        self.check_origin(caller, origin, same_origin)
        return caller

    def identify(self, credential: str | None) -> Caller:
        """Whose credential this is: 401 for none where one is required, or a bad one.

        A credential that is given is always checked, even where keys are optional; with
        LINGOSUM_AUTH=off none is.
        """
        if self._mode == "off":
            return Caller(ANONYMOUS)
        if not credential:
            if self.required:
                raise unauthorized("An API key is required: send Authorization: Bearer <key>.")
            return Caller(ANONYMOUS)
        if credential.startswith(TOKEN_PREFIX):
            claims = self._signer.verify(credential, self._clock())
            record = self._keys().by_id.get(claims.key_id)
            if record is None:
                raise unauthorized("The token's key was revoked.")
            return Caller(record.name, record, claims.origin)
        record = self._keys().by_digest.get(digest(credential))
        if record is None or not matches(credential, record):
            raise unauthorized("The API key is unknown or revoked.")
        return Caller(record.name, record)

    @staticmethod
    def check_origin(caller: Caller, origin: str | None, same_origin: bool = False) -> None:
        """403 unless the page calling may: a token only from the origin it was issued for,
        a key from a foreign page only if it registered that page's origin."""
        if caller.token_origin is not None:
            if origin is None or _origin(origin) != caller.token_origin:
                raise origin_not_allowed(f"This token works only from {caller.token_origin}.")
            return
        if caller.key is None or not origin or same_origin:
            return
        if _origin(origin) not in caller.key.origins:
            raise origin_not_allowed(f"Key {caller.name!r} is not registered for {origin}.")

    # Quotas and usage.

    def admit(
        self, caller: Caller, chars: int = 0, *, job: bool = False, open_jobs: int = 0
    ) -> Decision:
        """Charge one request and its text if the caller's quotas allow; nothing otherwise."""
        now = self._clock()
        limits = caller.limits
        return self.store.admit(
            caller.name,
            now,
            day_of(now),
            chars,
            lambda counts: decide(limits, counts, now, chars, job),
            open_jobs=open_jobs,
            keep_time=limits.rpm is not None,
        )

    def peek(self, caller: Caller) -> Decision:
        """Where the caller's quotas stand, charging nothing (for the headers of a request
        refused before it is charged)."""
        now = self._clock()
        limits = caller.limits
        return self.store.admit(
            caller.name, now, day_of(now), 0, lambda c: decide(limits, c, now), charge=False
        )

    def refund(self, caller: Caller, chars: int) -> None:
        if chars:
            self.store.refund(caller.name, day_of(self._clock()), chars)

    def record_work(self, name: str, model_seconds: float, tokens: int) -> None:
        """Model time and tokens spent for a key (by name: a job's owner may be gone)."""
        if model_seconds or tokens:
            self.store.add_work(name, day_of(self._clock()), model_seconds * 1000, tokens)

    def usage(self, caller: Caller, days: int, key: str | None = None) -> list[UsageRow]:
        """The caller's usage over the last `days` UTC days; an admin's for any key or all."""
        wanted = key or caller.name
        if wanted != caller.name and not caller.admin:
            raise forbidden("Only an admin key may read another key's usage.")
        since = day_of(self._clock() - (days - 1) * DAY_S)
        return self.store.usage(None if wanted == ALL_KEYS else wanted, since)

    # Browser tokens.

    def issue_token(self, caller: Caller, origin: str, ttl_s: int) -> tuple[str, TokenClaims]:
        """A token for the caller's key, bound to `origin`, living `ttl_s` (at most 15 min)."""
        if caller.key is None:
            raise unauthorized("A browser token is issued to an API key: send one.")
        if caller.via_token:
            raise forbidden("A browser token cannot create tokens.")
        wanted = normalize_origin(origin)
        if wanted not in caller.key.origins:
            raise origin_not_allowed(
                f"{wanted} is not registered on key {caller.name!r} "
                f"(lingosum keys create {caller.name} --origin {wanted})."
            )
        claims = TokenClaims(
            caller.key.id, wanted, int(self._clock()) + max(1, min(ttl_s, MAX_TTL_S))
        )
        return self._signer.issue(claims), claims

    # Internals.

    def _keys(self) -> _KeyRing:
        now = self._clock()
        with self._lock:
            if now - self._ring.loaded_at >= self._refresh_s or now < self._ring.loaded_at:
                records = self.store.list_keys()
                if self._env_key is not None:
                    records.append(self._env_key)
                self._ring = _KeyRing.of(records, now)
            return self._ring


def _origin(origin: str) -> str:
    try:
        return normalize_origin(origin)
    except LingosumError:
        return origin  # matches nothing registered, which is normalized
