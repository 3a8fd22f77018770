from __future__ import annotations

from pathlib import Path

import pytest

from service.backends import ChatMessage
from service.errors import LingosumError
from service.pipeline.prompts import REQUIRED, SUPPORT, PromptBook, PromptTemplate
from service.pipeline.stages.summarize import LENGTHS
from service.settings import BUNDLED_PROMPTS, Settings
from tests.fakes import write_prompts

REPO_PROMPTS = BUNDLED_PROMPTS


def test_repo_prompts_load() -> None:
    book = PromptBook(REPO_PROMPTS)
    for name in REQUIRED:
        task, language = name.split(".")
        template = book.get(task, language)
        assert template.user
        if template.system:  # a template that opens a conversation carries the text itself
            assert "{text}" in template.user
        assert "---" not in template.system and "---" not in template.user.splitlines()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_chunk_is_told_which_part_of_the_article_it_is(language: str) -> None:
    template = PromptBook(REPO_PROMPTS).get("summarize_part", language)
    fields = {"sentences": 6, "words": 180, "chars": 300, "title_line": "", "glossary": ""}
    _, user = template.render(text="Chunk.", source_name="English", part=2, parts=5, **fields)
    assert ("Part 2 of 5" if language == "en" else "第2部分（共5部分") in user.content
    assert "Chunk." in user.content


def test_the_one_sentence_chinese_summary_asks_for_a_headline_short_whole_sentence() -> None:
    short = LENGTHS["short"]
    fields = {"sentences": short.sentences, "words": short.words, "chars": short.chars}
    fields |= {"title_line": "", "glossary": "", "source_name": "中文"}
    _, user = PromptBook(REPO_PROMPTS).get("summarize_short", "zh").render(text="文章。", **fields)
    assert "一句完整的简体中文句子" in user.content
    assert f"不超过{short.chars}个字" in user.content and "以句号结尾" in user.content
    assert short.chars <= 30  # LCSTS references average 17 characters (docs/quality.md)


def test_chinese_variants_share_the_zh_template(tmp_path: Path) -> None:
    book = PromptBook(write_prompts(tmp_path))
    assert book.get("summarize", "zh-Hans") is book.get("summarize", "zh-Hant")
    assert book.get("summarize", "zh-Hans") is book.get("summarize", "zh")
    assert book.get("summarize", "en") is not book.get("summarize", "zh")
    assert "task=translate_terms target=zh" in book.get("translate_terms", "zh-Hans").user


def test_get_unknown_template(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        PromptBook(write_prompts(tmp_path)).get("summarize", "fr")


def test_render_fills_fields() -> None:
    template = PromptTemplate("You translate {source_name}.", "Text:\n{text}\n{{literal}}")
    assert template.render(text="Bonjour", source_name="French", unused=1) == (
        ChatMessage("system", "You translate French."),
        ChatMessage("user", "Text:\nBonjour\n{literal}"),
    )


def test_render_missing_field_fails() -> None:
    with pytest.raises(KeyError):
        PromptTemplate("{source_name}", "{text}").render(text="x")


def test_split_on_separator_line_and_strip(tmp_path: Path) -> None:
    write_prompts(tmp_path)
    (tmp_path / "translate.en.txt").write_text(
        "  System line.\nSecond --- line.\n---\n\nUser {text}.\n---\nmore\n", encoding="utf-8"
    )
    template = PromptBook(tmp_path).get("translate", "en")
    assert template.system == "System line.\nSecond --- line."
    assert template.user == "User {text}.\n---\nmore"  # only the first separator splits


@pytest.mark.parametrize("name", REQUIRED + SUPPORT)
def test_missing_file_raises(tmp_path: Path, name: str) -> None:
    write_prompts(tmp_path)
    (tmp_path / f"{name}.txt").unlink()
    with pytest.raises(LingosumError) as raised:
        PromptBook(tmp_path, support=True)
    assert raised.value.code == "prompt_missing"
    assert raised.value.status == 500
    assert f"{name}.txt" in raised.value.message


@pytest.mark.parametrize("name", SUPPORT)
def test_the_support_prompts_are_needed_only_with_the_support_check(
    tmp_path: Path, name: str
) -> None:
    write_prompts(tmp_path)
    (tmp_path / f"{name}.txt").unlink()
    assert PromptBook(tmp_path).get("summarize", "en").user


def test_file_without_separator_raises(tmp_path: Path) -> None:
    write_prompts(tmp_path)
    (tmp_path / "summarize.zh.txt").write_text("System and user in one. {text}\n", "utf-8")
    with pytest.raises(LingosumError) as raised:
        PromptBook(tmp_path)
    assert raised.value.code == "prompt_invalid"
    assert raised.value.status == 500
    assert "summarize.zh.txt" in raised.value.message


def test_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(LingosumError) as raised:
        PromptBook(tmp_path / "nowhere")
    assert raised.value.code == "prompt_missing"


def test_follow_up_template_has_no_system_message(tmp_path: Path) -> None:
    write_prompts(tmp_path)
    (tmp_path / "revise.en.txt").write_text("---\nFix {problems}.\n", encoding="utf-8")
    template = PromptBook(tmp_path).get("revise", "en")
    assert template.system == ""
    assert template.render(problems="the number 7") == (ChatMessage("user", "Fix the number 7."),)


def test_the_default_prompts_ship_inside_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import service.pipeline.prompts as prompts_package

    monkeypatch.delenv("LINGOSUM_PROMPTS_DIR", raising=False)
    assert Settings().prompts_dir == Path(prompts_package.__file__).parent == BUNDLED_PROMPTS
    assert all((BUNDLED_PROMPTS / f"{name}.txt").is_file() for name in REQUIRED + SUPPORT)


def test_the_prompts_folder_can_be_overridden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINGOSUM_PROMPTS_DIR", str(tmp_path))
    assert Settings().prompts_dir == tmp_path


@pytest.mark.parametrize("english", ["summarize", "summarize_short"])
def test_the_chinese_summary_beside_the_english_opens_as_it_does(english: str) -> None:
    """Token-identical up to the end of the article: the backend reads it once for both."""
    book = PromptBook(REPO_PROMPTS)
    fields = {"sentences": 4, "words": 90, "sentence_words": 15, "chars": 150, "glossary": ""}
    article = "Mayor Jane Doe said 120 schools would be repaired."
    system, user = book.get(english, "en").render(
        text=article, source_name="English", title_line="Title\n\n", **fields
    )
    beside = book.get("summarize_beside", "zh").render(
        text=article, source_name="English", title_line="Title\n\n", **fields
    )
    assert beside[0] == system
    end = user.content.index(article) + len(article) + len('\n"""\n\n')
    assert beside[1].content[:end] == user.content[:end]
    assert "简体中文" in beside[1].content[end:]
