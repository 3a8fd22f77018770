from __future__ import annotations

import pytest

from service.errors import LingosumError
from service.pipeline.stages.detect import LanguageDetector

SAMPLES = {
    "en": "The city council approved a new budget on Tuesday after a long debate about "
    "schools and roads.",
    "fr": "Le conseil municipal a approuvé mardi un nouveau budget après un long débat sur "
    "les écoles et les routes.",
    "de": "Der Stadtrat hat am Dienstag nach einer langen Debatte über Schulen und Straßen "
    "einen neuen Haushalt beschlossen.",
    "es": "El ayuntamiento aprobó el martes un nuevo presupuesto tras un largo debate sobre "
    "las escuelas y las carreteras.",
    "ru": "Городской совет во вторник утвердил новый бюджет после долгих дебатов о школах "
    "и дорогах.",
    "zh-Hans": "市议会周二在就学校和道路问题进行长时间辩论后批准了新的预算。",
    "zh-Hant": "市議會週二在就學校和道路問題進行長時間辯論後批准了新的預算。",
    "ja": "市議会は火曜日、学校と道路についての長い議論の後、新しい予算を承認した。",
    "ko": "시의회는 화요일 학교와 도로에 관한 긴 토론 끝에 새 예산을 승인했다.",
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_detects_language(detector: LanguageDetector, language: str) -> None:
    (detection,) = detector.detect([SAMPLES[language]])
    assert detection.language == language
    assert 0.5 <= detection.confidence <= 1.0


def test_batch_keeps_order(detector: LanguageDetector) -> None:
    languages = sorted(SAMPLES)
    detections = detector.detect([SAMPLES[code] for code in languages])
    assert [d.language for d in detections] == languages


def test_deterministic_across_calls_and_instances(detector: LanguageDetector) -> None:
    # Short, ambiguous Latin texts are where unseeded langdetect varies between calls.
    texts = ["Bonjour", "ok", "Der Rat", "El plan", SAMPLES["fr"]]
    first = detector.detect(texts)
    for _ in range(3):
        assert detector.detect(texts) == first
    assert LanguageDetector().detect(texts) == first


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("漢字", "zh-Hant"),
        ("台灣的經濟", "zh-Hant"),
        ("中文", "zh-Hans"),  # no marked characters: Simplified by default
        ("日本", "zh-Hans"),  # Han alone is Chinese, not Japanese or Korean
        ("한국", "ko"),
        ("大韓民國 정부는 오늘 발표했다", "ko"),  # Hanja mixed into Korean
        ("東京で会議が開かれた", "ja"),
    ],
)
def test_script_rules(detector: LanguageDetector, text: str, language: str) -> None:
    assert detector.detect([text])[0].language == language


def test_han_only_text_is_never_korean(detector: LanguageDetector) -> None:
    # Traditional Chinese that plain langdetect often calls Korean.
    texts = ["總統府發言人表示，會議將於下週舉行。", "國會議員昨日通過預算案", "韓國總統"]
    for detection in detector.detect(texts):
        assert detection.language in {"zh-Hans", "zh-Hant"}


def test_latin_text_with_a_few_han_characters_goes_to_the_statistical_detectors(
    detector: LanguageDetector,
) -> None:
    text = "Growth in 中国 was strong this year in every province, officials said."
    (detection,) = detector.detect([text])
    assert detection.language == "en"
    assert detection.confidence > 0.9


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # single words and word pairs, where langdetect alone guesses wrongly
        ("house", "en"),
        ("government spending", "en"),
        ("Bundesregierung", "de"),
        ("правительство", "ru"),
        ("économie française", "fr"),
        ("الحكومة", "ar"),
    ],
)
def test_short_texts(detector: LanguageDetector, text: str, language: str) -> None:
    assert detector.detect([text])[0].language == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Apple 公司周二发布了新款手机，售价为 999 美元。", "zh-Hans"),
        ("蘋果公司週二發佈了新款 iPhone 手機。", "zh-Hant"),
        ("ソニーは Xperia の新型を発表した。", "ja"),
        ("삼성전자는 Galaxy 신제품을 공개했다.", "ko"),
        ("Der Konzern 华为 stellte am Dienstag ein neues Telefon vor.", "de"),
    ],
)
def test_mixed_scripts(detector: LanguageDetector, text: str, language: str) -> None:
    assert detector.detect([text])[0].language == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("这个国家的经济发展很快", "zh-Hans"),
        ("這個國家的經濟發展很快", "zh-Hant"),
        ("鸟", "zh-Hans"),
        ("鳥", "zh-Hant"),
    ],
)
def test_traditional_and_simplified(detector: LanguageDetector, text: str, language: str) -> None:
    assert detector.detect([text])[0].language == language


def test_latin_text_is_never_reported_as_cjk(detector: LanguageDetector) -> None:
    # fastText knows romanised Chinese and Japanese; without their script they cannot win.
    for text in ["Nihon no keizai", "Zhongguo jingji", "ni hao"]:
        assert detector.detect([text])[0].language not in {"zh-Hans", "zh-Hant", "ja", "ko"}


@pytest.mark.parametrize("text", ["", "   ", "12345 !!! 3.5%", "。，！"])
def test_text_without_letters_is_rejected(detector: LanguageDetector, text: str) -> None:
    with pytest.raises(LingosumError) as raised:
        detector.detect([text])
    assert raised.value.status == 422
    assert raised.value.code == "undetectable_language"
