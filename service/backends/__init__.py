"""Model backends: one interface (`Backend`), four implementations, chosen by a model spec."""

from __future__ import annotations

from typing import Any

from ..settings import Settings
from .base import Backend, ChatMessage, Delegating, Generation, GenerationRequest, Progress
from .model_store import resolve_gguf
from .spec import ModelSpec

__all__ = [
    "Backend",
    "ChatMessage",
    "Delegating",
    "Generation",
    "GenerationRequest",
    "ModelSpec",
    "Progress",
    "load_backend",
]


def load_backend(spec: ModelSpec, settings: Settings) -> Backend:
    """Load the model that `spec` names; raises ModelNotAvailable when it is missing."""
    if spec.kind == "llama-cpp":
        from .llama_cpp import LlamaCppBackend

        return LlamaCppBackend(
            resolve_gguf(spec.location, settings.model_dir),
            name=spec.location,
            context_tokens=settings.context_tokens,
            threads=settings.inference_threads,
            prompt_cache_mb=settings.prompt_cache_mb,
            batch_sequences=settings.batch_sequences,
            batch_context_tokens=settings.batch_context_tokens,
        )
    if spec.kind == "openai":
        from .openai_compat import OpenAICompatBackend

        key = settings.openai_api_key
        return OpenAICompatBackend(
            spec.location,
            base_url=settings.openai_base_url,
            api_key=key.get_secret_value() if key else None,
            context_tokens=settings.context_tokens,
            concurrency=settings.openai_concurrency,
            timeout_s=settings.openai_timeout_s,
            max_retries=settings.openai_max_retries,
        )
    options: dict[str, Any] = {
        "device": settings.device,
        "dtype": settings.dtype,
        "offline": settings.offline,
    }
    if spec.kind == "hf-causal":
        from .transformers_causal import TransformersCausalBackend

        return TransformersCausalBackend(spec, **options)
    from .transformers_seq2seq import TransformersSeq2SeqBackend

    return TransformersSeq2SeqBackend(spec, **options)
