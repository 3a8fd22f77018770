from __future__ import annotations

import pytest

from service.text.chinese import script_variant_counts, to_simplified, to_traditional

SIMPLIFIED = "经济发展与国际贸易"
TRADITIONAL = "經濟發展與國際貿易"


def test_opencc_conversions_round_trip() -> None:
    assert to_simplified(TRADITIONAL) == SIMPLIFIED
    assert to_traditional(SIMPLIFIED) == TRADITIONAL
    assert to_simplified(SIMPLIFIED) == SIMPLIFIED
    assert to_traditional("Apple 3.5%") == "Apple 3.5%"  # non-Han text is left alone


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("经济发展", (3, 0)),  # 经 济 发 are Simplified-only; 展 is shared
        ("經濟發展", (0, 3)),
        ("中文", (0, 0)),  # shared by both scripts
        ("hello 123", (0, 0)),
        ("", (0, 0)),
    ],
)
def test_script_variant_counts(text: str, counts: tuple[int, int]) -> None:
    assert script_variant_counts(text) == counts


def test_script_variant_counts_distinct_characters() -> None:
    assert script_variant_counts("经经经经") == (1, 0)
