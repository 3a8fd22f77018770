"""`evaluate` end to end on a fake backend and the project's fixtures, and the report it writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.backends.base import GenerationRequest
from service.evaluation import datasets
from service.evaluation.datasets import SETS, TranslationItem, TranslationSet
from service.evaluation.harness import EvalOptions, evaluate
from service.evaluation.report import write_report
from service.evaluation.runners import LangidOutcome, TranslationOutcome, run_translations
from service.evaluation.scoring import langid_figures, translation_figures
from service.pipeline.prompts import PromptBook
from service.pipeline.stages.translate import Translator
from service.settings import Settings
from service.text.sentences import split_sentences
from tests.fakes import FakeBackend, task_of, write_prompts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "eval"


def _reference_translations() -> dict[str, str]:
    table = {}
    for spec in SETS.values():
        if isinstance(spec, TranslationSet):
            for item in datasets.translation_items(FIXTURES, spec, None):
                table[item.source] = item.reference
    return table


def _fake() -> FakeBackend:
    """Summaries are the article's first sentence; translations come from the fixtures."""
    translations = _reference_translations()

    def respond(request: GenerationRequest) -> str:
        if task_of(request) in ("summarize", "summarize_short"):
            return split_sentences(request.text)[0]
        return translations.get(request.text, "没有译文。")

    return FakeBackend(respond, fail_when=lambda batch: any("FAIL-ME" in r.text for r in batch))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("eval")
    settings = Settings(prompts_dir=write_prompts(folder / "prompts"), warmup=False)
    lines: list[str] = []
    fake = _fake()
    result = evaluate(
        EvalOptions(FIXTURES, (*datasets.DEFAULT_SETS, "langid-75langs"), limit=None),
        settings,
        lines.append,
        summarizer=fake,
        translator=fake,
    )
    result["progress"] = lines
    result["files"] = [p.name for p in write_report(result, folder / "out")]
    result["folder"] = folder / "out"
    return result


def _row(report: dict, name: str, target: str) -> dict:  # type: ignore[type-arg]
    [row] = [r for r in report["summaries"] if r["set"] == name and r["target"] == target]
    return row  # type: ignore[no-any-return]


def test_summaries_scored_against_their_references(report: dict) -> None:  # type: ignore[type-arg]
    cnndm = _row(report, "cnndm", "en")  # both first sentences are the references
    assert cnndm["rouge"] == {"rouge1": 100.0, "rouge2": 100.0, "rougeL": 100.0, "rougeLsum": 100.0}
    assert (cnndm["items"], cnndm["errors"], cnndm["length"]) == (2, 0, "medium")
    assert cnndm["summary_length"] == cnndm["reference_length"] == 7.0
    lcsts = _row(report, "lcsts", "zh-Hans")  # 13 of 13, and 今天天气很好 vs 今天天气不错
    assert lcsts["rouge"]["rouge1"] == pytest.approx((100 + 400 / 6) / 2, abs=0.01)
    assert lcsts["length_unit"] == "characters"


def test_a_failing_item_is_counted_and_the_run_goes_on(report: dict) -> None:  # type: ignore[type-arg]
    xsum = _row(report, "xsum", "en")
    assert (xsum["items"], xsum["errors"]) == (2, 1)
    assert xsum["rouge"]["rouge1"] == 100.0  # the other item, scored alone
    assert "backend_failed" in xsum["error_messages"][0][0]


def test_chinese_documents_score_both_summaries_from_one_run(report: dict) -> None:  # type: ignore[type-arg]
    chinese = _row(report, "ntrex-zh", "zh-Hans")
    english = _row(report, "ntrex-zh", "en")
    assert chinese["direction"] == "zh-Hans → zh-Hans"
    assert english["direction"] == "zh-Hans → en"
    assert english["unsupported"]["names"] == 0.0  # checked across scripts, as in the service
    assert english["source_detected_as_expected"] == 100.0


def test_translation_through_the_translate_stage(report: dict) -> None:  # type: ignore[type-arg]
    rows = {r["set"]: r for r in report["translation"]}
    assert set(rows) == {name for name, s in SETS.items() if isinstance(s, TranslationSet)}
    for row in rows.values():  # the fake returns each fixture's reference
        assert (row["bleu"], row["chrf"], row["errors"]) == (100.0, 100.0, 0)
    assert rows["flores-en-zh"]["bleu_tokenize"] == "zh"
    assert rows["flores-en-zh"]["untranslated_share"] == 0.0
    assert rows["flores-zh-en"]["untranslated_share"] is None  # counted for Chinese output only


def test_translations_are_scored_as_served_after_finalize(tmp_path: Path) -> None:
    def respond(request: GenerationRequest) -> str:
        return "关税" if task_of(request) == "translate_terms" else "特朗普说tariffs将保留。"

    translator = Translator(FakeBackend(respond), PromptBook(write_prompts(tmp_path)))
    source = "President Trump said the tariffs would stay."
    item = TranslationItem("1", source, "特朗普说关税将保留。")
    spec = SETS["flores-en-zh"]
    assert isinstance(spec, TranslationSet)
    row = translation_figures(spec, run_translations(translator, spec, [item], lambda _: None))
    assert row["outputs"][0]["raw"] == "特朗普说tariffs将保留。"
    assert row["outputs"][0]["translation"] == "特朗普说关税将保留。"
    assert (row["untranslated_share"], row["untranslated_share_before_finalize"]) == (0.0, 100.0)
    assert row["chrf"] == 100.0 and row["before_finalize"]["chrf"] < 100.0
    assert row["finalize_calls"] == 1 and row["finalize_tokens"] > 0
    assert row["outputs"][0]["finalize_calls"] == 1


def test_names_left_in_latin_script_are_not_counted_as_untranslated() -> None:
    source = "President Trump said the tariffs would stay."
    outcomes = [
        TranslationOutcome(TranslationItem("1", source, "特朗普说关税将保留。"), 1.0, text, text)
        for text in ("Trump说关税将保留。", "特朗普说tariffs将保留。")
    ]
    spec = SETS["flores-en-zh"]
    assert isinstance(spec, TranslationSet)
    row = translation_figures(spec, outcomes)
    assert row["untranslated_share"] == 50.0
    assert [o["untranslated"] for o in row["outputs"]] == [[], ["tariffs"]]


def test_langid_on_every_item(report: dict) -> None:  # type: ignore[type-arg]
    focus = next(r for r in report["langid"] if r["set"] == "langid-focus9")
    assert focus["items"] == 12
    assert focus["accuracy"]["zh"] == {"sentences": 100.0, "single-words": 100.0}
    assert focus["chinese_reported_as_korean"] == 0


def test_report_files_and_progress(report: dict) -> None:  # type: ignore[type-arg]
    folder: Path = report["folder"]
    assert report["files"] == [
        "report.md",
        "report.json",
        "rouge.png",
        "translation.png",
        "langid-focus9.png",
        "langid-75langs.png",
    ]
    for name in report["files"]:
        if name.endswith(".png"):
            assert (folder / name).read_bytes().startswith(b"\x89PNG")
    saved = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert saved["summaries"][0]["rouge"]["rouge1"] == 100.0
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert "| cnndm | en → en | medium | 2 | 0 | 100.0 | 100.0 | 100.0 | 100.0 |" in markdown
    assert "| *bart-large-cnn, CNN/DM test* | | | | | 44.1 | 21.1 | 30.6 | 41.0 |" in markdown
    assert "Chinese texts reported as Korean: **0**" in markdown
    assert "each Han character one token" in markdown
    assert any(line.startswith("xsum 2/2: error") for line in report["progress"])


def test_every_markdown_table_row_has_its_header_columns(report: dict) -> None:  # type: ignore[type-arg]
    markdown = (report["folder"] / "report.md").read_text(encoding="utf-8")
    for table in markdown.split("\n\n"):
        rows = [line for line in table.splitlines() if line.startswith("|")]
        assert len({row.count("|") for row in rows}) <= 1, table


def test_langid_figures_by_hand() -> None:
    def outcome(language: str, granularity: str, detected: str) -> LangidOutcome:
        return LangidOutcome(datasets.LangidItem("text", language, granularity), detected)

    figures = langid_figures(
        "set",
        [
            outcome("zh", "sentences", "zh-Hant"),
            outcome("zh", "sentences", "ko"),
            outcome("zh", "single-words", "zh-Hans"),
            outcome("en", "sentences", "en"),
            outcome("en", "single-words", ""),
        ],
        seconds=1.0,
    )
    assert figures["accuracy"] == {
        "en": {"sentences": 100.0, "single-words": 0.0},
        "zh": {"sentences": 50.0, "single-words": 100.0},
    }
    assert figures["average_over_granularities"] == {"en": 50.0, "zh": 75.0}
    assert figures["accuracy_by_granularity"] == {"sentences": 66.7, "single-words": 50.0}
    assert figures["chinese_reported_as_korean"] == 1
    assert figures["top_confusions"] == {"en": [("none", 1)], "zh": [("ko", 1)]}
    assert figures["seconds_per_item"] == 0.2


def _evaluate_on_fake(
    respond: Callable[[GenerationRequest], str], options: EvalOptions, tmp_path: Path
) -> dict[str, Any]:
    """`evaluate` with one fake backend for both stages and the fake prompts."""
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False)
    fake = FakeBackend(respond)
    return evaluate(options, settings, lambda _: None, summarizer=fake, translator=fake)


def test_style_repairs_and_faults_left_are_counted_per_set(tmp_path: Path) -> None:
    def meta(request: GenerationRequest) -> str:
        first = split_sentences(request.text)[0]
        return first if "FAIL-ME" in request.text else f"The article discusses the news. {first}"

    result = _evaluate_on_fake(meta, EvalOptions(FIXTURES, ("cnndm",)), tmp_path)
    [row] = result["summaries"]
    assert row["repairs"] == {"meta_opening": 100.0}
    assert row["style"] == {
        "meta_opening": 0.0,
        "fragment": 0.0,
        "repeated_sentence": 0.0,
        "name_two_ways": 0.0,
    }
    assert row["rouge"]["rouge1"] == 100.0  # the opening was dropped, the news kept
    assert all(output["repairs"] == ["meta_opening"] for output in row["outputs"])


def test_a_name_rendered_two_ways_is_counted_per_set(tmp_path: Path) -> None:
    article = {
        "doc_id": "a1",
        "title_en": "Negotiator heads to Washington",
        "text_en": "Japan's negotiator Akira Arita heads to Washington. Arita hopes for a deal.",
        "title_zh": "谈判代表前往华盛顿",
        "text_zh": "日本谈判代表前往华盛顿。",
    }
    (tmp_path / "ntrex_docs_dev.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")

    def respond(request: GenerationRequest) -> str:
        if task_of(request) in ("summarize", "summarize_short"):
            return "Japan's negotiator Akira Arita heads to Washington. Arita hopes for a deal."
        return "日本谈判代表阿里亚·阿拉蒂前往华盛顿。Arita希望达成协议。"

    result = _evaluate_on_fake(respond, EvalOptions(tmp_path, ("ntrex-en",)), tmp_path)
    [row] = result["summaries"]
    assert row["style"]["name_two_ways"] == 100.0
    assert row["outputs"][0]["style"] == ["name_two_ways: Akira Arita: Arita, 阿里亚·阿拉蒂"]
    write_report(result, tmp_path / "out")
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| name rendered two ways |" in markdown
    assert "| ntrex-en | en → zh-Hans | 0.0% | 0.0% | 0.0% | 100.0% |" in markdown
