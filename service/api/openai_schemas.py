"""OpenAI's wire format, as far as lingosum speaks it: the chat completion request, its
answers (whole and chunked), the model list and the error body."""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..compat.models import TASK_MODELS, TaskModel
from ..compat.prompts import Turn
from .compat import Usage
from .schemas import MAX_GLOSSARY_TERMS, GlossaryTerm, Positive, whole

STARTED = int(time.time())  # the `created` time of the models


class _Open(BaseModel):
    # Fields lingosum does not use are accepted; those it reads must have their JSON type.
    model_config = ConfigDict(extra="allow", strict=True)


class ContentPart(_Open):
    type: str
    text: str | None = None


class ChatMessageIn(_Open):
    role: str
    content: str | list[ContentPart] | None = None

    def turn(self) -> Turn:
        if isinstance(self.content, list):  # only text parts; images are not read
            return Turn(self.role, "\n".join(p.text for p in self.content if p.text))
        return Turn(self.role, self.content or "")


class StreamOptions(_Open):
    include_usage: bool = False


class ResponseFormat(_Open):
    type: str = "text"  # "json_object" and "json_schema" both get a JSON object


class ChatCompletionRequest(_Open):
    """Sampling settings (temperature, top_p, ...) and tools are accepted and ignored."""

    model: str = Field(
        json_schema_extra={"enum": list(TASK_MODELS)},
        description="A task model; any other is 404 `model_not_found`.",
    )
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: Positive | None = None
    max_completion_tokens: Positive | None = None
    n: Annotated[Literal[1], BeforeValidator(whole)] | None = Field(
        None, description="One choice only."
    )
    response_format: ResponseFormat | None = None
    glossary: list[GlossaryTerm] = Field(
        default_factory=list,
        max_length=MAX_GLOSSARY_TERMS,
        description="lingosum's own field (OpenAI clients send it with `extra_body`): how names "
        "and terms must be rendered; these entries win over the API key's glossary.",
    )

    @property
    def token_cap(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens

    @property
    def wants_json(self) -> bool:
        return self.response_format is not None and self.response_format.type != "text"


def model_entry(model: TaskModel) -> dict[str, Any]:
    return {"id": model.id, "object": "model", "created": STARTED, "owned_by": "lingosum"}


def models_list(models: list[TaskModel]) -> dict[str, Any]:
    return {"object": "list", "data": [model_entry(m) for m in models]}


class Completion:
    """The ids and times one completion's whole answer or chunks share."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model = model

    def whole(self, text: str, usage: Usage, report: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._head("chat.completion"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": usage_json(usage),
            "lingosum": report,
        }

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return {**self._head("chat.completion.chunk"), "choices": [choice]}

    def usage_chunk(self, usage: Usage) -> dict[str, Any]:
        return {**self._head("chat.completion.chunk"), "choices": [], "usage": usage_json(usage)}

    def _head(self, kind: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": kind,
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
        }


def usage_json(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str


class OpenAIErrorBody(BaseModel):
    error: OpenAIErrorDetail


def openai_error(status: int, code: str, message: str, param: str | None = None) -> dict[str, Any]:
    kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}
