"""Glossaries through the ASGI app: a request's, a key's (set with `lingosum glossary
import`), the request's winning; in single, batch and job requests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.backends.base import GenerationRequest
from service.cli import main
from service.settings import Settings
from tests.api.support import ENGLISH, app_with, assert_error, create_key, wait_ready
from tests.fakes import FakeBackend, task_of

ORTIZ = {"source": "Elena Ortiz", "en": "Elena Ortiz", "zh": "欧蒂丝"}


def transliterating(request: GenerationRequest) -> str:
    """A model that transliterates the mayor's name its own way."""
    if task_of(request) == "translate":
        name = "欧蒂丝" if "欧蒂丝" in request.text else "埃琳娜·奥尔蒂斯"
        return f"市长{name}周二开通了里弗顿大桥。"
    return "Mayor Elena Ortiz opened the Riverton harbor bridge on Tuesday."


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend(transliterating)


def chinese(body: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = body["summaries"]["zh"]
    return summary


def test_a_request_glossary_renders_the_name_and_reaches_the_translation(
    client: TestClient, backend: FakeBackend
) -> None:
    plain = client.post("/v1/summarize", json={"text": ENGLISH}).json()
    assert "埃琳娜·奥尔蒂斯" in chinese(plain)["text"]

    body = client.post("/v1/summarize", json={"text": ENGLISH, "glossary": [ORTIZ]}).json()
    assert chinese(body)["text"] == "市长欧蒂丝周二开通了里弗顿大桥。"
    assert chinese(body)["checks"]["glossary"] == []
    assert chinese(body)["checks"]["unsupported_names"] == []
    [translation] = [r for r in backend.requests if task_of(r) == "translate"][-1:]
    assert "Mayor 欧蒂丝 opened" in translation.text


def test_a_wrong_form_is_repaired_and_an_entry_not_honoured_is_reported(
    settings: Settings,
) -> None:
    def dropping(request: GenerationRequest) -> str:
        if task_of(request) == "translate":
            return "市长周二开通了里弗顿大桥。"  # the name is lost in translation
        return transliterating(request)

    with app_with(settings, FakeBackend(dropping)) as client:
        wait_ready(client)
        body = client.post("/v1/summarize", json={"text": ENGLISH, "glossary": [ORTIZ]}).json()
    assert chinese(body)["checks"]["glossary"] == [ORTIZ]
    assert any("欧蒂丝" in warning for warning in body["warnings"])


def test_an_entry_whose_term_the_article_lacks_changes_nothing(client: TestClient) -> None:
    other = {"source": "Akira Arita", "zh": "有田秋"}
    body = client.post("/v1/summarize", json={"text": ENGLISH, "glossary": [other]}).json()
    assert "埃琳娜·奥尔蒂斯" in chinese(body)["text"]
    assert chinese(body)["checks"]["glossary"] == []


def test_a_bad_glossary_is_refused(client: TestClient) -> None:
    for glossary, code in [
        ([{"source": "Elena Ortiz"}], "invalid_glossary"),  # no rendering
        ([{"en": "x"}], "invalid_request"),
        ("Elena Ortiz", "invalid_request"),
    ]:
        response = client.post("/v1/summarize", json={"text": ENGLISH, "glossary": glossary})
        assert_error(response, 422, code)


@pytest.fixture
def keyed(
    settings: Settings, backend: FakeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secret = create_key(settings.data_dir, capsys, "cms")
    sheet = tmp_path / "names.csv"
    sheet.write_text("source,en,zh\nElena Ortiz,,奥蒂斯\nRiverton,,河镇\n", encoding="utf-8")
    data = ["--data-dir", str(settings.data_dir)]
    assert main(["glossary", "import", str(sheet), "--key", "cms", *data]) == 0
    assert main(["glossary", "import", str(sheet), "--key", "nobody", *data]) == 1
    capsys.readouterr()
    assert main(["glossary", "show", "--key", "cms", *data]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "source,en,zh",
        "Elena Ortiz,,奥蒂斯",
        "Riverton,,河镇",
    ]
    with app_with(settings, backend) as client:
        wait_ready(client)
        yield client, {"Authorization": f"Bearer {secret}"}


def test_a_keys_glossary_applies_and_the_requests_entries_win(
    keyed: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = keyed
    body = client.post("/v1/summarize", json={"text": ENGLISH}, headers=headers).json()
    assert chinese(body)["text"] == "市长奥蒂斯周二开通了河镇大桥。"

    mine = {"text": ENGLISH, "glossary": [ORTIZ]}
    body = client.post("/v1/summarize", json=mine, headers=headers).json()
    assert chinese(body)["text"] == "市长欧蒂丝周二开通了河镇大桥。"

    batch = {"items": [{"text": ENGLISH}], "glossary": [ORTIZ]}
    [item] = client.post("/v1/summarize/batch", json=batch, headers=headers).json()["items"]
    assert chinese(item["result"])["text"] == "市长欧蒂丝周二开通了河镇大桥。"

    job = {"items": [{"text": ENGLISH}], "glossary": [ORTIZ]}
    location = client.post("/v1/jobs", json=job, headers=headers).headers["location"]
    deadline = time.monotonic() + 10
    while client.get(location, headers=headers).json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    [result] = client.get(f"{location}/results", headers=headers).json()["items"]
    assert chinese(result["result"])["text"] == "市长欧蒂丝周二开通了河镇大桥。"


def test_a_keys_glossary_applies_on_the_compatible_endpoints(
    keyed: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = keyed
    messages = [{"role": "user", "content": ENGLISH}]
    ollama = {"model": "lingosum-summary-zh", "messages": messages, "stream": False}
    body = client.post("/api/chat", json=ollama, headers=headers).json()
    assert body["message"]["content"] == "市长奥蒂斯周二开通了河镇大桥。"
    openai = {"model": "lingosum-summary-zh", "messages": messages}
    body = client.post("/v1/chat/completions", json=openai, headers=headers).json()
    assert body["choices"][0]["message"]["content"] == "市长奥蒂斯周二开通了河镇大桥。"


def test_a_request_glossary_on_the_compatible_endpoints_wins_over_the_keys(
    keyed: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = keyed
    messages = [{"role": "user", "content": ENGLISH}]
    ollama = {
        "model": "lingosum-summary-zh",
        "messages": messages,
        "stream": False,
        "options": {"glossary": [ORTIZ]},
    }
    body = client.post("/api/chat", json=ollama, headers=headers).json()
    assert body["message"]["content"] == "市长欧蒂丝周二开通了河镇大桥。"
    assert body["lingosum"]["checks"]["glossary"] == []
    openai = {"model": "lingosum-summary-zh", "messages": messages, "glossary": [ORTIZ]}
    body = client.post("/v1/chat/completions", json=openai, headers=headers).json()
    assert body["choices"][0]["message"]["content"] == "市长欧蒂丝周二开通了河镇大桥。"


def test_a_bad_glossary_on_the_compatible_endpoints_is_refused(
    keyed: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = keyed
    messages = [{"role": "user", "content": ENGLISH}]
    bad = [{"source": "Elena Ortiz"}]  # no rendering
    openai = {"model": "lingosum-summary-zh", "messages": messages, "glossary": bad}
    response = client.post("/v1/chat/completions", json=openai, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_glossary"
    ollama = {"model": "lingosum-summary-zh", "messages": messages, "options": {"glossary": bad}}
    response = client.post("/api/chat", json=ollama, headers=headers)
    assert response.status_code == 422
    assert "Elena Ortiz" in response.json()["error"]  # Ollama's error shape: a message
