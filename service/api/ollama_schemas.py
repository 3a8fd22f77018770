"""Ollama's wire format, as far as lingosum speaks it: chat and generate requests, their
answers (whole, or as newline-delimited JSON pieces), the model list and the error body."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..compat.models import TASK_MODELS, TaskModel
from ..compat.prompts import Turn
from .compat import Usage
from .schemas import MAX_GLOSSARY_TERMS, GlossaryTerm, Whole

API_VERSION = "0.6.0"  # the Ollama API lingosum answers as
_STARTED = datetime.now(timezone.utc).isoformat()


class _Open(BaseModel):
    # Fields lingosum does not use are accepted; those it reads must have their JSON type.
    model_config = ConfigDict(extra="allow", strict=True)


class MessageIn(_Open):
    role: str
    content: str = ""

    def turn(self) -> Turn:
        return Turn(self.role, self.content)


class Options(_Open):
    num_predict: Whole | None = None  # a cap on tokens; other model options are ignored
    glossary: list[GlossaryTerm] = Field(
        default_factory=list,
        max_length=MAX_GLOSSARY_TERMS,
        description="lingosum's own option: how names and terms must be rendered; these "
        "entries win over the API key's glossary.",
    )


class OllamaRequest(_Open):
    model: str = Field(
        json_schema_extra={"enum": [*TASK_MODELS, *(f"{name}:latest" for name in TASK_MODELS)]},
        description="A task model; any other is 404 `model_not_found`.",
    )
    stream: bool = True  # Ollama streams unless told not to
    format: str | dict[str, Any] | None = None  # "json" or a JSON schema: a JSON answer
    options: Options | None = None

    @property
    def token_cap(self) -> int | None:
        cap = self.options.num_predict if self.options else None
        return cap if cap is not None and cap > 0 else None

    @property
    def wants_json(self) -> bool:
        return bool(self.format)

    @property
    def glossary(self) -> list[GlossaryTerm]:
        return self.options.glossary if self.options else []


class ChatRequest(OllamaRequest):
    messages: list[MessageIn] = Field(default_factory=list)


class GenerateRequest(OllamaRequest):
    prompt: str = ""
    system: str | None = None

    def turns(self) -> list[Turn]:
        system = [Turn("system", self.system)] if self.system else []
        return [*system, Turn("user", self.prompt)]


def tags(models: list[TaskModel]) -> dict[str, Any]:
    return {"models": [_tag(model) for model in models]}


def _tag(model: TaskModel) -> dict[str, Any]:
    name = f"{model.id}:latest"
    return {
        "name": name,
        "model": name,
        "modified_at": _STARTED,
        "size": 0,
        "digest": hashlib.sha256(name.encode()).hexdigest(),
        "details": {
            "parent_model": "",
            "format": "lingosum",
            "family": "lingosum",
            "families": ["lingosum"],
            "parameter_size": "",
            "quantization_level": "",
        },
    }


class Answer:
    """The fields one reply's pieces share, and its timing."""

    def __init__(self, model: str, chat: bool) -> None:
        self.model = model
        self.chat = chat
        self._started = time.perf_counter_ns()

    def piece(self, text: str) -> dict[str, Any]:
        return {**self._head(), **self._text(text), "done": False}

    def final(self, text: str, usage: Usage, reason: str = "stop") -> dict[str, Any]:
        """The last piece of a stream (empty `text`), or the whole non-streamed answer."""
        return {
            **self._head(),
            **self._text(text),
            "done": True,
            "done_reason": reason,
            "total_duration": time.perf_counter_ns() - self._started,
            "load_duration": 0,
            "prompt_eval_count": usage.prompt_tokens,
            "eval_count": usage.completion_tokens,
        }

    def _head(self) -> dict[str, Any]:
        return {"model": self.model, "created_at": datetime.now(timezone.utc).isoformat()}

    def _text(self, text: str) -> dict[str, Any]:
        return (
            {"message": {"role": "assistant", "content": text}} if self.chat else {"response": text}
        )


class OllamaErrorBody(BaseModel):
    error: str


def ollama_error(status: int, code: str, message: str, param: str | None = None) -> dict[str, Any]:
    return {"error": message}
