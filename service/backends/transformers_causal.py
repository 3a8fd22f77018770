"""Instruction-tuned causal LMs (e.g. Qwen2.5-Instruct) through transformers and a chat template."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ModelNotAvailable
from .base import Generation, GenerationRequest
from .spec import ModelSpec
from .transformers_common import end_token_ids, load_pretrained, pick_device, pick_dtype


class TransformersCausalBackend:
    follows_instructions = True

    def __init__(self, spec: ModelSpec, *, device: str, dtype: str, offline: bool) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self._name = str(spec)
        self._device = pick_device(device)
        self._tokenizer: Any = load_pretrained(AutoTokenizer, spec, offline=offline)
        if not self._tokenizer.chat_template:
            raise ModelNotAvailable(
                f"{spec} has no chat template; hf-causal needs an instruction-tuned chat model."
            )
        self._tokenizer.padding_side = "left"
        if self._tokenizer.pad_token is None:
            self._tokenizer.pad_token = self._tokenizer.eos_token
        self._model: Any = load_pretrained(
            AutoModelForCausalLM, spec, offline=offline, dtype=pick_dtype(dtype, self._device)
        )
        self._model.to(self._device).eval()
        self._stops = end_token_ids(self._tokenizer, self._model) | {self._tokenizer.pad_token_id}

    @property
    def name(self) -> str:
        return self._name

    @property
    def context_tokens(self) -> int:
        return int(getattr(self._model.config, "max_position_embeddings", 2048))

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        import torch

        prompts = [
            self._tokenizer.apply_chat_template(
                [{"role": m.role, "content": m.content} for m in r.messages],
                tokenize=False,
                add_generation_prompt=True,
            )
            for r in requests
        ]
        batch = self._tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=False
        ).to(self._device)
        limit = max(r.max_new_tokens for r in requests)
        with torch.inference_mode():
            output = self._model.generate(
                **batch,
                max_new_tokens=limit,
                do_sample=False,
                pad_token_id=self._tokenizer.pad_token_id,
            )
        new_tokens = output[:, batch["input_ids"].shape[1] :]
        return [
            self._decode(tokens[: r.max_new_tokens], int(mask.sum()), r.max_new_tokens)
            for tokens, mask, r in zip(new_tokens, batch["attention_mask"], requests, strict=True)
        ]

    def _decode(self, tokens: Any, prompt_tokens: int, limit: int) -> Generation:
        ids = tokens.tolist()
        end = next((i for i, t in enumerate(ids) if t in self._stops), None)
        kept = ids if end is None else ids[:end]
        return Generation(
            text=self._tokenizer.decode(kept, skip_special_tokens=True).strip(),
            hit_token_limit=end is None and len(ids) >= limit,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(kept),
        )

    def close(self) -> None:
        del self._model
