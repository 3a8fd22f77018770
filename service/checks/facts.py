"""An article's facts, read once: every check of every summary of it reads them from here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..text.languages import is_chinese
from ..text.scripts import is_latin_script
from .chinese_names import ChineseReading
from .glossary import Glossary
from .names import LatinNames, name_runs
from .numbers import source_numbers
from .stray_words import latin_names


@dataclass(frozen=True, eq=False)
class ArticleFacts:
    """What `text`, in `language`, states. Each fact is read the first time a check asks."""

    text: str
    language: str  # a catalogue code
    terms: Glossary = ()  # the glossary entries whose source term it writes

    @property
    def is_chinese(self) -> bool:
        return is_chinese(self.language)

    @cached_property
    def numbers(self) -> set[float]:
        """Every number the article states, in any form (see `numbers.source_numbers`)."""
        return source_numbers(self.text, self.language)

    @cached_property
    def latin_script(self) -> bool:
        return is_latin_script(self.text)

    @cached_property
    def names(self) -> LatinNames:
        """Its words, as a Latin-script summary's names are checked against them."""
        return LatinNames.of(self.text)

    @cached_property
    def chinese(self) -> ChineseReading:
        """Its Latin words and the pinyin of its Han runs, for names written across scripts."""
        return ChineseReading.of(self.text)

    @cached_property
    def name_runs(self) -> list[str]:
        """Its runs of capitalized words ("Akira Arita"), names a Chinese summary may keep."""
        return name_runs(self.text) if self.latin_script else []

    @cached_property
    def latin_names(self) -> set[str]:
        """The Latin-script words a Chinese summary of it may keep as written."""
        return latin_names(self.text)
