"""Scores: ROUGE for summaries (rouge-score), BLEU and chrF for translations (sacrebleu).

English ROUGE uses rouge-score's own tokenizer with Porter stemming. Chinese ROUGE is on
characters: each Han character is one token, a run of Latin letters or of digits is one token
(so "iPhone" and "2024" stay whole), and punctuation is dropped. ROUGE-Lsum splits both texts
into sentences, one per line, as the metric expects.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..text.languages import is_chinese
from ..text.scripts import HAN
from ..text.sentences import split_sentences

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
CHINESE_TOKENS = re.compile(rf"[{HAN}]|[A-Za-z]+|\d+(?:\.\d+)?", re.UNICODE)
CHINESE_TOKENIZATION = (
    "characters: each Han character one token, Latin words and numbers kept whole, "
    "punctuation dropped"
)


class ChineseCharacterTokenizer:
    """rouge-score's tokenizer interface: `tokenize(text)` -> tokens."""

    def tokenize(self, text: str) -> list[str]:
        return [token.lower() for token in CHINESE_TOKENS.findall(text)]


@cache
def _scorer(chinese: bool) -> Any:
    from rouge_score import rouge_scorer

    if chinese:
        return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=ChineseCharacterTokenizer())
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def one_sentence_per_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(s for line in lines for s in split_sentences(line))


def rouge(prediction: str, reference: str, language: str) -> dict[str, float]:
    """ROUGE F1 (0-100) of one summary against one reference."""
    scores = _scorer(is_chinese(language)).score(
        one_sentence_per_line(reference), one_sentence_per_line(prediction)
    )
    return {name: scores[name].fmeasure * 100 for name in ROUGE_TYPES}


def rouge1(prediction: str, reference: str) -> dict[str, float]:
    """English ROUGE-1 precision, recall and F1 (0-100) of `prediction` against `reference`."""
    score = _unigram_scorer().score(reference, prediction)["rouge1"]
    return {
        "precision": score.precision * 100,
        "recall": score.recall * 100,
        "f1": score.fmeasure * 100,
    }


@cache
def _unigram_scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)


def mean_rouge(per_item: Sequence[dict[str, float]]) -> dict[str, float]:
    if not per_item:
        return {name: 0.0 for name in ROUGE_TYPES}
    return {name: statistics.fmean(s[name] for s in per_item) for name in ROUGE_TYPES}


@dataclass(frozen=True)
class TranslationScores:
    bleu: float
    chrf: float
    bleu_tokenize: str


def translation_scores(
    hypotheses: Sequence[str], references: Sequence[str], target: str
) -> TranslationScores:
    """Corpus BLEU and chrF; Chinese targets are tokenized with sacrebleu's "zh" tokenizer."""
    import sacrebleu

    tokenize = "zh" if is_chinese(target) else "13a"
    bleu = sacrebleu.corpus_bleu(list(hypotheses), [list(references)], tokenize=tokenize)
    chrf = sacrebleu.corpus_chrf(list(hypotheses), [list(references)])
    return TranslationScores(float(bleu.score), float(chrf.score), tokenize)
