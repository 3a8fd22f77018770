"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr

from ..languages import source_language, target_language


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("text is empty")
    return text


Text = Annotated[StrictStr, AfterValidator(_not_blank)]


class SummarizeRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text": "Japanese Prime Minister ...", "targets": ["en", "zh"]}]
        }
    )

    text: Text = Field(description="The article, plain text.")
    title: StrictStr | None = Field(None, description="The headline, if separate from the text.")
    source_language: StrictStr | None = Field(
        None, description="The article's language (e.g. 'fr', 'zh-Hant'); detected when absent."
    )
    targets: list[StrictStr] = Field(
        default_factory=lambda: ["en", "zh"],
        min_length=1,
        max_length=3,
        description="Summaries to return: 'en', 'zh' (Simplified, also 'zh-Hans') or 'zh-Hant'.",
    )
    length: Literal["short", "medium", "long"] = "medium"

    def target_codes(self) -> dict[str, str]:
        """Each requested target, as written, mapped to its catalogue code; duplicates folded."""
        codes: dict[str, str] = {}
        for target in self.targets:
            code = target_language(target)
            if code not in codes.values():
                codes[target] = code
        return codes

    def source_code(self) -> str | None:
        return source_language(self.source_language) if self.source_language else None


class DetectRequest(BaseModel):
    text: Text


class DetectResponse(BaseModel):
    language: str
    confidence: float


class SummaryChecks(BaseModel):
    unsupported_numbers: list[str] = Field(description="Numbers the article does not state.")
    unsupported_names: list[str] = Field(description="Names the article never writes.")
    untranslated: list[str] = Field(description="Words left in the wrong language.")


class SummaryOut(BaseModel):
    text: str
    language: str
    words: int
    checks: SummaryChecks


class RouteStepOut(BaseModel):
    stage: str
    model: str
    source: str | None
    target: str | None
    ms: float
    batch_size: int
    prompt_tokens: int
    completion_tokens: int
    prefill_ms: float | None


class SummarizeResponse(BaseModel):
    source_language: str
    language_confidence: float
    language_detected: bool
    summaries: dict[str, SummaryOut]
    chunks: int = Field(description="Pieces the article was summarized in; 1 unless it was long.")
    route: list[RouteStepOut]
    warnings: list[str]


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
    status: {"model": ErrorBody} for status in (400, 413, 422, 429, 503)
}
