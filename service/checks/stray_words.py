"""English words left in a Chinese summary: which are stray, and names the model half-wrote.

Both read the article's own Latin-script names (`latin_names`, held by `ArticleFacts`): a
capitalised word that the article writes capitalised mid-sentence, or at a sentence's start
where it is no ordinary English word ("Facebook"), each part of a hyphenated one
("Parse-Plattform" gives "Parse"), or, in a Chinese article, any Latin word it keeps (names,
brands). Chinese news keeps such names in letters; other words are leftovers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from ..text.scripts import ASCII_WORD, HAN_CHAR, HAN_UNIFIED, LATIN
from ..text.sentences import split_sentences
from .chinese_names import is_english_word, is_ordinary_word, transliteration_spans
from .names import CALENDAR_WORDS as _CALENDAR
from .names import FUNCTION_WORDS as _FUNCTION_WORDS

_IDENTIFIER = re.compile(r"[0-9_]|[a-z][A-Z]")  # code, model numbers, product names
_DOMAIN = re.compile(
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2}|com|org|net|gov|edu|info)\b(?:/\S*)?", re.I
)
_LATIN_TOKEN = re.compile(f"[{LATIN}0-9_](?:[{LATIN}0-9_'’\\-]*[{LATIN}0-9_])?")
_QUOTED = re.compile(f'(?<=[“"「（(])[{LATIN}][^“”"「」（）()]*?(?=[”"」）)])')
_LATIN_SPAN = re.compile(f"[{LATIN}][{LATIN}'’\\-]*(?:[ ]+[{LATIN}][{LATIN}'’\\-]*)+")
_POSSESSIVE = re.compile(r"['’]s$")
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_TAG = re.compile(r"(?<![\w#@])[#@][\w-]+|:[a-z_]+:")  # #hashtags, @mentions, :emoji:
_METRIC_UNIT = re.compile(
    r"(?<=\d)\s?(?:[kcmµn]?m|[km]?g|m?l|k?w|kwh|[kmg]?hz|m?s|ha)[23²³]?(?:/[a-z]+)?(?![A-Za-z])"
)
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae", "œ": "oe", "ß": "ss"}
)
_ACRONYM = re.compile(r"^[A-Z]{2,}s?$")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}")
_GLUED_FRAGMENT = re.compile(f"([{HAN_UNIFIED}]+)([a-z]{{2,}})(?![A-Za-z])")
_VOWEL_GROUP = re.compile(r"[aeiouy]+", re.IGNORECASE)
_PREFIX = 5
_NAME_DOT = "·・‧•"
_HALF_BEFORE = re.compile(f"([{HAN_UNIFIED}]+)[{_NAME_DOT}]([A-Z][A-Za-z'’-]+)")  # 阿里亚·Arita
_HALF_AFTER = re.compile(f"([A-Z][A-Za-z'’-]+)[{_NAME_DOT}]([{HAN_UNIFIED}]+)")  # Akira·阿拉蒂


def latin_names(source: str) -> set[str]:
    """The Latin-script words of `source` that a Chinese summary may keep as written.

    A capitalized word is a name where a sentence does not open with it; where one does, when
    it is no ordinary English word ("Facebook"), or when it stands alone before lower-case
    words ("Flake said", "Stark's men") and the source never writes it in lower case, is no
    function word, weekday or month, and is no plural ("Officials"). A run of capitalized words
    at a sentence's start ("President Donald Trump") counts its first word only when that is no
    ordinary word. Each name is also kept without its accents ("Erkoç" as "Erkoc"), and so are
    the letters between its accented ones ("kka" of "Grünerløkka"), since a translation may
    lose them.
    """
    if HAN_CHAR.search(source):  # a Chinese source's own Latin words (names, brands) may stay
        return set(ASCII_WORD.findall(source))
    lower = {word for word in _LATIN_TOKEN.findall(source) if word.islower()}
    names: set[str] = set()
    for line in source.splitlines():
        for sentence in split_sentences(line):
            matches = list(_LATIN_TOKEN.finditer(sentence))
            for i, match in enumerate(matches):
                word = _POSSESSIVE.sub("", match[0])
                if not word[:1].isupper() or _IDENTIFIER.search(word):
                    continue
                if i > 0 or _is_name_opening(word, matches, sentence, lower):
                    names.add(word)
    names |= {part for name in names for part in name.split("-") if part[:1].isupper()}
    names |= {fold(name) for name in names}
    return names | {
        part
        for name in names
        if not name.isascii()
        for part in re.split(r"[^A-Za-z]+", name)
        if len(part) >= 3
    }


def _is_name_opening(
    word: str, matches: list[re.Match[str]], sentence: str, lower: set[str]
) -> bool:
    """Whether `word`, the first of `sentence`, is a name (see `latin_names`)."""
    base = word.split("-")[0]
    if base.lower() in _FUNCTION_WORDS or base in _CALENDAR:
        return False
    if not is_ordinary_word(base, compound=False):
        return True
    if len(matches) > 1:
        between = sentence[matches[0].end() : matches[1].start()]
        if matches[1][0][:1].isupper() and not between.strip():
            return False  # a title or a word opening a run: "President Donald Trump"
    return base.lower() not in lower and not _is_plural(base)


def _is_plural(word: str) -> bool:
    lower = word.lower()
    return lower.endswith("s") and any(
        is_ordinary_word(lower[: -len(ending)] + added, compound=False)
        for ending, added in (("s", ""), ("es", ""), ("ies", "y"))
        if lower.endswith(ending)
    )


def fold(word: str) -> str:
    """`word` without accents: "Erkoç" is "Erkoc", "Grünerløkka" "Grunerlokka"."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stray_english_words(chinese: str, names: Collection[str], source: str = "") -> list[str]:
    """Latin-script words in a Chinese text that are neither acronyms nor `names`.

    `names` (see `latin_names`) tells "Trump" (allowed) from "tariffs" (to be translated); a
    word counts as a name also when it begins like one ("Encinita" for "Encinitas"), or is one
    letter away from one ("Brank" for "Brink"). A lower-case word that `source` writes and that
    is no English word ("cella", "wifi", "nodejs") is a foreign word or a brand where the source
    is English, though not an abbreviation without vowels ("mph"); in a German source it is a
    German word left untranslated. A phrase
    of several words that `source` writes, in quotes or with a capital ("Marks and Spencer",
    "Il faut bien le faire"), is a name or a quotation kept in its language. Identifiers with
    digits, underscores or inner capitals ("CreateViewport", "iPhone", "COVID-19"), words with
    accents, web and mail addresses, hashtags, mentions, emoji codes (":smile:") and metric
    unit symbols after a number ("35 mm", "133 m/s") are kept as written; "mph" is not metric.
    """
    text = _DOMAIN.sub(" ", _DOTTED_ACRONYM.sub(" ", _ADDRESS.sub(" ", chinese)))
    text = _METRIC_UNIT.sub(" ", _TAG.sub(" ", text))
    source_words = [_POSSESSIVE.sub("", token) for token in _LATIN_TOKEN.findall(source)]
    folded = f" {' '.join(source_words).lower()} "
    lower = [word for word in dict.fromkeys(source_words) if word.islower()]
    unknown = {word for word in lower if not is_english_word(word)}
    # in an English source, a foreign word or a brand; in another language's, any of its words
    english_source = len(unknown) <= len(lower) / 3
    foreign = {word for word in unknown if _VOWEL_GROUP.search(word)} if english_source else set()
    kept = [span for span in _LATIN_SPAN.findall(text) if span.lower() != span]
    for span in kept + _QUOTED.findall(text):
        if f" {' '.join(_LATIN_TOKEN.findall(span.lower()))} " in folded:
            text = text.replace(span, " ")
    lower_names = {name.lower() for name in names}
    keys = {name.lower()[:_PREFIX] for name in names if len(name) >= _PREFIX}
    long_names = [name.lower() for name in names if len(name) >= _PREFIX and name[0].isupper()]
    stray: list[str] = []
    for token in _LATIN_TOKEN.findall(text):
        word = re.sub(r"['’]s$", "", token)
        if not word.isascii() or _IDENTIFIER.search(word) or not ASCII_WORD.fullmatch(word):
            continue
        if len(word) == 1 or _ACRONYM.match(word) or word in names or word in stray:
            continue
        if word.lower() in lower_names or (word.lower()[:_PREFIX] in keys and len(word) >= _PREFIX):
            continue
        if word in foreign or _near_any(word.lower(), long_names, 5 if word[0].isupper() else 6):
            continue
        stray.append(word)
    return stray


def _near_any(word: str, names: list[str], shortest: int) -> bool:
    """Whether `word`, of `shortest` letters or more, is one letter (added, dropped or
    changed) away from one of `names`."""
    if len(word) < shortest:
        return False
    for name in names:
        if abs(len(name) - len(word)) > 1:
            continue
        if len(name) == len(word):
            if sum(a != b for a, b in zip(name, word, strict=True)) == 1:
                return True
            continue
        short, long = sorted((name, word), key=len)
        if any(long[:i] + long[i + 1 :] == short for i in range(len(long))):
            return True
    return False


def restore_name_fragments(
    chinese: str, names: Collection[str]
) -> tuple[str, list[tuple[str, str]]]:
    """Put back a name the model began in Chinese and finished in letters (阿rita for "Arita").

    The Han characters just before the fragment stand for the rest of the name, one per
    syllable, so those characters and the fragment become the name as `names` write it.
    Returns the text and each (span, name) replaced.
    """
    longest_first = sorted(names, key=len, reverse=True)
    restored: list[tuple[str, str]] = []

    def restore(match: re.Match[str]) -> str:
        han, fragment = match.group(1), match.group(2)
        for name in longest_first:
            if len(name) > len(fragment) and name.lower().endswith(fragment.lower()):
                rest = name[: len(name) - len(fragment)]
                syllables = max(1, len(_VOWEL_GROUP.findall(rest)))
                if len(han) >= syllables:
                    span = han[-syllables:] + fragment
                    restored.append((span, name))
                    return han[:-syllables] + name
        return match.group(0)

    return _GLUED_FRAGMENT.sub(restore, chinese), restored


def restore_half_transliterated(
    chinese: str, runs: Collection[str]
) -> tuple[str, list[tuple[str, str]]]:
    """Write a name that is half transliterated, half in letters (阿里亚·Arita), wholly as the
    article writes it (Akira Arita): a name with no established Chinese form stays in letters.

    `runs` are the article's names of several words; the Han characters joined to a word of
    one by a name dot are taken for its other words: as many as transliterate them, or one
    per syllable. Returns the text and each (span, name) replaced.
    """
    restored: list[tuple[str, str]] = []
    names = [words for words in map(_without_title, runs) if len(words) > 1]

    def restore(match: re.Match[str], han_first: bool) -> str:
        han, word = (match.group(1), match.group(2)) if han_first else match.group(2, 1)
        for words in names:
            if word not in words:
                continue
            others = words[: words.index(word)] if han_first else words[words.index(word) + 1 :]
            if not others:
                continue
            syllables = _syllables_of(others, han, han_first)
            if len(han) < syllables:
                continue
            kept = han[: len(han) - syllables] if han_first else han[syllables:]
            span = (
                match.group(0)[len(kept) :] if han_first else match.group(0)[: -len(kept) or None]
            )
            name = " ".join(words)
            restored.append((span, name))
            return kept + name if han_first else name + kept
        return match.group(0)

    chinese = _HALF_BEFORE.sub(lambda m: restore(m, True), chinese)
    chinese = _HALF_AFTER.sub(lambda m: restore(m, False), chinese)
    return chinese, restored


def _without_title(run: str) -> list[str]:
    """The words of a run of capitalized words, without the ordinary ones that open it
    ("Negotiator Akira Arita")."""
    words = run.split()
    while len(words) > 1 and is_ordinary_word(words[0], compound=False):
        words.pop(0)
    return words


def _syllables_of(words: list[str], han: str, han_first: bool) -> int:
    """How many characters at the dot's side of `han` write `words`."""
    at_dot = [
        (start, end)
        for start, end in transliteration_spans(words, han)
        if (end == len(han) if han_first else start == 0)
    ]
    if at_dot:
        return max(end - start for start, end in at_dot)
    return sum(max(1, len(_VOWEL_GROUP.findall(word))) for word in words)
