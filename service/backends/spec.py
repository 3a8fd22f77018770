"""Model specs: the strings in settings that say which backend loads which weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import LingosumError

BackendKind = Literal["llama-cpp", "hf-causal", "hf-seq2seq", "openai"]
_KINDS: tuple[BackendKind, ...] = ("llama-cpp", "hf-causal", "hf-seq2seq", "openai")


@dataclass(frozen=True)
class ModelSpec:
    """`kind:location[@revision]`; a bare name is an embedded GGUF model for llama.cpp."""

    kind: BackendKind
    location: str
    revision: str | None = None

    @classmethod
    def parse(cls, spec: str) -> ModelSpec:
        kind, sep, rest = spec.partition(":")
        if not sep:
            return cls("llama-cpp", spec)
        if kind not in _KINDS:
            raise LingosumError(
                "invalid_model_spec",
                f"Model spec {spec!r} must start with one of {', '.join(_KINDS)}.",
                status=500,
            )
        if kind == "openai":  # a server's model name is taken whole
            return cls(kind, rest)
        location, _, revision = rest.partition("@")
        return cls(kind, location, revision or None)

    def __str__(self) -> str:
        suffix = f"@{self.revision}" if self.revision else ""
        return f"{self.kind}:{self.location}{suffix}"
