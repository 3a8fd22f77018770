"""Chinese script conversion with OpenCC: Simplified and Traditional."""

from __future__ import annotations

from functools import cache

import opencc

from .scripts import HAN_CHAR


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    return str(_converter("s2t").convert(text))


def script_variant_counts(text: str) -> tuple[int, int]:
    """How many distinct Han characters are Simplified-only and Traditional-only."""
    chars = sorted(set(HAN_CHAR.findall(text)))
    if not chars:
        return 0, 0
    simplified = to_simplified("\n".join(chars)).split("\n")
    traditional = to_traditional("\n".join(chars)).split("\n")
    traditional_only = sum(a != b for a, b in zip(chars, simplified, strict=False))
    simplified_only = sum(a != b for a, b in zip(chars, traditional, strict=False))
    return simplified_only, traditional_only
