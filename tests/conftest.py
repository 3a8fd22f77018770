"""Every test gets its own data folder, so no test writes to the user's real jobs database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "lingosum-data"
    monkeypatch.setenv("LINGOSUM_DATA_DIR", str(folder))
    yield folder
