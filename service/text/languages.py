"""Language codes the service knows: what detection can report and what summaries can target."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..errors import LingosumError


@dataclass(frozen=True)
class Language:
    code: str
    name: str


# Everything langdetect's profiles know, with its zh-cn/zh-tw spelled as BCP 47 script subtags.
KNOWN_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("af", "Afrikaans"),
        Language("ar", "Arabic"),
        Language("bg", "Bulgarian"),
        Language("bn", "Bengali"),
        Language("ca", "Catalan"),
        Language("cs", "Czech"),
        Language("cy", "Welsh"),
        Language("da", "Danish"),
        Language("de", "German"),
        Language("el", "Greek"),
        Language("en", "English"),
        Language("es", "Spanish"),
        Language("et", "Estonian"),
        Language("fa", "Persian"),
        Language("fi", "Finnish"),
        Language("fr", "French"),
        Language("gu", "Gujarati"),
        Language("he", "Hebrew"),
        Language("hi", "Hindi"),
        Language("hr", "Croatian"),
        Language("hu", "Hungarian"),
        Language("id", "Indonesian"),
        Language("it", "Italian"),
        Language("ja", "Japanese"),
        Language("kn", "Kannada"),
        Language("ko", "Korean"),
        Language("lt", "Lithuanian"),
        Language("lv", "Latvian"),
        Language("mk", "Macedonian"),
        Language("ml", "Malayalam"),
        Language("mr", "Marathi"),
        Language("ne", "Nepali"),
        Language("nl", "Dutch"),
        Language("no", "Norwegian"),
        Language("pa", "Punjabi"),
        Language("pl", "Polish"),
        Language("pt", "Portuguese"),
        Language("ro", "Romanian"),
        Language("ru", "Russian"),
        Language("sk", "Slovak"),
        Language("sl", "Slovenian"),
        Language("so", "Somali"),
        Language("sq", "Albanian"),
        Language("sv", "Swedish"),
        Language("sw", "Swahili"),
        Language("ta", "Tamil"),
        Language("te", "Telugu"),
        Language("th", "Thai"),
        Language("tl", "Tagalog"),
        Language("tr", "Turkish"),
        Language("uk", "Ukrainian"),
        Language("ur", "Urdu"),
        Language("vi", "Vietnamese"),
        Language("zh-Hans", "Chinese (Simplified)"),
        Language("zh-Hant", "Chinese (Traditional)"),
    )
}

# Summaries can be asked for in these; "zh" alone means Simplified.
TARGET_LANGUAGES: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant")

_ALIASES = {
    "zh": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "zh-hant": "zh-Hant",
    "iw": "he",
    "nb": "no",
    "nn": "no",
    "fil": "tl",
}


def canonical_code(code: str) -> str | None:
    """The catalogue code for `code` (case-insensitive, aliases and regions folded), or None."""
    parts = code.strip().replace("_", "-").lower().split("-")
    for size in range(len(parts), 0, -1):  # zh-Hant-TW -> zh-Hant, pt-BR -> pt
        candidate = "-".join(parts[:size])
        if candidate == "zh" and size < len(parts):  # zh-XX names no script we know
            return None
        if candidate in _ALIASES:
            return _ALIASES[candidate]
        if candidate in KNOWN_LANGUAGES and candidate != "zh":
            return candidate
    return None


def source_language(code: str) -> str:
    """Validate a caller-given source language."""
    return _one_of(
        KNOWN_LANGUAGES,
        code,
        "unsupported_language",
        f"Unknown source_language {code!r}; GET /v1/languages lists the supported codes.",
    )


def target_language(code: str) -> str:
    """Validate a caller-given summary target."""
    return _one_of(
        TARGET_LANGUAGES,
        code,
        "unsupported_target",
        f"Unknown target {code!r}; summaries can target en, zh (Simplified) or zh-Hant.",
    )


def _one_of(allowed: Collection[str], code: str, error: str, message: str) -> str:
    canonical = canonical_code(code)
    if canonical is None or canonical not in allowed:
        raise LingosumError(error, message, status=422)
    return canonical


def is_chinese(code: str) -> bool:
    return code.startswith("zh")
