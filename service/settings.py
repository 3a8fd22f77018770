"""All of lingosum's settings, read once from `LINGOSUM_*` environment variables or CLI flags."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_data_path
from pydantic import AfterValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .jobs.webhook import check_secret

# The prompt templates ship inside the package (package data); LINGOSUM_PROMPTS_DIR overrides them.
BUNDLED_PROMPTS = Path(__file__).resolve().parent / "pipeline" / "prompts"
DEFAULT_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def _default_model_dir() -> Path:
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "lingosum" / "models"


class Settings(BaseSettings):
    """Every knob of the service. Each field `x_y` is `LINGOSUM_X_Y` and `--x-y` on the CLI."""

    # hide_input_in_errors: a refused secret (API key, webhook secret) is never echoed.
    model_config = SettingsConfigDict(
        env_prefix="LINGOSUM_", frozen=True, extra="forbid", hide_input_in_errors=True
    )

    host: str = Field("127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(8000, description="Port the HTTP server listens on.")

    # Access: API keys (`lingosum keys`), quotas and browser tokens.
    auth: Literal["auto", "required", "off"] = Field(
        "auto",
        description="When API keys are required: 'auto' (as soon as any key exists, and "
        "always when the server binds a non-loopback address), 'required', or 'off'.",
    )
    api_key: SecretStr | None = Field(
        None,
        min_length=32,
        description="One admin API key added at start (for containers), named 'env'; only its "
        "hash is kept. Set it in the environment rather than as a flag.",
    )

    summarizer_model: str = Field(
        DEFAULT_MODEL,
        description="Model spec for the summarize stage: an embedded model name, "
        "'llama-cpp:/path/model.gguf', 'hf-causal:ID[@REV]', 'hf-seq2seq:ID[@REV]' or "
        "'openai:MODEL' (a model on an OpenAI-compatible server, see openai_base_url).",
    )
    translator_model: str = Field(
        DEFAULT_MODEL, description="Model spec for the translate stages (same forms)."
    )
    model_dir: Path = Field(
        default_factory=_default_model_dir,
        description="Cache folder that `lingosum models pull` fills and the service loads from.",
    )
    prompts_dir: Path = Field(
        BUNDLED_PROMPTS, description="Prompt templates folder; the default ships with the package."
    )

    openai_base_url: str = Field(
        "http://127.0.0.1:8080/v1",
        description="Base URL of the OpenAI-compatible server that 'openai:' models run on "
        "(vLLM, TGI, llama.cpp's server, Ollama), up to and including /v1.",
    )
    openai_api_key: SecretStr | None = Field(
        None, description="Bearer key for openai_base_url, if the server wants one (env only)."
    )
    openai_concurrency: int = Field(
        4, ge=1, description="Calls to the 'openai:' server in flight at once (it batches them)."
    )
    openai_timeout_s: float = Field(
        300.0, gt=0, description="Timeout of one call to the 'openai:' server."
    )
    openai_max_retries: int = Field(
        4,
        ge=0,
        description="Retries of a call that failed with 408, 409, 429, 5xx or a lost "
        "connection, with exponential backoff (Retry-After is honoured).",
    )

    threads: int = Field(
        0, ge=0, description="CPU threads for model inference; 0 means all available cores."
    )
    context_tokens: int = Field(8192, ge=512, description="Context window for llama.cpp models.")
    prompt_cache_mb: int = Field(
        0,
        ge=0,
        description="Memory for llama.cpp's processed prompts, reused when a prompt starts "
        "like a recent one; 0 (the default) turns the cache off.",
    )
    batch_sequences: int = Field(
        4,
        ge=1,
        description="Most requests a llama.cpp model decodes together, one token each per pass, "
        "when a batch or job step gives it several; 1 runs them one at a time.",
    )
    batch_context_tokens: int = Field(
        4096,
        ge=512,
        description="KV cache shared by the requests decoded together (each takes its prompt "
        "and its longest answer); a request too long for it runs on its own.",
    )
    device: str = Field("auto", description="transformers device: auto, cpu, cuda, cuda:N or mps.")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        "auto", description="transformers dtype; auto picks bfloat16 on GPU, float32 on CPU."
    )
    offline: bool = Field(
        True, description="Never reach the Hugging Face hub; load only local or cached files."
    )

    zh_route: Literal["translate", "direct"] = Field(
        "translate",
        description="Chinese sources: summarize in Chinese then translate into English "
        "('translate'), or summarize directly into each language ('direct').",
    )
    zh_from: Literal["summary", "article"] = Field(
        "summary",
        description="Other sources: translate the English summary into Chinese ('summary'), "
        "or write the Chinese summary from the article in the same model call as the English "
        "one ('article'), so the article is read once for both.",
    )
    zh_word_mask: bool = Field(
        False,
        description="While a llama.cpp model translates into Chinese, keep it from beginning a "
        "lowercase Latin-script word (an English word left untranslated); names, acronyms and "
        "numbers stay possible.",
    )
    support_check: Literal["off", "sentence", "list"] = Field(
        "off",
        description="Ask the summarizer whether the article states each sentence of an English "
        "summary and drop those it does not: one question per 'sentence', or one listing them "
        "all ('list'). Off by default: the default model answers yes to nearly every sentence "
        "(docs/quality.md, 'Sentence support').",
    )
    max_text_chars: int = Field(
        200_000, ge=1, description="Largest article accepted, in characters; larger gets 413."
    )
    chunk_tokens: int = Field(
        3072,
        ge=1024,
        description="Articles longer than this many tokens are summarized map-reduce, in "
        "chunks of at most this size cut at sentence boundaries.",
    )
    header_timeout_s: float = Field(
        10.0,
        gt=0,
        description="A client must send a request's headers within this many seconds of "
        "connecting (or of its previous response); else the connection is closed.",
    )
    body_timeout_s: float = Field(
        30.0,
        gt=0,
        description="Longest wait for the next piece of a request body; a slower client gets "
        "408 and the request is dropped.",
    )
    max_pending_requests: int = Field(
        16, ge=1, description="Requests that may wait for the models; more get 429."
    )
    warmup: bool = Field(True, description="Run one short generation per model at start-up.")

    # Batches and background jobs.
    data_dir: Path = Field(
        default_factory=lambda: user_data_path("lingosum"),
        description="Folder for the jobs database and the result cache (created at start-up).",
    )
    database_url: SecretStr | None = Field(
        None,
        description="Where jobs, the cache, keys and usage live: 'sqlite:///PATH' (one file) "
        "or 'postgresql://USER:PASSWORD@HOST/DB' (shared by any number of serve and worker "
        "processes). Default: two SQLite files in data_dir. Environment only.",
    )
    worker: bool = Field(
        True, description="Run job items in this serve process; --no-worker only accepts them."
    )
    shutdown_grace_s: float = Field(
        20.0,
        ge=0,
        description="On SIGTERM, how long requests and job items already running may take to "
        "finish; new requests get 503 meanwhile, and job items still running after it go "
        "back to the queue.",
    )
    retention_days: float = Field(
        30.0,
        gt=0,
        description="Finished jobs, their results, stories' summaries and cache entries are "
        "deleted this many days after they were last written (checked daily, and by "
        "`lingosum data prune`).",
    )
    secret_key: SecretStr | None = Field(
        None,
        min_length=32,
        description="Key that encrypts webhook secrets and the browser-token signing key at "
        "rest; by default a random key made on first start in data_dir/secret.key (mode 0600). "
        "Give every process sharing one PostgreSQL store the same key or data_dir. "
        "Environment only.",
    )
    job_lease_s: float = Field(
        60.0,
        ge=1,
        description="A worker's claim on its items lasts this long and is renewed while they "
        "run; the items of a worker that stops renewing go to another worker.",
    )
    batch_max_items: int = Field(
        32, ge=1, description="Most items in one POST /v1/summarize/batch; more get 413."
    )
    job_max_items: int = Field(1000, ge=1, description="Most items in one job; more get 413.")
    request_max_chars: int = Field(
        250_000,
        ge=1,
        description="Most characters of text (all items, or a posted feed) in one batch or job "
        "request; more get 413.",
    )
    max_pending_chars: int = Field(
        500_000,
        ge=1,
        description="Characters of request text that may wait for the models; more get 429.",
    )
    max_queued_job_items: int = Field(
        20_000, ge=1, description="Unfinished job items the server holds; a job over it gets 429."
    )
    job_group_size: int = Field(
        2, ge=1, description="Job items given to the models per call; requests run between calls."
    )
    job_max_attempts: int = Field(
        3, ge=1, description="Times a job item is started (restarts included) before it fails."
    )
    webhook_secret: Annotated[SecretStr | None, AfterValidator(check_secret)] = Field(
        None,
        description="Standard Webhooks secret (whsec_...) that signs job webhooks, unless a "
        "job brings its own.",
    )
    webhook_attempts: int = Field(5, ge=1, description="Deliveries tried per webhook.")
    webhook_backoff_s: float = Field(
        2.0, ge=0, description="Wait before the second webhook try; doubles after each failure."
    )
    webhook_timeout_s: float = Field(10.0, gt=0, description="Timeout of one webhook delivery.")
    dns_timeout_s: float = Field(
        5.0, gt=0, description="Most time one DNS lookup (of a feed, page or webhook) may take."
    )

    fetch_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Hosts, IP addresses or CIDR networks (comma-separated) that feeds and "
        "articles may be fetched from even though they are loopback or private; default none.",
    )
    fetch_max_bytes: int = Field(
        5_000_000,
        ge=1_024,
        description="Largest feed or page read, fetched or posted, in bytes; larger gets 413.",
    )
    fetch_timeout_seconds: float = Field(
        20.0, gt=0, description="Most time one fetch may take, redirects and body included."
    )
    fetch_max_redirects: int = Field(
        5, ge=0, description="Most redirects one fetch follows; each hop's address is re-checked."
    )
    fetch_linked_articles: bool = Field(
        True,
        description="For feed items that carry only a link, fetch the page and extract its text.",
    )

    @field_validator("fetch_allow", mode="before")
    @classmethod
    def _split_allow_list(cls, value: Any) -> Any:
        entries = value.split(",") if isinstance(value, str) else value
        if not isinstance(entries, list):
            return value
        entries = [str(entry).strip() for entry in entries if str(entry).strip()]
        for entry in entries:
            if "/" in entry:
                ipaddress.ip_network(entry, strict=False)  # a bad CIDR fails here, not silently
        return entries

    @property
    def database(self) -> str | None:
        return self.database_url.get_secret_value() if self.database_url else None

    @property
    def job_group(self) -> int:
        """Job items per model call: at least the calls a model server takes at once."""
        remote = self.summarizer_model.startswith("openai:")
        return max(self.job_group_size, self.openai_concurrency if remote else 1)

    @property
    def inference_threads(self) -> int:
        return self.threads or (os.cpu_count() or 1)
