"""Every test gets its own data folder, so no test writes to the user's real jobs database;
store tests run on SQLite and on PostgreSQL (`database_url`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "lingosum-data"
    monkeypatch.setenv("LINGOSUM_DATA_DIR", str(folder))
    yield folder


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """Run a store test on each database: None is the default SQLite file in the data folder;
    PostgreSQL is a private schema, skipped without LINGOSUM_TEST_DATABASE_URL."""
    if request.param == "sqlite":
        yield None
        return
    from tests.postgres import private_schema

    with private_schema() as url:
        yield url
