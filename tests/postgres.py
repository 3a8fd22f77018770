"""A private schema on the test PostgreSQL (LINGOSUM_TEST_DATABASE_URL) for one test.

Other people use the same database, so each test gets a schema of its own, named in the
URL's `options=-csearch_path=...`, and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

ENV = "LINGOSUM_TEST_DATABASE_URL"


def base_url() -> str:
    url = os.environ.get(ENV)
    if not url:
        pytest.skip(f"{ENV} is not set: no PostgreSQL to test on")
    return url


@contextmanager
def private_schema() -> Iterator[str]:
    """A URL whose connections see only a new, empty schema; dropped on exit."""
    import psycopg

    url = base_url()
    schema = f"lingosum_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")
