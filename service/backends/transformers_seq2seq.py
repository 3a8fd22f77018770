"""Encoder-decoder translators and summarizers (Marian, NLLB, M2M100, BART, PEGASUS, mT5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import Generation, GenerationRequest
from .spec import ModelSpec
from .transformers_common import end_token_ids, load_pretrained, pick_device, pick_dtype

# NLLB names languages as FLORES-200 codes; M2M100 uses plain ISO codes ("zh" for both scripts).
_NLLB_CODES = {
    "en": "eng_Latn",
    "zh-Hans": "zho_Hans",
    "zh-Hant": "zho_Hant",
    "ja": "jpn_Jpan",
    "ko": "kor_Hang",
    "fr": "fra_Latn",
    "de": "deu_Latn",
    "es": "spa_Latn",
    "pt": "por_Latn",
    "it": "ita_Latn",
    "ru": "rus_Cyrl",
    "ar": "arb_Arab",
    "nl": "nld_Latn",
    "pl": "pol_Latn",
    "tr": "tur_Latn",
    "vi": "vie_Latn",
    "th": "tha_Thai",
    "id": "ind_Latn",
    "uk": "ukr_Cyrl",
    "hi": "hin_Deva",
    "sv": "swe_Latn",
    "cs": "ces_Latn",
    "he": "heb_Hebr",
    "fa": "pes_Arab",
}


class TransformersSeq2SeqBackend:
    follows_instructions = False

    def __init__(self, spec: ModelSpec, *, device: str, dtype: str, offline: bool) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self._name = str(spec)
        self._device = pick_device(device)
        self._tokenizer: Any = load_pretrained(AutoTokenizer, spec, offline=offline)
        self._model: Any = load_pretrained(
            AutoModelForSeq2SeqLM, spec, offline=offline, dtype=pick_dtype(dtype, self._device)
        )
        self._model.to(self._device).eval()
        self._stops = end_token_ids(self._tokenizer, self._model)
        kind = type(self._tokenizer).__name__.lower()
        self._codes = "nllb" if "nllb" in kind else "m2m" if "m2m" in kind else None

    @property
    def name(self) -> str:
        return self._name

    @property
    def context_tokens(self) -> int:
        limit = getattr(self._tokenizer, "model_max_length", 1024)
        return int(limit) if limit and limit < 1_000_000 else 1024

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        by_pair: dict[tuple[str, str], list[int]] = {}
        for index, request in enumerate(requests):
            by_pair.setdefault((request.source, request.target), []).append(index)
        by_index: dict[int, Generation] = {}
        for (source, target), indices in by_pair.items():
            outputs = self._generate_pair([requests[i] for i in indices], source, target)
            by_index.update(zip(indices, outputs, strict=True))
        return [by_index[i] for i in range(len(requests))]

    def _generate_pair(
        self, requests: Sequence[GenerationRequest], source: str, target: str
    ) -> list[Generation]:
        import torch

        extra: dict[str, Any] = {}
        if self._codes:
            self._tokenizer.src_lang = self._lang_code(source)
            extra["forced_bos_token_id"] = self._tokenizer.convert_tokens_to_ids(
                self._lang_code(target)
            )
        batch = self._tokenizer(
            [r.text for r in requests],
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=self.context_tokens,
        ).to(self._device)
        limit = max(r.max_new_tokens for r in requests)
        with torch.inference_mode():
            output = self._model.generate(**batch, max_new_tokens=limit, do_sample=False, **extra)
        generations = []
        for tokens, mask, request in zip(output, batch["attention_mask"], requests, strict=True):
            # Position 0 is the decoder start token, which is eos itself for NLLB and M2M100.
            ids = tokens.tolist()[1 : 1 + request.max_new_tokens]
            end = next((i for i, t in enumerate(ids) if t in self._stops), None)
            kept = ids if end is None else ids[:end]
            generations.append(
                Generation(
                    text=self._tokenizer.decode(kept, skip_special_tokens=True).strip(),
                    hit_token_limit=end is None and len(ids) >= request.max_new_tokens,
                    prompt_tokens=int(mask.sum()),
                    completion_tokens=len(kept),
                )
            )
        return generations

    def _lang_code(self, code: str) -> str:
        if self._codes == "nllb":
            return _NLLB_CODES.get(code, code)
        return code.split("-")[0]

    def close(self) -> None:
        del self._model
