"""Writing the report folder: report.md (tables beside the published anchors), report.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .plots import write_plots

# Published scores from the model cards and papers, as listed with the evaluation data.
SUMMARY_ANCHORS: dict[str, list[tuple[str, tuple[float | None, ...]]]] = {
    "cnndm": [
        ("bart-large-cnn, CNN/DM test", (44.1, 21.1, 30.6, 41.0)),
        ("distilbart-cnn-12-6, CNN/DM test", (44.2, 21.3, 30.4, 41.2)),
    ],
    "xsum": [("mT5 XL-Sum, English", (37.6, 15.2, 29.9, None))],
    "lcsts": [("mT5 XL-Sum, Chinese (Simplified), multilingual ROUGE", (39.4, 17.8, 33.4, None))],
}
TRANSLATION_ANCHORS = [("opus-mt-zh-en, Tatoeba (another test set)", "zh → en", 36.1, 54.8)]
LANGID_ANCHORS = {  # lingua's table: average over sentences, word pairs and single words
    "langdetect": {"zh": 64, "ja": 100, "en": 60},
    "lingua high accuracy": {"zh": 100, "ja": 100, "en": 81},
}


def write_report(report: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = write_plots(report, out_dir)
    report["meta"]["plots"] = [p.name for p in plots]
    (out_dir / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (out_dir / "report.md").write_text(markdown(report), encoding="utf-8")
    return [out_dir / "report.md", out_dir / "report.json", *plots]


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _before_finalize(row: dict[str, Any]) -> str:
    raw = row["before_finalize"]
    if raw is None:
        return "–"
    share = row["untranslated_share_before_finalize"]
    return _num(raw["chrf"]) + ("" if share is None else f", {_pct(share)}")


def markdown(report: dict[str, Any]) -> str:
    meta = report["meta"]
    lines = [
        "# lingosum evaluation",
        "",
        f"- started {meta['started']}, wall time {_num(meta.get('wall_seconds'), 0)} s",
        f"- summarizer `{meta['summarizer_model']}`, translator `{meta['translator_model']}`, "
        f"zh route `{meta['zh_route']}`, zh from `{meta.get('zh_from', 'summary')}`, "
        f"detector `{meta['detector']}`",
        f"- data `{meta['data_dir']}`, limit {meta['limit'] or 'none'} items per "
        f"summary/translation set (language ID uses every item), length `{meta['length']}`",
        f"- English ROUGE: {meta['english_rouge_tokenization']}; Chinese ROUGE: "
        f"{meta['chinese_rouge_tokenization']}. ROUGE is the mean F1 × 100; ROUGE-Lsum splits "
        "texts into sentences, one per line.",
        "",
    ]
    if report["summaries"]:
        lines += _summary_tables(report["summaries"])
    if report["translation"]:
        lines += _translation_table(report["translation"])
    for langid in report["langid"]:
        lines += _langid_tables(langid)
    if report.get("fidelity"):
        lines += _fidelity_table(report["fidelity"])
    return "\n".join(lines) + "\n"


def _fidelity_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Fidelity per source language (NTREX, summary into English)",
        "",
        "Fidelity: ROUGE-1 precision (× 100) of the English summary against the English "
        "original article; ratio: over the fidelity of the original's own summary on the same "
        "documents (target ≥ 0.90); agreement: ROUGE-1 F1 with the original's summary.",
        "",
        "| source | route | items | errors | fidelity | English original's | ratio "
        "| agreement | s/item | English s/item | detected right |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['language']} | {row['route']} | {row['items']} | {row['errors']} "
            f"| {_num(row['fidelity'])} | {_num(row['english_fidelity'])} "
            f"| {_num(row['ratio'], 2)} | {_num(row['agreement'])} "
            f"| {_num(row['seconds_per_item'])} | {_num(row['english_seconds_per_item'])} "
            f"| {_pct(row['detected_as_expected'])} |"
        )
    return [*lines, ""]


def _summary_tables(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Summaries",
        "",
        "| set | direction | length | items | errors | R-1 | R-2 | R-L | R-Lsum | s/item "
        "| summary length | reference length |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        r = row["rouge"]
        lines.append(
            f"| {row['set']} | {row['direction']} | {row['length']} | {row['items']} "
            f"| {row['errors']} | {r['rouge1']:.1f} | {r['rouge2']:.1f} | {r['rougeL']:.1f} "
            f"| {r['rougeLsum']:.1f} | {_num(row['seconds_per_item'])} "
            f"| {_num(row['summary_length'])} {row['length_unit']} "
            f"| {_num(row['reference_length'])} {row['length_unit']} |"
        )
        for system, scores in SUMMARY_ANCHORS.get(row["set"], []):
            cells = " | ".join(_num(s) for s in scores)
            lines.append(f"| *{system}* | | | | | {cells} | | | |")
    lines += [
        "",
        "s/item is the whole document's time (every summary the set asks for). "
        "The anchors were measured on the sets' full test splits with the same metric names; "
        "titles and headlines as references make the NTREX, LCSTS and DialogSumX figures low "
        "by nature.",
        "",
        "### Faithfulness (share of summaries with something the source does not state)",
        "",
        "| set | direction | unsupported number | date | name | any | source detected as "
        "expected |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        u = row["unsupported"]
        lines.append(
            f"| {row['set']} | {row['direction']} | {_num(u['numbers'])}% | {_num(u['dates'])}% "
            f"| {_num(u['names']) + '%' if u['names'] is not None else 'n/a'} | {_num(u['any'])}% "
            f"| {_num(row['source_detected_as_expected'])}% |"
        )
    lines += [
        "",
        "Numbers use the service's own number readers; names are Latin-script capitalised "
        "words missing from the source (for English summaries of Chinese sources, names not "
        "found in pinyin or as a transliteration). These are heuristics: see "
        "`service/evaluation/faithfulness.py`.",
        "",
        "### News style (share of summaries)",
        "",
        "| set | direction | meta opening left | fragment left | repeated sentence left "
        "| name rendered two ways | repairs made |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        style = row["style"]
        repairs = ", ".join(f"{kind} {_num(share)}%" for kind, share in row["repairs"].items())
        lines.append(
            f"| {row['set']} | {row['direction']} | {_num(style['meta_opening'])}% "
            f"| {_num(style['fragment'])}% | {_num(style['repeated_sentence'])}% "
            f"| {_name_two_ways(row)} | {repairs or 'none'} |"
        )
    lines += [
        "",
        "A repair's share is of the summaries it was made in; faults left are those no "
        "repair could remove (see `service/checks/style.py`). A name rendered two ways: a "
        "Chinese summary writes one of the article's names in two forms, such as letters and a "
        "transliteration, or half in each (`service/checks/name_forms.py`).",
        "",
    ]
    return lines + _error_lines(rows)


def _name_two_ways(row: dict[str, Any]) -> str:
    """Names are compared across scripts in Chinese summaries only."""
    if not row["target"].startswith("zh"):
        return "n/a"
    return f"{_num(row['style'].get('name_two_ways'))}%"


def _error_lines(rows: list[dict[str, Any]]) -> list[str]:
    errors = [(row["set"], message, n) for row in rows for message, n in row["error_messages"]]
    if not errors:
        return []
    return ["Errors:", ""] + [f"- {s}: {m} (×{n})" for s, m, n in errors] + [""]


def _translation_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Translation (the translate stage, sentence by sentence)",
        "",
        "| set | direction | items | errors | BLEU | chrF | BLEU tokenizer "
        "| with English words left | before finalize: chrF, English words left | s/item |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['set']} | {row['direction']} | {row['items']} | {row['errors']} "
            f"| {_num(row['bleu'])} | {_num(row['chrf'])} | {row['bleu_tokenize'] or '–'} "
            f"| {_pct(row['untranslated_share'])} | {_before_finalize(row)} "
            f"| {_num(row['seconds_per_item'])} |"
        )
    for system, direction, bleu, chrf in TRANSLATION_ANCHORS:
        lines.append(f"| *{system}* | {direction} | | | {bleu} | {chrf} | | | | |")
    lines += [
        "",
        "sacrebleu corpus BLEU and chrF (chrF scaled 0–100). English words left: the share of "
        "Chinese outputs with a Latin-script word that is neither an acronym nor a name the "
        "source capitalises (the service's own rule, `service/checks/stray_words.py`). Scored "
        "as served: after the finalize stage, which translates leftover English words in place; "
        "the translate stage's own output is scored beside it.",
        "",
    ]
    return lines + _error_lines(rows)


def _langid_tables(langid: dict[str, Any]) -> list[str]:
    accuracy = langid["accuracy"]
    granularities = ["sentences", "word-pairs", "single-words"]
    lines = [
        f"## Language ID: {langid['set']} ({langid['items']} items, "
        f"{_num(langid['seconds_per_item'] * 1000, 2)} ms/item)",
        "",
        "| language | sentences | word pairs | single words | average | "
        + " | ".join(f"*{name}* (published)" for name in LANGID_ANCHORS)
        + " |",
        "|---|---|---|---|---|" + "---|" * len(LANGID_ANCHORS),
    ]
    for language, by_granularity in accuracy.items():
        cells = " | ".join(_num(by_granularity.get(g)) for g in granularities)
        anchors = " | ".join(
            _num(float(a[language])) if language in a else "" for a in LANGID_ANCHORS.values()
        )
        average = langid["average_over_granularities"][language]
        lines.append(f"| {language} | {cells} | {_num(average)} | {anchors} |")
    overall = langid["accuracy_by_granularity"]
    cells = " | ".join(_num(overall.get(g)) for g in granularities)
    lines.append(f"| **all** | {cells} | |" + " |" * len(LANGID_ANCHORS))
    lines += [
        "",
        f"Chinese texts reported as Korean: **{langid['chinese_reported_as_korean']}**.",
        "",
    ]
    return lines
