"""Tiny random transformers checkpoints, built locally, and a guard that keeps tests offline.

Every checkpoint is saved with `save_pretrained` into a temporary folder, so the backends load
them through the real `from_pretrained` path. Nothing is downloaded: the hub is switched to
offline mode and any socket connection fails the test.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CORPUS = [
    "The city council approved a new budget on Monday after a long debate.",
    "Le conseil municipal a approuvé lundi un nouveau budget après un long débat.",
    "市议会周一在长时间辩论后批准了新的预算。",
    "Summarize the article above in English, in complete sentences.",
    "Translate the following text into Simplified Chinese.",
]
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
CONTEXT_TOKENS = 2048
SEED = 0
CAUSAL_SPECIALS = ["<|im_end|>", "<|im_start|>", "<|endoftext|>"]  # ids 0, 1, 2
SEQ2SEQ_SPECIALS = ["<pad>", "</s>", "<unk>"]  # ids 0, 1, 2
CAUSAL_EOS = CAUSAL_SPECIALS.index("<|im_end|>")
BPE_VOCAB = 400  # the tiny tokenizers' vocabulary, special tokens included
SEQ2SEQ_EOS = SEQ2SEQ_SPECIALS.index("</s>")


@contextmanager
def offline() -> Iterator[None]:
    """Hub offline mode, and a socket layer that refuses to connect anywhere."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a test tried to reach the network: {args!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        try:
            import huggingface_hub.constants as hub_constants
        except ImportError:
            pass
        else:  # read once at import, so the environment alone comes too late
            patch.setattr(hub_constants, "HF_HUB_OFFLINE", True)
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield


@pytest.fixture(autouse=True)
def no_network() -> Iterator[None]:
    with offline():
        yield


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    """Tiny models run fastest on one thread, and a busy machine slows two threads a lot."""
    try:
        import torch
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _byte_level_bpe(special_tokens: list[str]) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(CORPUS, trainer)
    return tokenizer


def save_causal(
    folder: Path, *, chat_template: bool = True, generation: dict[str, Any] | None = None
) -> Path:
    """A two-layer Qwen2 with a ChatML template; `<|im_end|>` (id 0) ends a turn."""
    import torch
    from transformers import (
        GenerationConfig,
        PreTrainedTokenizerFast,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=_byte_level_bpe(CAUSAL_SPECIALS),
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
        model_max_length=CONTEXT_TOKENS,
    )
    assert tokenizer.eos_token_id == CAUSAL_EOS
    if chat_template:
        tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=CONTEXT_TOKENS,
        initializer_range=0.5,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(SEED)
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(
        **{
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
            **(generation or {}),
        }
    )
    model.save_pretrained(folder)
    return folder


def save_seq2seq(
    folder: Path, *, start_with_eos: bool = False, generation: dict[str, Any] | None = None
) -> Path:
    """A one-layer T5 whose tokenizer closes each input with `</s>`, like T5's own.

    `start_with_eos` makes `</s>` the decoder start token, as NLLB and M2M100 do.
    """
    import torch
    from tokenizers import processors
    from transformers import (
        GenerationConfig,
        PreTrainedTokenizerFast,
        T5Config,
        T5ForConditionalGeneration,
    )

    raw = _byte_level_bpe(SEQ2SEQ_SPECIALS)
    raw.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=CONTEXT_TOKENS,
    )
    assert tokenizer.eos_token_id == SEQ2SEQ_EOS
    tokenizer.save_pretrained(folder)
    start = tokenizer.eos_token_id if start_with_eos else tokenizer.pad_token_id
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=4,
        initializer_factor=10.0,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=start,
    )
    torch.manual_seed(SEED)
    model = T5ForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        **{
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
            "decoder_start_token_id": start,
            **(generation or {}),
        }
    )
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def models_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    return tmp_path_factory.mktemp("tiny-models")


# Generation settings saved with a checkpoint, so its behaviour at the token limit is known.
ENDLESS = {"suppress_tokens": [0, 1, 2]}  # never emits a special token, so never stops


def _silent(eos: int) -> dict[str, Any]:
    """Ends the turn at once: every other token is suppressed. (A `sequence_bias` on the end
    token would be shorter, but transformers 5.17 refuses one on token id 0.)"""
    return {"suppress_tokens": [token for token in range(BPE_VOCAB) if token != eos]}


@pytest.fixture(scope="session")
def causal_dir(models_root: Path) -> Path:
    with offline():
        return save_causal(models_root / "causal")


@pytest.fixture(scope="session")
def causal_endless_dir(models_root: Path) -> Path:
    with offline():
        return save_causal(models_root / "causal-endless", generation=ENDLESS)


@pytest.fixture(scope="session")
def causal_silent_dir(models_root: Path) -> Path:
    with offline():
        return save_causal(models_root / "causal-silent", generation=_silent(CAUSAL_EOS))


@pytest.fixture(scope="session")
def causal_second_eos_dir(models_root: Path) -> Path:
    """Ends its turn with `<|im_start|>`, an end token that only generation_config names."""
    with offline():
        return save_causal(
            models_root / "causal-second-eos",
            generation={"eos_token_id": [CAUSAL_EOS, 1], **_silent(1)},
        )


@pytest.fixture(scope="session")
def causal_without_template_dir(models_root: Path) -> Path:
    with offline():
        return save_causal(models_root / "causal-base", chat_template=False)


@pytest.fixture(scope="session")
def seq2seq_dir(models_root: Path) -> Path:
    with offline():
        return save_seq2seq(models_root / "seq2seq")


@pytest.fixture(scope="session")
def seq2seq_endless_dir(models_root: Path) -> Path:
    with offline():
        return save_seq2seq(models_root / "seq2seq-endless", generation=ENDLESS)


@pytest.fixture(scope="session")
def seq2seq_eos_start_endless_dir(models_root: Path) -> Path:
    with offline():
        return save_seq2seq(
            models_root / "seq2seq-eos-start", start_with_eos=True, generation=ENDLESS
        )


@pytest.fixture(scope="session")
def seq2seq_silent_dir(models_root: Path) -> Path:
    with offline():
        return save_seq2seq(models_root / "seq2seq-silent", generation=_silent(SEQ2SEQ_EOS))


@pytest.fixture(scope="session")
def seq2seq_second_eos_dir(models_root: Path) -> Path:
    """Ends with `<unk>`, an end token that only generation_config names."""
    with offline():
        return save_seq2seq(
            models_root / "seq2seq-second-eos",
            generation={"eos_token_id": [SEQ2SEQ_EOS, 2], **_silent(2)},
        )


@pytest.fixture(scope="session")
def tokenizer_only_dir(models_root: Path, causal_dir: Path) -> Path:
    folder = models_root / "tokenizer-only"
    folder.mkdir()
    for name in os.listdir(causal_dir):
        if name.startswith(("tokenizer", "chat_template")):
            shutil.copy(causal_dir / name, folder / name)
    return folder


def load_model(kind: str, folder: Path | str, **settings: Any) -> Any:
    """`load_backend` for the spec `kind:folder`, on the CPU in float32 unless told."""
    from service.backends import ModelSpec, load_backend
    from service.settings import Settings

    options = {"device": "cpu", "dtype": "float32", "offline": True, **settings}
    return load_backend(ModelSpec.parse(f"{kind}:{folder}"), Settings(**options))


@pytest.fixture(scope="session")
def causal_backend(causal_dir: Path) -> Any:
    with offline():
        return load_model("hf-causal", causal_dir)


@pytest.fixture(scope="session")
def seq2seq_backend(seq2seq_dir: Path) -> Any:
    with offline():
        return load_model("hf-seq2seq", seq2seq_dir)


@pytest.fixture(scope="session")
def load() -> Any:
    return load_model
