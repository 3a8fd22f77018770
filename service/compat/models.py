"""The task models the compatible endpoints offer: one per summary language."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import LingosumError


@dataclass(frozen=True)
class TaskModel:
    id: str
    target: str  # the summary's language, as a lingosum request writes it
    description: str


TASK_MODELS: dict[str, TaskModel] = {
    model.id: model
    for model in (
        TaskModel("lingosum-summary-en", "en", "An English summary of an article in any language."),
        TaskModel(
            "lingosum-summary-zh",
            "zh",
            "A Simplified Chinese summary of an article in any language.",
        ),
        TaskModel(
            "lingosum-summary-zh-hant",
            "zh-Hant",
            "A Traditional Chinese summary of an article in any language.",
        ),
    )
}


def task_model(name: str) -> TaskModel:
    """The model a request names ("name" or Ollama's "name:latest"); 404 for any other."""
    model = TASK_MODELS.get(name.removesuffix(":latest"))
    if model is None:
        known = ", ".join(TASK_MODELS)
        raise LingosumError(
            "model_not_found", f"There is no model {name!r}; the models are {known}.", 404
        )
    return model
