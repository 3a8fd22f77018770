"""Loading Hugging Face checkpoints offline, on the configured device and dtype."""

from __future__ import annotations

from typing import Any

from ..errors import ModelNotAvailable
from .spec import ModelSpec


def pick_device(setting: str) -> str:
    import torch

    if setting != "auto":
        return setting
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"


def pick_dtype(setting: str, device: str) -> Any:
    import torch

    if setting == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, setting)


def load_pretrained(loader: Any, spec: ModelSpec, *, offline: bool, **kwargs: Any) -> Any:
    """`loader.from_pretrained` at the pinned revision, with an error that says how to get it."""
    try:
        return loader.from_pretrained(
            spec.location, revision=spec.revision, local_files_only=offline, **kwargs
        )
    except (OSError, ValueError) as error:
        hint = (
            "Download it where the hub is reachable (e.g. `huggingface-cli download "
            f"{spec.location}" + (f" --revision {spec.revision}" if spec.revision else "")
            + "`) and copy the cache, or point the spec at a local folder."
        )
        raise ModelNotAvailable(f"Cannot load {spec} offline: {error}. {hint}") from error
