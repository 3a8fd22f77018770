"""Keeping a model from beginning a lowercase Latin-script word (an English word left in a
Chinese translation) while leaving it free to write names, acronyms and numbers.

A token whose text begins, after any spaces and punctuation, with a lowercase ASCII letter
begins a word (" upcoming", "-oriented", "(the") and is masked, unless a Latin word or number
is under way (the token before it ended in an ASCII letter or digit) and the token goes on with
that word (its text begins with the letter): "G7" may become "G7th", "Arita" may be written
"Ar" + "ita", but no new lowercase word begins, after Chinese or after a capitalised word
alike, and no word half is glued on (未来-oriented). Capitalised words (NHK, Trump) stay
possible, and where the best token was not masked greedy decoding picks the same token as
without the mask.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_LEAD = " \t\r\n" + string.punctuation


@dataclass(frozen=True, eq=False)
class LatinWordMask:
    starts: np.ndarray  # per token: it begins, after spaces and punctuation, with a-z
    detached: np.ndarray  # per token: one of those with a space or punctuation first
    ends: np.ndarray  # per token: it ends in an ASCII letter or digit

    @classmethod
    def of(cls, pieces: Sequence[bytes]) -> LatinWordMask:
        """The mask for a vocabulary given as each token's bytes, in id order."""
        starts = np.zeros(len(pieces), dtype=bool)
        detached = np.zeros(len(pieces), dtype=bool)
        ends = np.zeros(len(pieces), dtype=bool)
        for token, piece in enumerate(pieces):
            text = piece.decode("utf-8", "ignore")
            head = text.lstrip(_LEAD)[:1]
            starts[token] = "a" <= head <= "z"
            detached[token] = starts[token] and not "a" <= text[:1] <= "z"
            ends[token] = text[-1:].isascii() and text[-1:].isalnum()
        return cls(starts, detached, ends)

    def masked(self, previous: int | None) -> np.ndarray:
        """The tokens masked at the step after token `previous` (None: the answer's first)."""
        if previous is not None and self.ends[previous]:
            return self.detached
        return self.starts

    def apply(self, scores: np.ndarray, previous: int | None) -> np.ndarray:
        """`scores` (changed in place) with the masked tokens at -inf."""
        scores[: len(self.starts)][self.masked(previous)] = -np.inf
        return scores
