"""Where keys and usage live: `access.sqlite3` in the data folder, beside the jobs database,
or the shared PostgreSQL database of every replica (LINGOSUM_DATABASE_URL).

Everything the access model persists goes through this one class. It holds no clock and no
policy: callers pass the time, and `admit` takes the decision function, reading the counts and
charging the request in one transaction under a lock on the key's name, so two requests (on
any replicas) never both take the last unit of a quota.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks.glossary import Glossary, GlossaryEntry
from ..errors import LingosumError
from ..settings import Settings
from ..store import Database, Sealer, Transaction, open_database
from ..store.migrations import ACCESS
from .keys import KeyRecord, Limits
from .limits import WINDOW_S, Counts, Decision


@dataclass(frozen=True)
class UsageRow:
    key: str
    day: str
    requests: int
    chars: int
    model_ms: float
    tokens: int


class AccessStore:
    """Thread-safe; callers on the event loop use a thread."""

    FILE = "access.sqlite3"

    def __init__(self, database: Database) -> None:
        self.database = database
        self._transaction = database.transaction

    @classmethod
    def open(
        cls, data_dir: Path, url: str | None = None, secret_key: str | None = None
    ) -> AccessStore:
        """The store at `url` (LINGOSUM_DATABASE_URL), by default a file in `data_dir`; server
        secrets are sealed with `secret_key` (LINGOSUM_SECRET_KEY) or data_dir's key file."""
        sealer = Sealer.load(data_dir, secret_key)
        # Per-request counters: SQLite need not fsync each one.
        return cls(
            open_database(url, data_dir / cls.FILE, "access", ACCESS, "NORMAL", sealer=sealer)
        )

    def close(self) -> None:
        self.database.close()

    # Keys.

    def add_key(self, record: KeyRecord) -> None:
        """A new key; a revoked key's name may be taken again (its old tokens stay dead)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT revoked_at FROM api_keys WHERE name = ?", (record.name,)
            ).fetchone()
            if row is not None and row[0] is None:
                raise LingosumError(
                    "key_exists", f"A key named {record.name!r} already exists.", status=409
                )
            db.execute(
                "INSERT INTO api_keys (name, id, digest, rpm, chars_per_day, max_jobs, origins,"
                " admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO"
                " UPDATE SET id = excluded.id, digest = excluded.digest, rpm = excluded.rpm,"
                " chars_per_day = excluded.chars_per_day, max_jobs = excluded.max_jobs,"
                " origins = excluded.origins, admin = excluded.admin,"
                " created_at = excluded.created_at, revoked_at = NULL, last_used_at = NULL,"
                " glossary = '[]'",
                (
                    record.name,
                    record.id,
                    record.digest,
                    record.limits.rpm,
                    record.limits.chars_per_day,
                    record.limits.max_jobs,
                    json.dumps(list(record.origins)),
                    int(record.admin),
                    record.created_at,
                ),
            )

    def list_keys(self) -> list[KeyRecord]:
        """Every key, revoked ones included, by name."""
        with self._transaction() as db:
            rows = db.execute("SELECT * FROM api_keys ORDER BY name").fetchall()
        return [_key(row) for row in rows]

    def revoke(self, name: str, at: float) -> bool:
        """False when there is no live key of that name."""
        with self._transaction() as db:
            return bool(
                db.execute(
                    "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                    (at, name),
                ).rowcount
            )

    def set_glossary(self, name: str, glossary: Glossary) -> bool:
        """Replace the glossary of the live key `name`; False when there is none."""
        entries = json.dumps([entry.to_json() for entry in glossary], ensure_ascii=False)
        with self._transaction() as db:
            return bool(
                db.execute(
                    "UPDATE api_keys SET glossary = ? WHERE name = ? AND revoked_at IS NULL",
                    (entries, name),
                ).rowcount
            )

    # Quotas and usage.

    def admit(
        self,
        name: str,
        now: float,
        day: str,
        chars: int,
        decide: Callable[[Counts], Decision],
        *,
        open_jobs: int = 0,
        keep_time: bool = True,
        charge: bool = True,
    ) -> Decision:
        """Read the key's counts, ask `decide`, and charge the request if it is allowed.

        `keep_time` records the request's time for the per-minute window (keys without a
        per-minute limit need not); `charge=False` only asks.
        """
        with self._transaction() as db:
            self.database.lock(db, f"key:{name}")  # replicas charging one key take turns
            db.execute(
                "DELETE FROM key_requests WHERE key_name = ? AND at <= ?", (name, now - WINDOW_S)
            )
            recent = db.execute(
                "SELECT at FROM key_requests WHERE key_name = ? ORDER BY at", (name,)
            ).fetchall()
            used = db.execute(
                "SELECT chars FROM key_usage WHERE key_name = ? AND day = ?", (name, day)
            ).fetchone()
            counts = Counts(tuple(r[0] for r in recent), int(used[0]) if used else 0, open_jobs)
            decision = decide(counts)
            if not decision.allowed or not charge:
                return decision
            if keep_time:
                db.execute("INSERT INTO key_requests (key_name, at) VALUES (?, ?)", (name, now))
            self._add_usage(db, name, day, requests=1, chars=chars)
            db.execute("UPDATE api_keys SET last_used_at = ? WHERE name = ?", (now, name))
            return decision

    def refund(self, name: str, day: str, chars: int) -> None:
        """Give back characters charged for text that was never run (the server refused it)."""
        with self._transaction() as db:
            self._add_usage(db, name, day, chars=-chars)

    def add_work(self, name: str, day: str, model_ms: float, tokens: int) -> None:
        with self._transaction() as db:
            self._add_usage(db, name, day, model_ms=model_ms, tokens=tokens)

    def usage(self, name: str | None, since_day: str) -> list[UsageRow]:
        """Usage per key and day from `since_day` on; every key's when `name` is None."""
        query = "SELECT * FROM key_usage WHERE day >= ?"
        params: tuple[str, ...] = (since_day,)
        if name is not None:
            query += " AND key_name = ?"
            params += (name,)
        with self._transaction() as db:
            rows = db.execute(query + " ORDER BY day, key_name", params).fetchall()
        return [
            UsageRow(r["key_name"], r["day"], r["requests"], r["chars"], r["model_ms"], r["tokens"])
            for r in rows
        ]

    # Secrets every replica shares.

    def secret(self, name: str, adopt: bytes | None = None) -> bytes:
        """The server secret `name`, made on first use (from `adopt` if given: a secret kept
        elsewhere before) and the same for every process on this database. It is stored
        sealed; LingosumError `secret_key_mismatch` if another key sealed it."""
        sealer = self.database.sealer
        assert sealer is not None  # set by `open`
        proposed = sealer.seal((adopt or secrets.token_bytes(32)).hex())
        with self._transaction() as db:
            db.execute(
                "INSERT INTO server_secrets (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO NOTHING",
                (name, proposed),
            )
            row = db.execute("SELECT value FROM server_secrets WHERE name = ?", (name,)).fetchone()
        return bytes.fromhex(sealer.unseal(row[0]))

    # Internals.

    @staticmethod
    def _add_usage(
        db: Transaction,
        name: str,
        day: str,
        *,
        requests: int = 0,
        chars: int = 0,
        model_ms: float = 0.0,
        tokens: int = 0,
    ) -> None:
        db.execute(
            "INSERT INTO key_usage (key_name, day, requests, chars, model_ms, tokens)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key_name, day) DO UPDATE SET"
            " requests = key_usage.requests + excluded.requests,"
            " chars = CASE WHEN key_usage.chars + excluded.chars < 0 THEN 0"
            " ELSE key_usage.chars + excluded.chars END,"
            " model_ms = key_usage.model_ms + excluded.model_ms,"
            " tokens = key_usage.tokens + excluded.tokens",
            (name, day, requests, chars, model_ms, tokens),
        )


def open_access_store(settings: Settings) -> AccessStore:
    """The settings' access store, its server secrets sealed with the settings' key."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    return AccessStore.open(settings.data_dir, settings.database, key)


def _key(row: Any) -> KeyRecord:
    return KeyRecord(
        name=row["name"],
        digest=row["digest"],
        limits=Limits(row["rpm"], row["chars_per_day"], row["max_jobs"]),
        origins=tuple(json.loads(row["origins"])),
        admin=bool(row["admin"]),
        id=row["id"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        glossary=tuple(GlossaryEntry.from_json(e) for e in json.loads(row["glossary"])),
    )
