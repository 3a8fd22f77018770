"""What a summary states that its source does not: numbers in any language, and the names of a
Latin-script summary where its source is in Latin script or Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from ..text.languages import is_chinese
from .names import is_latin_script, unsupported_names
from .numbers import unsupported_numbers


@dataclass(frozen=True)
class Problems:
    numbers: list[str]
    names: list[str]

    def __bool__(self) -> bool:
        return bool(self.numbers or self.names)

    def __len__(self) -> int:
        return len(self.numbers) + len(self.names)

    def describe(self) -> str:
        """'the number 42 and the name Rex Tillerson', for a prompt or a warning."""
        parts = [
            f"the {kind}{'s' if len(items) > 1 else ''} {', '.join(items)}"
            for kind, items in (("number", self.numbers), ("name", self.names))
            if items
        ]
        return " and ".join(parts)


def check(summary: str, source: str, source_language: str) -> Problems:
    names = (
        unsupported_names(summary, source, source_is_chinese=is_chinese(source_language))
        if is_latin_script(summary)
        else []
    )
    return Problems(unsupported_numbers(summary, source, source_language), names)
