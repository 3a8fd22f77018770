"""News-style repairs through the API: each is made, counted under checks.repairs, and what
cannot be repaired is reported under checks.style."""

from __future__ import annotations

from service.backends.base import GenerationRequest
from service.settings import Settings
from tests.api.support import ENGLISH, app_with, wait_ready
from tests.fakes import FakeBackend, task_of


def careless(request: GenerationRequest) -> str:
    task = task_of(request)
    if task == "translate":
        return "里弗顿周二开通了新的港口大桥。大桥让城市更加未来-oriented。一年后。"
    if task == "translate_terms":
        return "导向"
    return (
        "The article discusses the new harbor bridge. Riverton opened its harbor bridge on "
        "Tuesday. One year later."
    )


def test_repairs_are_made_and_counted(settings: Settings) -> None:
    with app_with(settings, FakeBackend(careless)) as client:
        wait_ready(client)
        body = client.post("/v1/summarize", json={"text": ENGLISH}).json()
    english, chinese = body["summaries"]["en"], body["summaries"]["zh"]
    assert english["text"] == "Riverton opened its harbor bridge on Tuesday."
    assert english["checks"]["repairs"] == {"meta_opening": 1, "fragment": 1}
    assert chinese["text"] == "里弗顿周二开通了新的港口大桥。大桥让城市更加未来导向。"
    assert chinese["checks"]["repairs"] == {"leftover_word": 1, "fragment": 1}
    assert chinese["checks"]["untranslated"] == []
    assert english["checks"]["style"] == chinese["checks"]["style"] == []


def test_a_fault_that_cannot_be_repaired_is_reported(settings: Settings) -> None:
    def meta(request: GenerationRequest) -> str:
        if task_of(request) == "translate":
            return "本文介绍了里弗顿的新大桥。"
        return "The article discusses the new harbor bridge of Riverton."

    with app_with(settings, FakeBackend(meta)) as client:
        wait_ready(client)
        body = client.post("/v1/summarize", json={"text": ENGLISH}).json()
    for key, sentence in [
        ("en", "The article discusses the new harbor bridge of Riverton."),
        ("zh", "本文介绍了里弗顿的新大桥。"),
    ]:
        assert body["summaries"][key]["checks"]["style"] == [f"meta_opening: {sentence}"]
        assert body["summaries"][key]["checks"]["repairs"] == {}
