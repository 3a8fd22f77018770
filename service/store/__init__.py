"""Persistence shared by the service's stores: one interface, SQLite or PostgreSQL behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..errors import LingosumError
from .database import Database, Transaction
from .migrations import Migration, migrate
from .sealing import Sealer

__all__ = ["Database", "Sealer", "Transaction", "open_database"]


def open_database(
    url: str | None,
    default_file: Path,
    component: str,
    migrations: tuple[Migration, ...],
    synchronous: Literal["NORMAL", "FULL"] = "FULL",
    sealer: Sealer | None = None,
) -> Database:
    """The database `url` names (`sqlite:///PATH` or `postgresql://...`), or the SQLite file
    `default_file` when there is none, migrated to the latest schema of `component`; `sealer`
    seals the secrets its stores keep."""
    database: Database
    if url is None or url.startswith("sqlite:///"):
        from .sqlite import SQLiteDatabase

        path = Path(url.removeprefix("sqlite:///")) if url else default_file
        database = SQLiteDatabase(path.expanduser(), synchronous)
    elif url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresDatabase

        database = PostgresDatabase(url)
    else:
        raise LingosumError(
            "invalid_database_url",
            "LINGOSUM_DATABASE_URL must start with sqlite:/// or postgresql://.",
            status=500,
        )
    database.sealer = sealer
    try:
        migrate(database, component, migrations)
    except BaseException:
        database.close()
        raise
    return database
