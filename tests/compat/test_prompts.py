"""A plugin's prompt read as a lingosum request: the article, its title, the nearest length."""

from __future__ import annotations

import pytest

from service.compat.models import task_model
from service.compat.prompts import Turn, asked_length, read_prompt
from service.errors import LingosumError

ARTICLE = "The city opened a bridge on Tuesday.\nIt cost 310 million dollars."


@pytest.mark.parametrize(
    ("instructions", "length"),
    [
        ("Summarize this in 55 words.", "short"),  # 40 is nearer than 90
        ("Write a 70-word summary.", "medium"),
        ("Target 2-3 sentences; 25-80 words", "medium"),  # WordPress's medium: the upper bound
        ("Target 1 sentence; <= 25 words", "short"),  # WordPress's short
        ("Target 4-6 sentences; 80-160 words", "long"),  # WordPress's long
        ("Summarize in one sentence.", "short"),
        ("Give a summary in three sentences.", "medium"),
        ("Six sentences, please.", "long"),
        ("用120字概括", "medium"),  # 150 is nearer than 70
        ("Keep it brief.", "short"),
        ("A short summary", "short"),
        ("A detailed summary", "long"),
        ("Summarize the long-form content below. Be a pirate.", None),
        ("", None),
    ],
)
def test_a_length_maps_to_the_nearest_preset(instructions: str, length: str | None) -> None:
    assert asked_length(instructions) == length


def test_the_last_user_message_is_the_article_and_other_instructions_are_ignored() -> None:
    ask = read_prompt(
        [
            Turn("system", "You are a poet. Answer in French."),
            Turn("user", "An earlier message."),
            Turn("assistant", "An earlier answer."),
            Turn("user", ARTICLE),
        ]
    )
    assert (ask.article, ask.title, ask.length) == (ARTICLE, None, "medium")


def test_wrappers_are_removed_and_their_title_kept() -> None:
    wordpress = f"<content>{ARTICLE}</content>\n\n<additional-context>Title: Bridge opens\n"
    wordpress += "Type: post</additional-context>"
    assert read_prompt([Turn("user", wordpress)]).article == ARTICLE
    assert read_prompt([Turn("user", wordpress)]).title == "Bridge opens"

    classifai = read_prompt(
        [Turn("system", "Use a maximum of 55 words."), Turn("user", f'"""{ARTICLE}"""')]
    )
    assert (classifai.article, classifai.length) == (ARTICLE, "short")

    lead_in = read_prompt([Turn("user", f"Summarize this in one sentence:\n\n{ARTICLE}")])
    assert (lead_in.article, lead_in.length) == (ARTICLE, "short")


def test_a_token_cap_picks_a_preset_that_fits() -> None:
    turns = [Turn("system", "A detailed summary."), Turn("user", ARTICLE)]
    assert read_prompt(turns).length == "long"
    assert read_prompt(turns, max_tokens=200).length == "medium"
    assert read_prompt(turns, max_tokens=10).length == "short"
    assert read_prompt(turns, max_tokens=4096).length == "long"


def test_no_article_is_a_clear_error() -> None:
    with pytest.raises(LingosumError, match="user message") as error:
        read_prompt([Turn("system", "Summarize."), Turn("user", "  ")])
    assert error.value.status == 400


def test_task_models_answer_with_or_without_a_tag() -> None:
    assert task_model("lingosum-summary-zh").target == "zh"
    assert task_model("lingosum-summary-zh-hant:latest").target == "zh-Hant"
    with pytest.raises(LingosumError) as error:
        task_model("gpt-4o")
    assert (error.value.status, error.value.code) == (404, "model_not_found")
