"""A SQLite database file used from several threads: one connection, one lock."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from ..errors import StorageUnavailable
from .database import Cursor, Database, Transaction

# SQLite's answers that mean "cannot write now", not a mistake in the SQL.
_UNAVAILABLE_CODES = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR"})
_UNAVAILABLE_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database or disk is full",
    "disk i/o error",
    "attempt to write a readonly database",
)


def _unavailable(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", None) or ""
    primary = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE is an SQLITE_IOERR
    return primary in _UNAVAILABLE_CODES or str(error).lower().startswith(_UNAVAILABLE_MESSAGES)


class _SQLiteTransaction(Transaction):
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)


class SQLiteDatabase(Database):
    """WAL mode; every transaction is `BEGIN IMMEDIATE`, so writers take turns."""

    def __init__(self, path: Path, synchronous: Literal["NORMAL", "FULL"] = "FULL") -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only from the start; SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous}")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA secure_delete=ON")  # deleted articles leave no bytes behind

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield _SQLiteTransaction(self._db)
                except BaseException:
                    if self._db.in_transaction:  # SQLite ends some failed ones itself
                        self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if _unavailable(error):
                    raise StorageUnavailable() from error
                raise

    def compact(self) -> None:
        """VACUUM rewrites the file without its free pages; the WAL file is emptied."""
        with self._lock:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def lock(self, db: Transaction, name: str) -> None:
        """`BEGIN IMMEDIATE` already holds the whole database."""

    def columns(self, db: Transaction, table: str) -> set[str]:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
