"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    model_validator,
)

from ..checks.glossary import GlossaryEntry, glossary_of
from ..jobs.webhook import check_secret
from ..pipeline.documents import Options
from ..pipeline.response import SummarizeResponse


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("text is empty")
    return text


Text = Annotated[StrictStr, AfterValidator(_not_blank)]


class GlossaryTerm(BaseModel):
    source: StrictStr = Field(min_length=1, max_length=200, description="The term as written.")
    en: StrictStr | None = Field(None, max_length=200, description="Its English rendering.")
    zh: StrictStr | None = Field(None, max_length=200, description="Its Chinese rendering.")


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
        max_length=500,
        description="How names and terms must be rendered where the article writes them; "
        "these entries win over the API key's glossary for the same source term.",
    )

    def options(self) -> Options:
        """The targets mapped to catalogue codes; 422 `unsupported_target` for an unknown one."""
        glossary = glossary_of(GlossaryEntry(t.source, t.en, t.zh) for t in self.glossary)
        return Options.parse(self.targets, self.length, glossary)


class ArticleFields(BaseModel):
    text: Text = Field(description="The article, plain text.")
    title: StrictStr | None = Field(None, description="The headline, if separate from the text.")
    source_language: StrictStr | None = Field(
        None, description="The article's language (e.g. 'fr', 'zh-Hant'); detected when absent."
    )


class StoryFields(BaseModel):
    external_id: StrictStr | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Your CMS's id of the story; its latest summaries are kept under it.",
    )
    revision: StrictInt | None = Field(
        None,
        ge=0,
        description="The story's revision: a newer one supersedes older ones still queued.",
    )

    @model_validator(mode="after")
    def _revision_of_a_story(self) -> StoryFields:
        if self.revision is not None and self.external_id is None:
            raise ValueError("revision needs the external_id of the story it revises")
        return self


class SummarizeRequest(SummaryOptions, ArticleFields, StoryFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text": "Japanese Prime Minister ...", "targets": ["en", "zh"]}]
        }
    )


class ItemIn(ArticleFields, StoryFields):
    id: StrictStr | None = Field(None, description="Your id for the item; its index if absent.")


# Items are checked one by one, so that one bad item gets its own error and the others run;
# the schema below is what each item should look like.
Items = Annotated[
    list[Any],
    Field(min_length=1, json_schema_extra={"items": ItemIn.model_json_schema()}),
]


class BatchRequest(SummaryOptions):
    items: Items


class JobRequest(SummaryOptions):
    """Exactly one of `items`, `feed_url` (fetched by the server) or `feed` (a feed document)."""

    items: Items | None = None
    feed_url: StrictStr | None = Field(None, description="An RSS or Atom feed to summarize.")
    feed: StrictStr | None = Field(None, description="An RSS or Atom document, as text.")
    webhook_url: StrictStr | None = Field(
        None, pattern=r"^https?://", description="POSTed a signed JSON body when the job ends."
    )
    webhook_secret: Annotated[StrictStr | None, AfterValidator(check_secret)] = Field(
        None,
        description="A Standard Webhooks secret (whsec_...) that signs this job's webhook "
        "instead of the server's.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> JobRequest:
        given = [name for name in ("items", "feed_url", "feed") if getattr(self, name) is not None]
        if len(given) != 1:
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


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 404, 409, 413, 422, 429, 501, 503)
}
