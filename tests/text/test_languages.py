from __future__ import annotations

import pytest

from service.errors import LingosumError
from service.text.languages import (
    KNOWN_LANGUAGES,
    TARGET_LANGUAGES,
    canonical_code,
    is_chinese,
    source_language,
    target_language,
)


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-cn", "zh-Hans"),
        ("zh_SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("ZH-HANS", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh_HK", "zh-Hant"),
        ("zh-hk", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-hant", "zh-Hant"),
        ("ZH-Hant", "zh-Hant"),
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("en_GB", "en"),
        (" fr ", "fr"),
        ("pt-BR", "pt"),
        ("iw", "he"),
        ("nb", "no"),
        ("fil", "tl"),
    ],
)
def test_canonical_code(code: str, canonical: str) -> None:
    assert canonical_code(code) == canonical
    assert canonical in KNOWN_LANGUAGES


@pytest.mark.parametrize("code", ["", "xx", "klingon", "zh-XX", "zz-Hans"])
def test_canonical_code_unknown(code: str) -> None:
    assert canonical_code(code) is None


def test_catalogue_codes_are_their_own_canonical_form() -> None:
    for code in KNOWN_LANGUAGES:
        assert canonical_code(code) == code
    assert "zh" not in KNOWN_LANGUAGES


@pytest.mark.parametrize(("code", "canonical"), [("de", "de"), ("zh_TW", "zh-Hant"), ("JA", "ja")])
def test_source_language(code: str, canonical: str) -> None:
    assert source_language(code) == canonical


@pytest.mark.parametrize("code", ["xx", "", "zh-XX"])
def test_source_language_rejects_unknown(code: str) -> None:
    with pytest.raises(LingosumError) as raised:
        source_language(code)
    assert raised.value.status == 422
    assert raised.value.code == "unsupported_language"


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh_hk", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
    ],
)
def test_target_language(code: str, canonical: str) -> None:
    assert target_language(code) == canonical
    assert canonical in TARGET_LANGUAGES


@pytest.mark.parametrize("code", ["fr", "ja", "xx", ""])
def test_target_language_rejects_non_targets(code: str) -> None:
    with pytest.raises(LingosumError) as raised:
        target_language(code)
    assert raised.value.status == 422
    assert raised.value.code == "unsupported_target"


def test_is_chinese() -> None:
    assert is_chinese("zh-Hans") and is_chinese("zh-Hant")
    assert not is_chinese("en") and not is_chinese("ja")
