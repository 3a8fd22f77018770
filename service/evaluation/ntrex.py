"""NTREX-128 documents in any of its languages, beside their English originals.

The data folder holds the dev sentences in English and Chinese only (`ntrex_sentences_dev.jsonl`:
`id` is the line number in every language's file, `doc_id` the document). The other languages
are read, line-aligned, from the NTREX-128 repository given on the command line: a git mirror
(read with `git show HEAD:NTREX-128/...`) or a folder with the files, in `NTREX-128/` or at its
top. A document is its lines in order: the first is the title, the others are the article.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import LingosumError
from .datasets import rows

SENTENCES_FILE = "ntrex_sentences_dev.jsonl"
# The source languages the fidelity sets cover, by the service's code, and NTREX's file code.
NTREX_CODES = {
    "ja": "jpn",
    "ko": "kor",
    "ar": "arb",
    "fr": "fra",
    "de": "deu",
    "es": "spa",
    "ru": "rus",
}


@dataclass(frozen=True)
class NtrexDocument:
    id: str
    language: str
    title: str
    text: str
    english_title: str
    english_text: str


def file_name(code: str) -> str:
    return f"newstest2019-ref.{code}.txt"


def read_lines(ntrex_dir: Path, code: str) -> list[str]:
    """The lines of one language's file, carriage returns dropped, from a folder or git mirror."""
    for path in (ntrex_dir / "NTREX-128" / file_name(code), ntrex_dir / file_name(code)):
        if path.is_file():
            return _lines(path.read_text(encoding="utf-8-sig"))
    try:
        shown = subprocess.run(
            ["git", "-C", str(ntrex_dir), "show", f"HEAD:NTREX-128/{file_name(code)}"],
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise LingosumError(
            "no_data",
            f"{ntrex_dir} holds no NTREX-128/{file_name(code)}, as a file or in git: {error}.",
        ) from error
    return _lines(shown.stdout.decode("utf-8-sig"))


def _lines(text: str) -> list[str]:
    return [line.replace("\r", "").strip() for line in text.split("\n")]


@dataclass(frozen=True)
class _Sentence:
    id: int
    doc_id: str
    en: str


def _sentences(data_dir: Path) -> list[_Sentence]:
    return [
        _Sentence(int(row["id"]), str(row["doc_id"]), str(row["en"]))
        for row in rows(data_dir, SENTENCES_FILE)
    ]


def shortest_documents(data_dir: Path, limit: int | None) -> list[str]:
    """The ids of the `limit` dev documents with the shortest English articles (all when None),
    shortest first; ties keep the data's order."""
    lengths: dict[str, int] = {}
    for sentence in _sentences(data_dir):
        lengths[sentence.doc_id] = lengths.get(sentence.doc_id, 0) + len(sentence.en)
    ordered = sorted(lengths, key=lambda doc_id: lengths[doc_id])
    return ordered if limit is None else ordered[:limit]


def documents(
    data_dir: Path, ntrex_dir: Path, language: str, doc_ids: Sequence[str]
) -> list[NtrexDocument]:
    """The documents `doc_ids`, in that order, in `language` beside their English originals."""
    lines = read_lines(ntrex_dir, NTREX_CODES[language])
    by_doc: dict[str, list[_Sentence]] = {}
    for sentence in _sentences(data_dir):
        by_doc.setdefault(sentence.doc_id, []).append(sentence)
    assembled = []
    for doc_id in doc_ids:
        sentences = sorted(by_doc[doc_id], key=lambda s: s.id)
        if sentences[-1].id >= len(lines):
            raise LingosumError(
                "no_data", f"The {language} file has no line {sentences[-1].id} ({doc_id})."
            )
        foreign = [lines[s.id] for s in sentences]
        english = [s.en.replace("\r", "").strip() for s in sentences]
        assembled.append(
            NtrexDocument(
                doc_id,
                language,
                foreign[0],
                "\n".join(foreign[1:]),
                english[0],
                "\n".join(english[1:]),
            )
        )
    return assembled
