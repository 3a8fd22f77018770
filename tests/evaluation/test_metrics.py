"""Scores checked against values worked out by hand."""

from __future__ import annotations

import pytest

from service.evaluation.metrics import (
    ChineseCharacterTokenizer,
    mean_rouge,
    one_sentence_per_line,
    rouge,
    translation_scores,
)


def test_english_rouge_by_hand() -> None:
    # unigrams: the, cat shared of 3 each -> 2/3; bigrams: "the cat" of 2 -> 1/2; LCS 2 -> 2/3
    scores = rouge("the cat sat", "the cat ran", "en")
    assert scores["rouge1"] == pytest.approx(200 / 3)
    assert scores["rouge2"] == pytest.approx(50.0)
    assert scores["rougeL"] == pytest.approx(200 / 3)
    assert scores["rougeLsum"] == pytest.approx(200 / 3)


def test_english_rouge_stems() -> None:
    assert rouge("Prices rising", "price rises", "en")["rouge1"] == pytest.approx(100.0)


def test_rouge_l_and_lsum_differ_across_sentences() -> None:
    # Reference sentences "a b." / "c d."; summary "c d. a b.": one LCS over the whole text
    # is 2 of 4 tokens, while Lsum takes each reference sentence's best union LCS: 4 of 4.
    reference = "Alpha beta. Gamma delta."
    summary = "Gamma delta. Alpha beta."
    scores = rouge(summary, reference, "en")
    assert scores["rougeL"] == pytest.approx(50.0)
    assert scores["rougeLsum"] == pytest.approx(100.0)


def test_chinese_tokens_are_characters_with_latin_words_and_numbers_whole() -> None:
    tokens = ChineseCharacterTokenizer().tokenize("苹果公司发布iPhone 16，售价999.5美元。")
    assert tokens == [
        "苹",
        "果",
        "公",
        "司",
        "发",
        "布",
        "iphone",
        "16",
        "售",
        "价",
        "999.5",
        "美",
        "元",
    ]


def test_chinese_rouge_by_hand() -> None:
    # 今天天气很好 vs 今天天气不错: 4 of 6 characters shared; bigrams 今天 天天 天气: 3 of 5
    scores = rouge("今天天气很好", "今天天气不错", "zh-Hans")
    assert scores["rouge1"] == pytest.approx(400 / 6)
    assert scores["rouge2"] == pytest.approx(60.0)
    assert scores["rougeL"] == pytest.approx(400 / 6)


def test_sentences_one_per_line() -> None:
    assert one_sentence_per_line("First one. Second one.\nThird.") == (
        "First one.\nSecond one.\nThird."
    )
    assert one_sentence_per_line("第一句。第二句。") == "第一句。\n第二句。"


def test_mean_rouge() -> None:
    per_item = [
        {"rouge1": 50.0, "rouge2": 10.0, "rougeL": 40.0, "rougeLsum": 45.0},
        {"rouge1": 100.0, "rouge2": 30.0, "rougeL": 60.0, "rougeLsum": 55.0},
    ]
    assert mean_rouge(per_item) == {
        "rouge1": 75.0,
        "rouge2": 20.0,
        "rougeL": 50.0,
        "rougeLsum": 50.0,
    }


def test_translation_scores_perfect_and_disjoint() -> None:
    perfect = translation_scores(
        ["The meeting is held tomorrow."], ["The meeting is held tomorrow."], "en"
    )
    assert perfect.bleu == pytest.approx(100.0)
    assert perfect.chrf == pytest.approx(100.0)
    disjoint = translation_scores(["xyz qqq"], ["The meeting is held tomorrow."], "en")
    assert disjoint.bleu == pytest.approx(0.0)
    assert disjoint.chrf < 5


def test_chinese_targets_are_tokenized_for_bleu() -> None:
    # Each character is a token: 8 of 9 unigrams, 6 of 8 bigrams, 5 of 7 trigrams and
    # 4 of 6 four-grams match, and the hypothesis is longer (no brevity penalty). As one
    # 13a token the sentence would be a single mismatching word and score 0.
    scores = translation_scores(["新桥于周二通车了。"], ["新桥于周二通车。"], "zh-Hans")
    assert scores.bleu_tokenize == "zh"
    assert scores.bleu == pytest.approx(100 * (8 / 9 * 6 / 8 * 5 / 7 * 4 / 6) ** 0.25, abs=0.01)
    assert translation_scores(["a"], ["a"], "en").bleu_tokenize == "13a"
