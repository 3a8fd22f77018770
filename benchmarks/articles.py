"""The benchmark's fixed articles: the shared sample, and XSum development articles picked by
length (read from ../shared/eval, never copied into the repository)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SAMPLE = "us-japan-tariff-call.en.txt"


@dataclass(frozen=True)
class Article:
    name: str
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def fixed_articles(data_dir: Path, samples_dir: Path) -> list[Article]:
    """About 300 words, the sample article (about 550), and the longest XSum article (~1,750)."""
    documents = _xsum(data_dir)
    short = Article("xsum-300", min(documents, key=lambda d: abs(d.words - 300)).text)
    longest = Article("xsum-1750", max(documents, key=lambda d: d.words).text)
    sample = Article("sample", (samples_dir / SAMPLE).read_text(encoding="utf-8"))
    return [short, sample, longest]


def feed_articles(data_dir: Path, count: int) -> list[Article]:
    """The first `count` XSum articles of 150 to 450 words, in file order."""
    return [d for d in _xsum(data_dir) if 150 <= d.words <= 450][:count]


def _xsum(data_dir: Path) -> list[Article]:
    with (data_dir / "xsum_en_dev.jsonl").open(encoding="utf-8") as rows:
        return [Article(f"xsum-{row['id']}", row["document"]) for row in map(json.loads, rows)]
