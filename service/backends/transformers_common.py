"""Loading Hugging Face checkpoints offline, on the configured device and dtype."""

from __future__ import annotations

from pathlib import Path
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


def end_token_ids(tokenizer: Any, model: Any) -> set[int]:
    """The tokenizer's eos plus every eos the model's generation config names."""
    configured = model.generation_config.eos_token_id
    return {tokenizer.eos_token_id} | set(
        configured if isinstance(configured, list) else [configured]
    )


def load_pretrained(loader: Any, spec: ModelSpec, *, offline: bool, **kwargs: Any) -> Any:
    """`loader.from_pretrained` at the pinned revision, with an error that says how to get it."""
    try:
        return loader.from_pretrained(
            spec.location, revision=spec.revision, local_files_only=offline, **kwargs
        )
    except (OSError, ValueError) as error:
        if _is_local(spec.location):
            hint = "Point the spec at a folder with the model's config, weights and tokenizer."
        else:
            hint = (
                f"Download it where the hub is reachable (e.g. `hf download {spec.location}"
                + (f" --revision {spec.revision}" if spec.revision else "")
                + "`) and copy the cache, or point the spec at a local folder."
            )
        where = " offline" if offline else ""
        reason = str(error).rstrip(". ")
        raise ModelNotAvailable(f"Cannot load {spec}{where}: {reason}. {hint}") from error


def _is_local(location: str) -> bool:
    path = Path(location)
    return path.exists() or path.is_absolute() or location.startswith((".", "~"))
