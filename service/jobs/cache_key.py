"""Keys of the result cache: the content, the parameters and the version of everything that
writes a summary (model weights, prompt files, settings that change the route).

A key changes whenever any of them does, so a cached result is never served for other inputs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..backends import ModelSpec
from ..backends.model_store import EMBEDDED_MODELS
from ..pipeline.documents import Options, WorkItem
from ..pipeline.prompts import REQUIRED
from ..settings import Settings

CACHE_FORMAT = 1  # bump when the stored result's shape changes


def model_fingerprint(settings: Settings) -> str:
    """A hash of the models, prompts and route settings the engine runs with."""
    parts = {
        "format": CACHE_FORMAT,
        "lingosum": __version__,
        "summarizer": model_identity(settings.summarizer_model),
        "translator": model_identity(settings.translator_model),
        "prompts": _prompts_hash(settings.prompts_dir),
        "zh_route": settings.zh_route,
        "zh_from": settings.zh_from,
        "support_check": settings.support_check,
    }
    return _sha256(json.dumps(parts, sort_keys=True))


def model_identity(spec_text: str) -> str:
    """Embedded GGUF models by their published sha256; local files and folders by their
    names, sizes and modification times; hub models by id and revision."""
    spec = ModelSpec.parse(spec_text)
    if spec.kind == "llama-cpp" and spec.location in EMBEDDED_MODELS:
        return f"sha256:{EMBEDDED_MODELS[spec.location].sha256}"
    path = Path(spec.location).expanduser()
    if path.exists():
        return f"{spec.kind}:{_files_hash(path)}"
    return str(spec)


def cache_key(fingerprint: str, item: WorkItem, options: Options) -> str:
    payload: dict[str, object] = {
        "model": fingerprint,
        "text": item.text,
        "title": item.title,
        "source_language": item.source_language,
        "targets": sorted(set(options.targets.values())),
        "length": options.length,
    }
    if options.glossary:
        payload["glossary"] = [entry.to_json() for entry in options.glossary]
    return _sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False))


def _prompts_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in REQUIRED:
        path = folder / f"{name}.txt"
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0missing")
    return digest.hexdigest()


def _files_hash(path: Path) -> str:
    files = sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
    listing = [
        (str(p.relative_to(path.parent)), p.stat().st_size, p.stat().st_mtime_ns) for p in files
    ]
    return _sha256(json.dumps(listing))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
