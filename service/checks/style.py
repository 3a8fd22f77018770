"""News style: a summary states the news in whole sentences, each saying something new.

Three faults are found and, where it is safe, repaired by removing words, never by writing
new ones:
- a meta opening ("The article discusses…", "这篇文章讨论了…", "本文…"): a clause that
  reports what the article says ("The article says that…", "文章指出，…") is cut off, and a
  sentence that only names the article's topic ("这篇文章讨论了新标志。") is dropped;
- a fragment ("一年后。", "One year later."): too short to state anything, it is dropped;
- a sentence that repeats an earlier one in other words: it is dropped.
A sentence is dropped only while another is left; what cannot be repaired is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.scripts import HAN_CHAR, HAN_RUN
from ..text.sentences import join_sentences, split_sentences

META_OPENING = "meta_opening"
FRAGMENT = "fragment"
REPEATED = "repeated_sentence"

# "The report" or "the story" may be a report the news is about; "this report" is the article.
_DOCUMENT_EN = (
    r"(?:(?:the|this) (?:news )?(?:article|text|piece|passage|post)"
    r"|this (?:news )?(?:report|story|news))"
)
# "The article says (that) …": the clause after the verb states the news.
_REPORTING_EN = re.compile(
    rf"^(?:{_DOCUMENT_EN}|the author) (?:says|said|states|stated|notes|noted|reports|reported|"
    r"explains|mentions|reveals|announces|points out|argues|writes|suggests|claims)"
    r"(?: that\b|:|,)?\s*",
    re.IGNORECASE,
)
_FRAMING_EN = re.compile(
    rf"^(?:according to|in|as stated in|as reported in) {_DOCUMENT_EN},?\s*", re.IGNORECASE
)
# "The article discusses …": what follows names a topic, not a fact.
_TOPIC_EN = re.compile(
    rf"^{_DOCUMENT_EN} (?:discusses|describes|highlights|covers|examines|focuses on|"
    r"talks about|is about|deals with|introduces|presents|outlines|details|explores|"
    r"provides|gives|offers|addresses|reports on|centers on|revolves around)\b",
    re.IGNORECASE,
)
_DOCUMENT_ZH = r"(?:(?:这篇|这则|该|本篇|此)(?:文章|报道|新闻|文)|文章|本文)"
_REPORTING_ZH = re.compile(
    rf"^{_DOCUMENT_ZH}(?:中)?(?:指出|称|提到|表示|说|写道|显示|强调|报道称|报道)[，,：:]?"
)
_FRAMING_ZH = re.compile(rf"^(?:据|根据|从){_DOCUMENT_ZH}(?:中)?(?:称|报道|介绍|来看|看)?[，,]")
_TOPIC_ZH = re.compile(
    rf"^{_DOCUMENT_ZH}(?:主要)?(?:讨论|介绍|讲述|描述|探讨|关注|聚焦|概述|涉及|分析|围绕|谈到|讲|是关于)"
)
_MIN_HAN = 6  # a Chinese sentence shorter than this, with no predicate, is a fragment
_MIN_WORDS = 4  # and so is an English one ("One year later.")
_ZH_PREDICATE = re.compile("[了是有将会在说称要被把过着出进到去来做发成让给用打开写]")
_EN_PREDICATE = re.compile(
    r"\w+(?:ed|es|s)|is|are|was|were|be|has|have|had|will|would|can|could|may|might|must|"
    r"should|do|did|said|met|made|took|won|lost|left|fell|rose|grew|ran|got|saw|went|came|"
    r"gave|told|paid|sold|held|began|became|spoke|wrote|chose|hit|cut|set|put|quit"
)
_SAME = 0.6  # word (or character-pair) overlap at which two sentences say one thing
_CONTAINED = 0.8  # share of a shorter sentence's words found in a longer one


@dataclass
class Tidied:
    text: str
    repairs: list[str] = field(default_factory=list)  # the kind of each repair made
    problems: list[str] = field(default_factory=list)  # "kind: sentence", not repaired
    warnings: list[str] = field(default_factory=list)


def tidy(text: str, language: str) -> Tidied:
    """`text` (a summary in `language`) with its meta openings, fragments and repeated
    sentences repaired, or reported where no sentence would be left."""
    chinese = language.startswith("zh")
    result = Tidied(text)
    sentences: list[str] = []
    faults: list[tuple[str, str]] = []  # sentences to drop, with their fault
    for sentence in split_sentences(text):
        stripped, topic_only = _without_meta_opening(sentence, chinese)
        if topic_only:
            faults.append((META_OPENING, sentence))
        elif stripped != sentence:
            result.repairs.append(META_OPENING)
            result.warnings.append(f"Cut the meta opening of: {sentence}")
        sentence = stripped
        if _is_fragment(sentence, chinese):
            faults.append((FRAGMENT, sentence))
        elif any(_same_statement(sentence, earlier, chinese) for earlier in sentences):
            faults.append((REPEATED, sentence))
        sentences.append(sentence)
    kept = [s for s in sentences if s not in {sentence for _, sentence in faults}]
    if kept and faults:
        for kind, sentence in faults:
            result.repairs.append(kind)
            result.warnings.append(f"Dropped a sentence ({kind.replace('_', ' ')}): {sentence}")
    else:
        kept = sentences
        result.problems += [f"{kind}: {sentence}" for kind, sentence in faults]
    result.text = join_sentences(kept)
    return result


def _without_meta_opening(sentence: str, chinese: bool) -> tuple[str, bool]:
    """The sentence without a clause that reports what the article says, and whether the
    sentence only names the article's topic."""
    topic, reporting, framing = (
        (_TOPIC_ZH, _REPORTING_ZH, _FRAMING_ZH)
        if chinese
        else (_TOPIC_EN, _REPORTING_EN, _FRAMING_EN)
    )
    if topic.match(sentence):
        return sentence, True
    for pattern in (reporting, framing):
        match = pattern.match(sentence)
        if match and sentence[match.end() :].strip():
            rest = sentence[match.end() :].lstrip()
            return (rest if chinese else rest[0].upper() + rest[1:]), False
    return sentence, False


def _is_fragment(sentence: str, chinese: bool) -> bool:
    """Too short to state anything, and with nothing that looks like a verb; a mark on its
    own (a closing quote split off) is punctuation, not a sentence."""
    if not re.search(r"\w", sentence):
        return False
    if chinese or HAN_CHAR.search(sentence):
        han = "".join(HAN_RUN.findall(sentence))
        return (
            len(han) < _MIN_HAN
            and not _ZH_PREDICATE.search(han)
            and not re.search(r"[A-Za-z0-9]{2,}", sentence)
        )
    words = re.findall(r"[\w'’-]+", sentence.lower())
    return len(words) < _MIN_WORDS and not any(_EN_PREDICATE.fullmatch(w) for w in words)


def _same_statement(a: str, b: str, chinese: bool) -> bool:
    x, y = _units(a, chinese), _units(b, chinese)
    if not x or not y:
        return False
    shared = len(x & y)
    shorter = min(len(x), len(y))
    return shared / len(x | y) >= _SAME or (shorter >= 4 and shared / shorter >= _CONTAINED)


def _units(sentence: str, chinese: bool) -> set[str]:
    """What two sentences are compared by: words, or pairs of Han characters."""
    if chinese:
        han = "".join(HAN_RUN.findall(sentence))
        return {han[i : i + 2] for i in range(len(han) - 1)} | {
            w.lower() for w in re.findall(r"[A-Za-z0-9]+", sentence)
        }
    return {word.lower() for word in re.findall(r"[\w'’-]+", sentence)}
