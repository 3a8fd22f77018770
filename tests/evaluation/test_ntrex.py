"""Assembling NTREX documents in another language, from a folder or from a git mirror."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from service.errors import LingosumError
from service.evaluation import ntrex

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ntrex"


def test_documents_are_title_then_article_beside_the_english_original() -> None:
    long, short = ntrex.documents(FIXTURES, FIXTURES, "de", ["long", "short"])

    assert long.id == "long" and long.language == "de"
    assert long.title == "Riverton eröffnet seine neue Brücke"
    assert long.text == (
        "Die neue Brücke in Riverton wurde am Dienstag eröffnet.\nDer Bau dauerte vier Jahre."
    )
    assert long.english_title == "Riverton opens its new bridge"
    assert long.english_text == (
        "The new bridge in Riverton opened on Tuesday.\nIt took four years to build."
    )
    assert (short.title, short.text) == (
        "Bibliothek schließt",
        "Die Stadtbibliothek schloss am Freitag.",
    )


def test_shortest_documents_first_and_limit() -> None:
    assert ntrex.shortest_documents(FIXTURES, None) == ["short", "long"]
    assert ntrex.shortest_documents(FIXTURES, 1) == ["short"]


def test_files_at_the_top_of_the_folder(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "NTREX-128" / ntrex.file_name("deu"), tmp_path)

    assert ntrex.read_lines(tmp_path, "deu")[3] == "Bibliothek schließt"


def test_a_bare_git_mirror(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path / "work"
    shutil.copytree(FIXTURES / "NTREX-128", work / "NTREX-128")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "core.autocrlf=false"]
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-q", "-m", "data"], check=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(tmp_path / "mirror")], check=True
    )

    [doc] = ntrex.documents(FIXTURES, tmp_path / "mirror", "de", ["short"])

    assert doc.text == "Die Stadtbibliothek schloss am Freitag."


def test_a_language_the_repository_lacks(tmp_path: Path) -> None:
    with pytest.raises(LingosumError) as raised:
        ntrex.documents(FIXTURES, tmp_path, "ja", ["short"])
    assert raised.value.code == "no_data"
    assert "newstest2019-ref.jpn.txt" in raised.value.message


def test_a_file_shorter_than_the_index(tmp_path: Path) -> None:
    (tmp_path / ntrex.file_name("fra")).write_text("Une ligne\n", encoding="utf-8")
    with pytest.raises(LingosumError) as raised:
        ntrex.documents(FIXTURES, tmp_path, "fr", ["long"])
    assert raised.value.code == "no_data"
