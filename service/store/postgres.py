"""PostgreSQL through psycopg 3 and a small connection pool, shared by any number of processes.

Rows that a process claims are locked `FOR UPDATE SKIP LOCKED`, so other processes pass over
them instead of waiting; named locks are transaction-scoped advisory locks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import LingosumError, StorageUnavailable
from .database import Cursor, Database, Transaction

POOL_SIZE = 4  # connections per store and process, opened as needed (see docs/scaling.md)
CONNECT_TIMEOUT_S = 10.0
LOCK_TIMEOUT_S = 10.0  # a lock held longer by someone else: 503, as SQLite's busy timeout


class _Row(tuple[Any, ...]):
    """A row read by index or by column name, as sqlite3.Row is."""

    names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self.names[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> _Row:
        row = _Row(values)
        row.names = names
        return row

    return make


def _sql(statement: str) -> str:
    return statement.replace("%", "%%").replace("?", "%s")


class _PostgresTransaction(Transaction):
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cursor: Cursor = self._connection.execute(_sql(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self._connection.cursor() as cursor:
                cursor.executemany(_sql(sql), [tuple(row) for row in rows])


def _configure(connection: Any) -> None:
    connection.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_S * 1000)}")
    connection.commit()


class PostgresDatabase(Database):
    for_update = " FOR UPDATE"
    shared = True

    def __init__(self, url: str) -> None:
        from psycopg_pool import ConnectionPool

        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"row_factory": _row_factory},
            configure=_configure,
            open=False,
            name="lingosum",
        )
        self._pool.open()
        try:
            self._pool.wait(timeout=CONNECT_TIMEOUT_S)
        except Exception as error:
            self._pool.close()
            raise LingosumError(
                "database_unavailable",
                f"Cannot connect to PostgreSQL within {CONNECT_TIMEOUT_S:.0f} s: "
                f"{type(error).__name__}. Check LINGOSUM_DATABASE_URL.",
                status=500,
            ) from error

    def close(self) -> None:
        self._pool.close()

    def skip_locked(self, table: str) -> str:
        return f" FOR UPDATE OF {table} SKIP LOCKED"

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection() as connection, connection.transaction():
                yield _PostgresTransaction(connection)
        except (psycopg.OperationalError, PoolTimeout) as error:
            # A full disk, a lock timeout, a lost server: cannot write now, and nothing was.
            raise StorageUnavailable() from error

    def lock(self, db: Transaction, name: str) -> None:
        db.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (name,))

    def columns(self, db: Transaction, table: str) -> set[str]:
        found = db.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        ).fetchall()
        return {row[0] for row in found}
