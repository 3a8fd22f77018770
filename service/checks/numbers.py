"""Finding the numbers a text states, so a summary's numbers can be checked against its source.

Sources are read generously (digits with either decimal mark, number words, month names,
Chinese numerals, scaled amounts) and summaries strictly (digits, and Chinese numerals that
carry a unit; an amount with a scale word means the scaled value only, so "310亿" is not
"310 million"), so a summary number counts as supported when any reading of the source
states it.
"""

from __future__ import annotations

import re
import warnings
from difflib import get_close_matches

import cn2an
from text_to_num import alpha2digit

from ..text.languages import is_chinese

_DIGITS = re.compile(r"(?<![A-Za-z0-9.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
# "1,4 million" and "150.000" in languages that write a decimal comma.
_DIGITS_DECIMAL_COMMA = re.compile(r"(?<![A-Za-z0-9,])(\d{1,3}(?:[.\u00a0]\d{3})+|\d+)(?:,(\d+))?")
_DECIMAL_COMMA_LANGS = {
    "fr",
    "de",
    "es",
    "pt",
    "it",
    "nl",
    "ru",
    "pl",
    "tr",
    "da",
    "sv",
    "no",
    "fi",
    "cs",
    "sk",
    "uk",
    "ro",
    "hu",
    "bg",
    "hr",
    "sl",
    "el",
    "id",
    "vi",
}
_SCALES = {
    "千": 1e3,
    "万亿": 1e12,
    "万": 1e4,
    "亿": 1e8,
    "thousand": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "millionen": 1e6,
    "millón": 1e6,
    "millones": 1e6,
    "milhão": 1e6,
    "milhões": 1e6,
    "milione": 1e6,
    "milioni": 1e6,
    "miljoen": 1e6,
    "mio": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "mrd": 1e9,
    "miliardo": 1e9,
    "miliardi": 1e9,
    "trillion": 1e12,
}
_SCALE_AFTER = re.compile(
    r"\s*(万亿|万|亿|千(?![米克瓦赫卡字])|"
    + "|".join(w for w in _SCALES if w.isascii() or len(w) > 2)
    + r")(?![a-z])",
    re.IGNORECASE,
)
_CHINESE_SCALE_AFTER = re.compile(r"\s*(万亿|亿|万)")
_ENGLISH_SCALE_AFTER = re.compile(r"\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
# A scale word after digits is read with them; text2num would also read it alone (1e9).
_SCALE_WORD_AFTER_DIGIT = re.compile(r"(?<=\d)" + _ENGLISH_SCALE_AFTER.pattern, re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# A capitalised month name ("in early April") states its month; "May" only where it is
# dated, follows a preposition, ends a clause ("it's only May.") or is a subject ("May would
# pop up"; the verb takes no auxiliary), as it is also a verb and a surname.
_MONTH_WORD = re.compile(
    r"\b(?!May\b)(" + "|".join(name.title() for name in _MONTHS) + r")\b"
    r"|\b(?i:in|early|late|mid|since|until|by|of|this|last|next)[\s-]+(May)\b"
    r"|\b(May)\.?(?=\s+\d|[,.;!?]|\s+(?:would|will|is|was|has|had|comes|came)\b)"
)
# A dated month name misspelt by a letter ("Novemeber 26") still states its month.
_DATED_WORD = re.compile(r"\b([A-Z][a-z]{4,10})\.?(?=\s+\d{1,2}\b)")
_MONTH_NAMES = [name for name in _MONTHS if len(name) > 3]
# French, German, Spanish, Portuguese and Italian month names, in calendar order.
_OTHER_MONTHS = {
    name: number
    for names in (
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "januar februar märz april mai juni juli august september oktober november dezember",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
        "dicembre",
    )
    for number, name in enumerate(names.split(), start=1)
}
_OTHER_MONTH_WORD = re.compile(r"\b(" + "|".join(_OTHER_MONTHS) + r")\b", re.IGNORECASE)
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_CN_PERCENT = re.compile(rf"百分之([{_CN_NUMERAL}点]+)")
_CN_NUMBER = re.compile(
    rf"(第)?([{_CN_NUMERAL}]+)(?=(分钟|小时|[月日号年轮次天周个名位项家倍人岁元%多]))"
)
# "十分重要" means "very important"; "五十分" is fifty (minutes, points)
_IDIOMATIC_TEN = re.compile(r"(?<![零〇二两三四五六七八九百千万亿])十分(?!钟)")
_APPROXIMATE_BEFORE = ("数", "几", "上")
_APPROXIMATE_AFTER = ("几", "多", "余", "来")
_WEEKDAY_BEFORE = ("周", "星期", "礼拜")
_ANAPHORIC_BEFORE = ("这", "那", "后", "前")
_PERIOD_AFTER = re.compile(r"\s*(年代|世纪|s\b)")
_IMPLIED = {
    "both": 2,
    "twice": 2,
    "double": 2,
    "pair": 2,
    "runoff": 2,  # a second round
    "decade": 10,
    "dozen": 12,
} | {
    f"{tens}ies": 10 * n
    for n, tens in enumerate(
        ("twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"), start=2
    )
}
_DECADES = re.compile(r"\b(\d+)\s+decades\b", re.IGNORECASE)  # "2 decades", read from "two"
_ROMAN = {"II": 2, "III": 3, "IV": 4, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
_ROMAN_WORD = re.compile(r"\b(" + "|".join(_ROMAN) + r")\b")
_IMPLIED_WORD = re.compile(r"\b(" + "|".join(_IMPLIED) + r")\b", re.IGNORECASE)
_CLOCK_TIME = re.compile(r"\b(\d{1,2})[.:](\d{2})\s*(?:am|pm|a\.m\.|p\.m\.)", re.IGNORECASE)
_SHORT_SCALES = {"bn": 1e9, "m": 1e6, "k": 1e3}
_SHORT_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s?(bn|m|k)\b", re.IGNORECASE)
_ALPHA2DIGIT_LANGS = {"en", "fr", "es", "pt", "de", "nl", "it", "da"}
_TRADITIONAL_NUMERALS = str.maketrans("兩萬億", "两万亿")  # Traditional sources write these


def source_numbers(text: str, language: str = "en") -> set[float]:
    """Every number the source states in any form, plus scaled values (3.5 billion = 3.5e9)."""
    text = text.translate(_TRADITIONAL_NUMERALS)
    values = _digit_values(text)
    if language.split("-")[0] in _DECIMAL_COMMA_LANGS:
        values |= _digit_values(text, _DIGITS_DECIMAL_COMMA)
    words_as_digits = _number_words_to_digits(text, language)
    if words_as_digits != text:
        values |= _digit_values(words_as_digits)
    values |= {10 * float(n) for n in _DECADES.findall(words_as_digits)}
    values |= {float(_ROMAN[numeral]) for numeral in _ROMAN_WORD.findall(text)}
    months = (m.group(m.lastindex or 0) for m in _MONTH_WORD.finditer(text))
    values |= {float(_MONTHS[month.lower()]) for month in months}
    for word in _DATED_WORD.findall(text):
        values |= {float(_MONTHS[m]) for m in get_close_matches(word.lower(), _MONTH_NAMES, 1, 0.9)}
    if language.split("-")[0] in {"fr", "de", "es", "pt", "it"}:
        found = _OTHER_MONTH_WORD.findall(text)
        values |= {float(_OTHER_MONTHS[month.lower()]) for month in found}
    values |= _chinese_values(text, require_unit=False)
    values |= {float(_IMPLIED[word.lower()]) for word in _IMPLIED_WORD.findall(text)}
    for match in _CLOCK_TIME.finditer(text):  # "7.55am" states 7 and 55, as "7:55" does
        values |= {float(match.group(1)), float(match.group(2))}
    for match in _SHORT_SCALE.finditer(text):  # "£2.8bn", "£125m"
        values.add(round(float(match.group(1)) * _SHORT_SCALES[match.group(2).lower()], 6))
    return values


def summary_numbers(text: str) -> list[tuple[str, set[float]]]:
    """The numbers a summary states: each with its span and the values it may stand for. A
    decade or century ("30 年代", "八十年代", "20 世纪") stands for the years in it as well."""
    found = [
        (m.group(0), _scaled(m, text) or _period(_value(m), text, m.end()))
        for m in _DIGITS.finditer(text)
    ]
    for span, value, end in _chinese_spans_at(text, require_unit=True):
        found.append((span, _period(value, text, end)))
    return found


def _period(value: float, text: str, end: int) -> set[float]:
    """`value`, and the years it stands for where 年代 or 世纪 follows it."""
    period = _PERIOD_AFTER.match(text, end)
    if not period or value != int(value) or value <= 0:
        return {value}
    if period.group(1) == "世纪" and value <= 21:
        return {value} | {float(year) for year in range(int(value - 1) * 100, int(value) * 100)}
    if period.group(1) != "世纪" and value < 100:  # "19 世纪 30 年代" is the 1830s
        return {value} | {century + value for century in range(1000, 2100, 100)}
    return {value}


def unsupported_numbers(summary: str, source: str, language: str = "en") -> list[str]:
    """Spans of numbers in `summary` that `source` does not state."""
    return numbers_outside(summary, source_numbers(source, language))


def numbers_outside(summary: str, supported: set[float]) -> list[str]:
    """Spans of numbers in `summary` outside `supported` (from `source_numbers`, read once)."""
    return [span for span, values in summary_numbers(summary) if not values & supported]


def amounts_in_target_units(text: str, source: str, target: str) -> str:
    """`text`, about to be translated, with its amounts in the units of the language it is
    translated into: the default model converts between 万/亿 and million/billion wrongly
    more often than not."""
    if is_chinese(target):
        return with_chinese_amounts(text)
    if is_chinese(source):
        return with_english_amounts(text)
    return text


def chinese_amounts(text: str) -> list[tuple[str, str]]:
    """English amounts with a scale word, each once, with the Chinese for them: ("11 million",
    "1100万"), ("3.5 billion", "35亿")."""
    return _amounts(text, _ENGLISH_SCALE_AFTER, _CHINESE_UNITS, thousands="")


def english_amounts(text: str) -> list[tuple[str, str]]:
    """Amounts in 万 and 亿 with digits, each once, with the English for them: ("23 亿",
    "2.3 billion"), ("1,000 万", "10 million"), ("5万", "50,000")."""
    return _amounts(text, _CHINESE_SCALE_AFTER, _ENGLISH_UNITS, thousands=",")


def with_chinese_amounts(text: str) -> str:
    """ "£11 million" becomes "£1100万", for a text about to be translated into Chinese.

    On the 25 FLORES and NTREX dev sentences with such an amount, the default model's
    translations had wrong numbers in 17; in 3 when the amounts came in Chinese units.
    """
    return _replaced(text, chinese_amounts(text))


def with_english_amounts(text: str) -> str:
    """ "23 亿" becomes "2.3 billion", for a Chinese text about to be translated into English.

    On the 36 FLORES and NTREX dev sentences with such an amount, the default model's
    translations had wrong numbers in 30; in 3 when the amounts came in English units.
    """
    return _replaced(text, english_amounts(text))


_CHINESE_UNITS = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
_ENGLISH_UNITS = ((" trillion", 1e12), (" billion", 1e9), (" million", 1e6))


def _amounts(
    text: str, scale_after: re.Pattern[str], units: tuple[tuple[str, float], ...], thousands: str
) -> list[tuple[str, str]]:
    amounts: dict[str, str] = {}
    for match in _DIGITS.finditer(text):
        scale = scale_after.match(text, match.end())
        if scale:
            value = _value(match) * _SCALES[scale.group(1).lower()]
            unit, size = next(((u, s) for u, s in units if value >= s), ("", 1.0))
            number = f"{value / size:{thousands}.4f}".rstrip("0").rstrip(".")
            amounts[text[match.start() : scale.end()]] = number + unit
    return list(amounts.items())


def _replaced(text: str, amounts: list[tuple[str, str]]) -> str:
    for written, rewritten in amounts:
        text = text.replace(written, rewritten)
    return text


def _value(match: re.Match[str]) -> float:
    whole = re.sub(r"[^\d]", "", match.group(1))
    return round(float(f"{whole}.{match.group(2)}" if match.group(2) else whole), 6)


def _scaled(match: re.Match[str], text: str) -> set[float]:
    scale = _SCALE_AFTER.match(text, match.end())
    if not scale:
        return set()
    return {round(_value(match) * _SCALES[scale.group(1).lower()], 6)}


def _digit_values(text: str, pattern: re.Pattern[str] = _DIGITS) -> set[float]:
    values: set[float] = set()
    for match in pattern.finditer(text):
        values.add(_value(match))
        values |= _scaled(match, text)
    return values


def _number_words_to_digits(text: str, language: str) -> str:
    base = language.split("-")[0]
    if base not in _ALPHA2DIGIT_LANGS:
        return text
    try:
        text = re.sub(r"(?<=[a-z])-+(?=[a-z])", " ", text)  # "three-day" states three
        return str(alpha2digit(_SCALE_WORD_AFTER_DIGIT.sub("", text), base, threshold=0))
    except Exception:  # text2num rejects some inputs it cannot segment; digits still count
        return text


def _chinese_values(text: str, *, require_unit: bool) -> set[float]:
    return {value for _, value in _chinese_spans(text, require_unit=require_unit)}


def _chinese_spans(text: str, *, require_unit: bool) -> list[tuple[str, float]]:
    return [(span, value) for span, value, _ in _chinese_spans_at(text, require_unit=require_unit)]


def _chinese_spans_at(text: str, *, require_unit: bool) -> list[tuple[str, float, int]]:
    """Chinese numerals with their values and where they end. Read strictly
    (`require_unit`, a summary's), a numeral with a unit counts, but not an approximate one
    ("数十年", "几十年", "十多年", "十几岁"), "第二天" (the next day), nor a weekday's numeral
    ("周五一名男子" is one man on Friday)."""
    spans: list[tuple[str, float, int]] = []
    for match in _CN_PERCENT.finditer(text):
        value = _cn_value(match.group(1))
        if value is not None:
            spans.append((match.group(0), value, match.end()))
    remaining = _IDIOMATIC_TEN.sub("  ", _CN_PERCENT.sub(" ", text))
    pattern = _CN_NUMBER if require_unit else re.compile(rf"[{_CN_NUMERAL}]+")
    for match in pattern.finditer(remaining):
        digits = match.group(2) if require_unit else match.group(0)
        span = match.group(0)
        if require_unit:
            before, after = remaining[: match.start()], remaining[match.end(2) :]
            if before.endswith(_APPROXIMATE_BEFORE) or after.startswith(_APPROXIMATE_AFTER):
                continue
            if remaining[match.start() : match.end() + 1] in ("第二天", "第二日"):
                continue
            if before.endswith((*_WEEKDAY_BEFORE, "唯")) and not match.group(1):
                digits, span = digits[1:], span[1:]  # 周五一名, 唯一一次
            if digits == "两" and before.endswith(_ANAPHORIC_BEFORE):
                continue  # "这两个词": the two the text has named
            if before.endswith("非"):
                continue  # 非二元, non-binary
        value = _cn_value(digits) if digits else None
        if value is not None and value != 1:  # 一 is mostly an article ("一些", "统一")
            spans.append((span, value, match.end()))
    return spans


def _cn_value(numeral: str) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return round(float(cn2an.cn2an(numeral, "smart")), 6)
        except (ValueError, KeyError):
            return None
