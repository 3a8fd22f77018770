"""On the real default model: a request with `no_lowercase_words` gets no lowercase Latin-script
word, on the single path and on the multi-sequence batch path alike (backends/latin_words.py)."""

from __future__ import annotations

import re

import pytest

from service.backends import ChatMessage, GenerationRequest, ModelSpec, load_backend
from service.backends.llama_cpp import LlamaCppBackend
from service.settings import Settings
from tests.e2e.conftest import require_default_model

pytestmark = pytest.mark.e2e

TEXT = "the upcoming talks were productive, officials said."
# A lowercase letter that does not go on with a Latin word or number under way.
_WORD_START = re.compile(r"(?<![A-Za-z0-9])[a-z]")


def _request(masked: bool) -> GenerationRequest:
    messages = (ChatMessage("user", f"Copy this English text exactly, word for word:\n{TEXT}"),)
    return GenerationRequest(messages, TEXT, "en", "zh-Hans", 24, no_lowercase_words=masked)


def test_a_masked_request_begins_no_lowercase_latin_word() -> None:
    require_default_model()
    settings = Settings(warmup=False, batch_sequences=2)
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    assert isinstance(backend, LlamaCppBackend)
    try:
        [free] = backend.generate([_request(False)])
        [single] = backend.generate([_request(True)])
        together = backend.generate([_request(True), _request(True)])
    finally:
        backend.close()
    assert "upcoming" in free.text, "without the mask the model copies the English"
    for generation in (single, *together):
        assert generation.completion_tokens > 0
        assert not _WORD_START.search(generation.text), generation.text
