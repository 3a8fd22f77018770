"""One interface over the two databases lingosum keeps its state in: SQLite and PostgreSQL.

Stores write their SQL once, with `?` placeholders and syntax both databases accept; the
PostgreSQL side rewrites the placeholders. What differs is said by the `Database` itself:
how rows are locked for a claim, how a named lock is taken, and whether several processes
share the data (PostgreSQL) or one process owns it (SQLite).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .sealing import Sealer


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction(ABC):
    """The statements of one transaction. Rows read by index or by column name."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class Database(ABC):
    # Appended to a SELECT of a row that the transaction will change (no one else may meanwhile).
    for_update = ""
    # False: one process owns the data, so anything left running at start-up was interrupted.
    shared = False
    # Seals the secrets stores keep (webhook secrets); set by `open_database`.
    sealer: Sealer | None = None

    def skip_locked(self, table: str) -> str:
        """Appended to a SELECT that claims rows of `table` (by its name or alias in the
        query): other processes skip the rows already claimed instead of waiting."""
        return ""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]: ...

    @abstractmethod
    def lock(self, db: Transaction, name: str) -> None:
        """Hold a lock named `name` until the transaction ends."""

    @abstractmethod
    def columns(self, db: Transaction, table: str) -> set[str]: ...

    def compact(self) -> None:  # noqa: B027 (PostgreSQL's autovacuum reuses the space)
        """Give the space of deleted rows back to the file system, where the database can."""

    @abstractmethod
    def close(self) -> None: ...
