"""Prompt templates, kept as files beside this module: `<task>.<language>.txt`.

They ship with the package as package data; `LINGOSUM_PROMPTS_DIR` points at another folder.

A file holds the system message, a line `---`, then the user message. A follow-up turn in a
conversation already under way has no system message: its file opens with the `---` line.
Placeholders are `{name}` fields filled by the stage that uses the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...backends import ChatMessage
from ...errors import LingosumError

REQUIRED = (
    "summarize.en",
    "summarize.zh",
    "summarize_short.en",  # the one-sentence summary, worded for a fuller sentence
    "summarize_short.zh",
    "summarize_beside.zh",  # opens as summarize.en does: both read the article once, together
    "summarize_part.en",  # one chunk of an article too long for one pass
    "summarize_part.zh",
    "combine.en",  # the chunk summaries, joined in order, into one summary
    "combine.zh",
    "translate.en",
    "translate.zh",
    "translate_terms.zh",
    "revise.en",
    "revise.zh",
)
SUPPORT = (  # read only where the sentence-support check is on
    "support.en",  # is the article's own prompt, then a sentence: does the article state it?
    "support_list.en",  # the same question for every sentence, listed
)


@dataclass(frozen=True)
class PromptTemplate:
    system: str
    user: str

    def render(self, **fields: object) -> tuple[ChatMessage, ...]:
        user = ChatMessage("user", self.user.format(**fields))
        if not self.system:
            return (user,)
        return (ChatMessage("system", self.system.format(**fields)), user)


class PromptBook:
    def __init__(self, folder: Path, *, support: bool = False) -> None:
        names = REQUIRED + SUPPORT if support else REQUIRED
        self._templates = {name: _read(folder / f"{name}.txt") for name in names}

    def get(self, task: str, language: str) -> PromptTemplate:
        """The template for `task` writing `language` (any Chinese variant reads `.zh`)."""
        return self._templates[f"{task}.{language.split('-')[0]}"]


def _read(path: Path) -> PromptTemplate:
    if not path.is_file():
        raise LingosumError("prompt_missing", f"Prompt template {path} is missing.", status=500)
    system, separator, user = ("\n" + path.read_text(encoding="utf-8")).partition("\n---\n")
    if not separator:
        raise LingosumError(
            "prompt_invalid", f"{path} needs a line '---' between system and user text.", 500
        )
    return PromptTemplate(system.strip(), user.strip())
