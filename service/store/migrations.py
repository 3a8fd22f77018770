"""Every schema change, in order: the one place to add a table, a column or an index.

A migration is applied once per database, at start-up, and recorded in `schema_migrations`
(component, version). Its SQL runs unchanged on SQLite and PostgreSQL; the few changes that
must look before they leap are functions of the open transaction. To change the schema, append
a `Migration` with the next version to `JOBS` or `ACCESS`; never edit one already released.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .database import Database, Transaction
from .sealing import is_sealed

Step = str | Callable[[Database, Transaction], None]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    steps: tuple[Step, ...]


def add_column(table: str, column: str, kind: str) -> Step:
    """For a column that a database made before migrations were recorded may already have."""

    def step(database: Database, db: Transaction) -> None:
        if column not in database.columns(db, table):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    return step


def seal_column(table: str, key: str, column: str) -> Step:
    """A step that seals (encrypts) the values of `column` stored in plain text by earlier
    versions; `key` names each row."""

    def step(database: Database, db: Transaction) -> None:
        rows = db.execute(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL")
        plain = [(row[0], row[1]) for row in rows.fetchall() if not is_sealed(row[1])]
        if not plain:
            return
        if database.sealer is None:
            raise RuntimeError(f"sealing {table}.{column} needs the server's secret key")
        seal = database.sealer.seal
        db.executemany(
            f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
            [(seal(value), name) for name, value in plain],
        )

    return step


JOBS = (
    Migration(
        1,
        "jobs, their items, the result cache",
        (
            """CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                options TEXT NOT NULL,
                source TEXT,
                idempotency_key TEXT UNIQUE,
                request_hash TEXT,
                webhook_url TEXT,
                webhook_secret TEXT,
                webhook_status TEXT NOT NULL DEFAULT 'none'
            )""",
            """CREATE TABLE IF NOT EXISTS items (
                job_id TEXT NOT NULL REFERENCES jobs(id),
                idx INTEGER NOT NULL,
                item_id TEXT NOT NULL,
                title TEXT,
                link TEXT,
                text TEXT NOT NULL,
                source_language TEXT,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                cached INTEGER NOT NULL DEFAULT 0,
                result TEXT,
                error TEXT,
                PRIMARY KEY (job_id, idx)
            )""",
            "CREATE INDEX IF NOT EXISTS items_by_state ON items (state, job_id)",
            "CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at)",
            """CREATE TABLE IF NOT EXISTS cache (
                key TEXT PRIMARY KEY,
                result TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            )""",
        ),
    ),
    Migration(2, "the API key that submitted a job", (add_column("jobs", "owner", "TEXT"),)),
    Migration(
        3,
        "claims with a lease, for many worker processes; the webhook's delivery claim",
        (
            "ALTER TABLE items ADD COLUMN claimed_by TEXT",
            "ALTER TABLE items ADD COLUMN lease_until DOUBLE PRECISION",
            "ALTER TABLE jobs ADD COLUMN webhook_claimed_until DOUBLE PRECISION",
        ),
    ),
    Migration(
        4,
        "stories: job items name a story and its revision; each story's latest summaries",
        (
            add_column("items", "external_id", "TEXT"),
            add_column("items", "revision", "INTEGER"),
            """CREATE TABLE IF NOT EXISTS documents (
                owner TEXT NOT NULL,
                external_id TEXT NOT NULL,
                revision INTEGER,
                options TEXT NOT NULL,
                result TEXT NOT NULL,
                job_id TEXT,
                made_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (owner, external_id)
            )""",
        ),
    ),
    Migration(
        5, "webhook secrets encrypted at rest", (seal_column("jobs", "id", "webhook_secret"),)
    ),
    Migration(
        6,
        "indexes for the retention prune",
        (
            "CREATE INDEX IF NOT EXISTS jobs_by_update ON jobs (updated_at)",
            "CREATE INDEX IF NOT EXISTS cache_by_age ON cache (created_at)",
            "CREATE INDEX IF NOT EXISTS documents_by_age ON documents (made_at)",
        ),
    ),
)

ACCESS = (
    Migration(
        1,
        "API keys, their daily usage and their requests of the last minute",
        (
            """CREATE TABLE IF NOT EXISTS api_keys (
                name TEXT PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                digest TEXT NOT NULL UNIQUE,
                rpm INTEGER,
                chars_per_day BIGINT,
                max_jobs INTEGER,
                origins TEXT NOT NULL DEFAULT '[]',
                admin INTEGER NOT NULL DEFAULT 0,
                created_at DOUBLE PRECISION NOT NULL,
                revoked_at DOUBLE PRECISION,
                last_used_at DOUBLE PRECISION
            )""",
            """CREATE TABLE IF NOT EXISTS key_usage (
                key_name TEXT NOT NULL,
                day TEXT NOT NULL,
                requests BIGINT NOT NULL DEFAULT 0,
                chars BIGINT NOT NULL DEFAULT 0,
                model_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
                tokens BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (key_name, day)
            )""",
            """CREATE TABLE IF NOT EXISTS key_requests (
                key_name TEXT NOT NULL,
                at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS key_requests_by_key ON key_requests (key_name, at)",
        ),
    ),
    Migration(
        2,
        "server secrets shared by every replica (the browser-token signing key)",
        (
            """CREATE TABLE server_secrets (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        3,
        "server secrets encrypted at rest",
        (seal_column("server_secrets", "name", "value"),),
    ),
    Migration(
        4,
        "each key's glossary: how its summaries render names and terms",
        ("ALTER TABLE api_keys ADD COLUMN glossary TEXT NOT NULL DEFAULT '[]'",),
    ),
)


def migrate(database: Database, component: str, migrations: Sequence[Migration]) -> list[int]:
    """Apply the migrations this database lacks, in one transaction; their versions."""
    applied: list[int] = []
    with database.transaction() as db:
        database.lock(db, "lingosum-migrations")  # processes starting together take turns
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL,"
            " version INTEGER NOT NULL, description TEXT NOT NULL,"
            " applied_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (component, version))"
        )
        done = {
            row[0]
            for row in db.execute(
                "SELECT version FROM schema_migrations WHERE component = ?", (component,)
            ).fetchall()
        }
        for migration in migrations:
            if migration.version in done:
                continue
            for step in migration.steps:
                if isinstance(step, str):
                    db.execute(step)
                else:
                    step(database, db)
            db.execute(
                "INSERT INTO schema_migrations (component, version, description, applied_at)"
                " VALUES (?, ?, ?, ?)",
                (component, migration.version, migration.description, time.time()),
            )
            applied.append(migration.version)
    return applied
