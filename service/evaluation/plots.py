"""matplotlib PNG plots of the report: ROUGE per set, translation scores, language-ID accuracy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

GRANULARITIES = ("sentences", "word-pairs", "single-words")


def write_plots(report: dict[str, Any], out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    written = []
    if report["summaries"]:
        written.append(_rouge(report["summaries"], out_dir / "rouge.png"))
    if report["translation"]:
        written.append(_translation(report["translation"], out_dir / "translation.png"))
    for langid in report["langid"]:
        written.append(_langid(langid, out_dir / f"{langid['set']}.png"))
    return written


def _grouped_bars(
    labels: list[str], series: dict[str, list[float]], title: str, ylabel: str, path: Path
) -> Path:
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(
        figsize=(min(30.0, max(6.0, 0.45 * len(labels) * len(series))), 4.5)
    )
    width = 0.8 / max(1, len(series))
    for index, (name, values) in enumerate(series.items()):
        positions = [i + index * width for i in range(len(labels))]
        axes.bar(positions, values, width, label=name)
    axes.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(labels))])
    axes.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the bars
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _rouge(rows: list[dict[str, Any]], path: Path) -> Path:
    labels = [f"{r['set']} {r['direction']}" for r in rows]
    series = {
        name: [r["rouge"][key] for r in rows]
        for name, key in (
            ("ROUGE-1", "rouge1"),
            ("ROUGE-2", "rouge2"),
            ("ROUGE-L", "rougeL"),
            ("ROUGE-Lsum", "rougeLsum"),
        )
    }
    return _grouped_bars(labels, series, "Summaries: ROUGE F1 per set", "F1 × 100", path)


def _translation(rows: list[dict[str, Any]], path: Path) -> Path:
    labels = [r["set"] for r in rows]
    series = {
        "BLEU": [r["bleu"] or 0.0 for r in rows],
        "chrF": [r["chrf"] or 0.0 for r in rows],
    }
    return _grouped_bars(labels, series, "Translation: BLEU and chrF", "score", path)


def _langid(langid: dict[str, Any], path: Path) -> Path:
    languages = list(langid["accuracy"])
    series = {
        g: [langid["accuracy"][language].get(g) or 0.0 for language in languages]
        for g in GRANULARITIES
    }
    title = f"Language ID accuracy: {langid['set']}"
    return _grouped_bars(languages, series, title, "accuracy %", path)
