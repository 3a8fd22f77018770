"""The command line without a model: each command offers the flags of the settings it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli import COMMAND_SETTINGS, main
from service.settings import Settings


def help_of(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_serve_offers_every_setting_but_the_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of("serve", capsys)
    secrets = {"api_key", "webhook_secret", "database_url", "openai_api_key", "secret_key"}
    for name in Settings.model_fields:
        flag = f"--{name.replace('_', '-')}"
        assert (flag not in text) if name in secrets else (flag in text), name


@pytest.mark.parametrize("command", ["summarize", "feed", "eval", "worker"])
def test_a_command_offers_only_the_settings_it_reads(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_of(command, capsys)
    for name in Settings.model_fields:
        flag = f"--{name.replace('_', '-')} "
        assert (flag in text or f"--{name.replace('_', '-')}," in text) == (
            name in COMMAND_SETTINGS[command]
        ), (command, name)


def test_eval_has_no_webhook_or_fetch_flags(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of("eval", capsys)
    assert "--summarizer-model" in text and "--zh-route" in text
    assert "--webhook" not in text and "--fetch" not in text and "--port" not in text


def test_an_unknown_target_is_refused_as_the_api_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("The bridge opened on Tuesday.", encoding="utf-8")
    assert main(["summarize", str(article), "--targets", "en,xx", "--no-warmup"]) == 1
    assert "Unknown target 'xx'" in capsys.readouterr().err


def test_an_empty_article_is_refused_as_the_api_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("  \n", encoding="utf-8")
    assert main(["summarize", str(article), "--no-warmup"]) == 1
    assert "text is empty" in capsys.readouterr().err


def test_eval_refuses_an_unknown_route_and_a_missing_ntrex_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sets = ["--sets", "ntrex-fidelity-ja"]
    assert main(["eval", str(tmp_path), *sets, "--routes", "direct,sideways"]) == 1
    assert "Unknown route sideways" in capsys.readouterr().err
    missing = str(tmp_path / "no-ntrex")
    assert main(["eval", str(tmp_path), *sets, "--ntrex-dir", missing]) == 1
    assert "is not a folder" in capsys.readouterr().err
