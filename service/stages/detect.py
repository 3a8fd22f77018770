"""Language detection: Unicode-script rules for CJK, seeded langdetect for everything else.

langdetect alone calls much Traditional Chinese Korean, so scripts decide first: Hangul
means Korean, kana means Japanese, Han alone means Chinese, and OpenCC tells Simplified
from Traditional. langdetect (seeded, so answers repeat) handles alphabetic scripts.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from ..chinese import script_variant_counts
from ..errors import LingosumError
from ..languages import canonical_code

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_SHARE_TO_DECIDE = 0.3  # CJK characters carry a word each, so 30% of letters is a lot
_KANA_SHARE_FOR_JAPANESE = 0.05

NAME = "script-rules+langdetect"


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float


class LanguageDetector:
    name = NAME

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._lock = threading.Lock()  # langdetect's factory is global state
        self._ready = False

    def detect(self, texts: Sequence[str]) -> list[Detection]:
        return [self._detect_one(text) for text in texts]

    def _detect_one(self, text: str) -> Detection:
        letters = sum(ch.isalpha() for ch in text)
        if letters == 0:
            raise LingosumError(
                "undetectable_language",
                "The text has no letters to detect a language from; set source_language.",
                status=422,
            )
        by_script = self._by_script(text, letters)
        return by_script if by_script else self._by_langdetect(text)

    def _by_script(self, text: str, letters: int) -> Detection | None:
        hangul, kana, han = (len(p.findall(text)) for p in (_HANGUL, _KANA, _HAN))
        cjk = hangul + kana + han
        if cjk / letters < _CJK_SHARE_TO_DECIDE:
            return None
        share = cjk / letters
        if hangul > kana and hangul / cjk > 0.1:
            return Detection("ko", round(share * hangul / cjk, 3))
        if kana / cjk >= _KANA_SHARE_FOR_JAPANESE:
            return Detection("ja", round(share, 3))
        simplified_only, traditional_only = script_variant_counts(text)
        marked = simplified_only + traditional_only
        if traditional_only > simplified_only:
            return Detection("zh-Hant", round(share * traditional_only / marked, 3))
        variant_share = simplified_only / marked if marked else 1.0
        return Detection("zh-Hans", round(share * variant_share, 3))

    def _by_langdetect(self, text: str) -> Detection:
        from langdetect import DetectorFactory, detector_factory
        from langdetect.lang_detect_exception import LangDetectException

        with self._lock:
            if not self._ready:
                detector_factory.init_factory()
                self._ready = True
            DetectorFactory.seed = self._seed
            try:
                candidates = detector_factory.detect_langs(text)
            except LangDetectException as error:
                raise LingosumError(
                    "undetectable_language",
                    "Could not detect the language; set source_language.",
                    status=422,
                ) from error
        for candidate in candidates:
            code = canonical_code(candidate.lang)
            if code and not code.startswith(("zh", "ja", "ko")):  # no CJK without CJK script
                return Detection(code, round(candidate.prob, 3))
        raise LingosumError(
            "undetectable_language", "Could not detect the language; set source_language.", 422
        )
