"""Request and response bodies of the HTTP API."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    model_validator,
)

from ..checks.glossary import Glossary, GlossaryEntry, glossary_of
from ..jobs.webhook import check_secret
from ..pipeline.documents import Options
from ..pipeline.response import SummarizeResponse

# A character that is not whitespace as Python's str.isspace() sees it, so that the schema's
# pattern and the server's check agree on what a blank text is.
NOT_BLANK = (
    r"[^\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a"
    r"\u2028\u2029\u202f\u205f\u3000]"
)
_NOT_BLANK = re.compile(NOT_BLANK)


def _not_blank(text: str) -> str:
    if not _NOT_BLANK.search(text):
        raise ValueError("text is empty")
    return text


def whole(number: Any) -> Any:
    """JSON has one number type: 7.0 is the integer 7, as JSON Schema says."""
    return int(number) if isinstance(number, float) and number.is_integer() else number


# (The bounds go before the validator, or pydantic's JSON schema loses them.)
Whole = Annotated[StrictInt, BeforeValidator(whole)]
Revision = Annotated[StrictInt, Field(ge=0), BeforeValidator(whole)]
Positive = Annotated[StrictInt, Field(ge=1), BeforeValidator(whole)]

# base64 of at least 24 bytes after `whsec_`, as `check_secret` wants it.
WEBHOOK_SECRET = r"^whsec_(?:[A-Za-z0-9+/]{4}){8,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

Text = Annotated[
    StrictStr,
    AfterValidator(_not_blank),
    Field(json_schema_extra={"minLength": 1, "pattern": NOT_BLANK}),
]


MAX_GLOSSARY_TERMS = 500


class GlossaryTerm(BaseModel):
    source: StrictStr = Field(min_length=1, max_length=200, description="The term as written.")
    en: StrictStr | None = Field(None, max_length=200, description="Its English rendering.")
    zh: StrictStr | None = Field(None, max_length=200, description="Its Chinese rendering.")


def glossary_from(terms: list[GlossaryTerm]) -> Glossary:
    return glossary_of(GlossaryEntry(t.source, t.en, t.zh) for t in terms)


class SummaryOptions(BaseModel):
    """What every summary of a request is like: its target languages and length."""

    targets: list[StrictStr] = Field(
        default_factory=lambda: ["en", "zh"],
        min_length=1,
        max_length=3,
        description="Summaries to return: 'en', 'zh' (Simplified, also 'zh-Hans') or 'zh-Hant'.",
    )
    length: Literal["short", "medium", "long"] = "medium"
    glossary: list[GlossaryTerm] = Field(
        default_factory=list,
        max_length=MAX_GLOSSARY_TERMS,
        description="How names and terms must be rendered where the article writes them; "
        "these entries win over the API key's glossary for the same source term.",
    )

    def options(self) -> Options:
        """The targets mapped to catalogue codes; 422 `unsupported_target` for an unknown one."""
        return Options.parse(self.targets, self.length, glossary_from(self.glossary))


class ArticleFields(BaseModel):
    text: Text = Field(description="The article, plain text.")
    title: StrictStr | None = Field(None, description="The headline, if separate from the text.")
    source_language: StrictStr | None = Field(
        None, description="The article's language (e.g. 'fr', 'zh-Hant'); detected when absent."
    )


def _revision_schema(schema: dict[str, Any]) -> None:
    """A revision (not null) needs the external_id of the story it revises."""
    schema["anyOf"] = [
        {"properties": {"revision": {"type": "null"}}},
        {"required": ["external_id"], "properties": {"external_id": {"type": "string"}}},
    ]


class StoryFields(BaseModel):
    model_config = ConfigDict(json_schema_extra=_revision_schema)

    external_id: StrictStr | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Your CMS's id of the story; its latest summaries are kept under it.",
    )
    revision: Revision | None = Field(
        None,
        description="The story's revision: a newer one supersedes older ones still queued.",
    )

    @model_validator(mode="after")
    def _revision_of_a_story(self) -> StoryFields:
        if self.revision is not None and self.external_id is None:
            raise ValueError("revision needs the external_id of the story it revises")
        return self


def _summarize_schema(schema: dict[str, Any]) -> None:
    _revision_schema(schema)
    schema["examples"] = [{"text": "Japanese Prime Minister ...", "targets": ["en", "zh"]}]


class SummarizeRequest(SummaryOptions, ArticleFields, StoryFields):
    model_config = ConfigDict(json_schema_extra=_summarize_schema)


class ItemIn(ArticleFields, StoryFields):
    id: StrictStr | None = Field(None, description="Your id for the item; its index if absent.")


# Items are checked one by one, so that one bad item gets its own error and the others run:
# an item is an ItemIn, or anything else, answered with its own `invalid_request` error.
_ANY_ITEM = {"description": "Not an item: this item's own 422 `invalid_request` error."}
Items = Annotated[
    list[Any],
    Field(
        min_length=1,
        json_schema_extra={"items": {"anyOf": [ItemIn.model_json_schema(), _ANY_ITEM]}},
    ),
]


class BatchRequest(SummaryOptions):
    items: Items


_SOURCES = ("items", "feed_url", "feed")


def _one_source_schema(schema: dict[str, Any]) -> None:
    """Each source is given, not null, or left out; exactly one of them is given."""
    for name in _SOURCES:
        field = schema["properties"][name]
        [given] = [option for option in field.pop("anyOf") if option.get("type") != "null"]
        field.update(given)
        field.pop("default", None)
    schema["oneOf"] = [{"required": [name]} for name in _SOURCES]
    schema["examples"] = [
        {"items": [{"id": "a", "text": "Japanese Prime Minister ..."}], "targets": ["en"]}
    ]


class JobRequest(SummaryOptions):
    """Exactly one of `items`, `feed_url` (fetched by the server) or `feed` (a feed document)."""

    model_config = ConfigDict(json_schema_extra=_one_source_schema)

    items: Items | None = None
    feed_url: StrictStr | None = Field(None, description="An RSS or Atom feed to summarize.")
    feed: StrictStr | None = Field(None, description="An RSS or Atom document, as text.")
    webhook_url: StrictStr | None = Field(
        None, pattern=r"^https?://", description="POSTed a signed JSON body when the job ends."
    )
    webhook_secret: (
        Annotated[
            StrictStr,
            AfterValidator(check_secret),
            Field(json_schema_extra={"pattern": WEBHOOK_SECRET}),
        ]
        | None
    ) = Field(
        None,
        description="A Standard Webhooks secret (whsec_...) that signs this job's webhook "
        "instead of the server's.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> JobRequest:
        given = [name for name in _SOURCES if name in self.model_fields_set]
        if len(given) != 1 or getattr(self, given[0]) is None:
            raise ValueError("give exactly one of items, feed_url or feed")
        return self


class DetectRequest(BaseModel):
    text: Text


class DetectResponse(BaseModel):
    language: str
    confidence: float


class ItemError(BaseModel):
    code: str
    message: str


class BatchItemOut(BaseModel):
    index: int
    id: str
    result: SummarizeResponse | None = Field(description="The summaries; null on error.")
    error: ItemError | None = Field(description="This item's error; null on success.")


class BatchResponse(BaseModel):
    items: list[BatchItemOut]


class ProgressOut(BaseModel):
    total: int
    done: int
    failed: int
    cached: int
    queued: int
    running: int
    cancelled: int
    superseded: int


class WebhookOut(BaseModel):
    url: str
    status: Literal["none", "pending", "delivered", "failed"]


ItemStateOut = Literal["queued", "running", "done", "failed", "cancelled", "superseded"]


class JobItemStateOut(BaseModel):
    index: int
    id: str
    state: ItemStateOut
    cached: bool
    attempts: int
    external_id: str | None
    revision: int | None


class JobOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    created_at: str
    updated_at: str
    targets: list[str]
    length: str
    source: dict[str, Any] | None
    progress: ProgressOut
    results: str = Field(description="Where the results are, paged.")
    webhook: WebhookOut | None
    items: list[JobItemStateOut] | None = None


class JobResultOut(BatchItemOut):
    title: str | None
    link: str | None
    state: ItemStateOut
    cached: bool
    external_id: str | None
    revision: int | None


class JobResultsPage(BaseModel):
    job: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    offset: int
    limit: int
    total: int
    items: list[JobResultOut]
    next: str | None = Field(description="The next page, or null on the last one.")


class DocumentOut(BaseModel):
    external_id: str
    revision: int | None
    made_at: str = Field(description="When these summaries were made.")
    job: str | None = Field(description="The job that made them; null for a single request.")
    targets: list[str]
    length: str
    result: SummarizeResponse


class LanguageOut(BaseModel):
    code: str
    name: str
    target: bool


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


# What each error status means, and the codes it carries (docs/api.md has the whole table).
ERROR_CODES: dict[int, str] = {
    400: "`invalid_json`: the body is not JSON; `fetch_refused`: a feed URL on a refused address.",
    401: "`unauthorized`: no key, or an unknown, revoked or expired key or token.",
    403: "`forbidden`, `origin_not_allowed`: the key or token may not do this, or not from here.",
    404: "`not_found`, `job_not_found`, `document_not_found` (also another key's job or story), "
    "`model_not_found`.",
    409: "`job_finished`, `job_not_finished`, `idempotency_conflict`.",
    413: "`body_too_large`, `text_too_large`, `too_many_items`, `request_too_large`, "
    "`feed_too_large`: over a size limit, refused before any model runs; `text_too_long`: more "
    "than the translator's context.",
    422: "`invalid_request` (the body does not match this schema), `unsupported_target`, "
    "`unsupported_language`, `undetectable_language`, `invalid_origin`, `feed_unreadable`, "
    "`empty_feed`, `webhook_refused`, `webhook_secret_required`.",
    429: "`rate_limited` (the key's quotas, with `RateLimit-*`) or `overloaded` (too much "
    "waiting); both with `Retry-After`.",
    408: "`request_timeout`: the request body stalled.",
    500: "`internal_error`: a server fault; the server logged the details.",
    502: "`fetch_failed`, `too_many_redirects`: the feed could not be fetched.",
    503: "`not_ready`, `model_not_available`: the models are loading, or missing; "
    "`shutting_down`: the server drains; `storage_unavailable`: the database cannot be written.",
    504: "`fetch_timeout`: the feed took too long to fetch.",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}},
}


def error_responses(*statuses: int, model: Any = ErrorBody) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of a route's errors, each in the one error shape (`model`)."""
    return {
        status: {
            "model": model,
            "description": ERROR_CODES[status],
            **({"headers": _HEADERS[status]} if status in _HEADERS else {}),
        }
        for status in statuses
    }


# Those of every route that takes a JSON body; routes that only read have fewer.
BODY_ERRORS = (400, 401, 403, 408, 413, 422, 429, 500, 503)
