"""The mask that keeps a model from beginning a lowercase Latin-script word."""

from __future__ import annotations

import numpy as np

from service.backends.latin_words import LatinWordMask

PIECES = [
    " upcoming",
    "coming",
    "NHK",
    "会议",
    " G",
    "7",
    "-",
    "\n the",
    "",
    "。",
    "th",
    "-oriented",
]


def chosen(mask: np.ndarray) -> list[str]:
    return [PIECES[t] for t in np.flatnonzero(mask)]


def test_word_starts_spaced_starts_and_word_ends_are_read_from_the_pieces() -> None:
    mask = LatinWordMask.of([p.encode() for p in PIECES])
    assert chosen(mask.starts) == [" upcoming", "coming", "\n the", "th", "-oriented"]
    assert chosen(mask.detached) == [" upcoming", "\n the", "-oriented"]
    assert chosen(mask.ends) == [
        " upcoming",
        "coming",
        "NHK",
        " G",
        "7",
        "\n the",
        "th",
        "-oriented",
    ]


def test_only_the_rest_of_a_latin_word_or_number_under_way_may_be_lowercase() -> None:
    mask = LatinWordMask.of([p.encode() for p in PIECES])
    every_start = [" upcoming", "coming", "\n the", "th", "-oriented"]
    assert chosen(mask.masked(None)) == every_start, "the answer's first token"
    assert chosen(mask.masked(PIECES.index("会议"))) == every_start
    assert chosen(mask.masked(PIECES.index("-"))) == every_start, "未来-oriented"
    # after NHK or 7: "7th" may go on, but no new word ("NHK the", "G7-oriented") may begin
    detached = [" upcoming", "\n the", "-oriented"]
    assert chosen(mask.masked(PIECES.index("NHK"))) == detached
    assert chosen(mask.masked(PIECES.index("7"))) == detached

    scores = np.arange(len(PIECES), dtype=np.float32)
    masked = mask.apply(scores.copy(), PIECES.index("会议"))
    assert int(np.argmax(masked)) == PIECES.index("。")
    assert np.isneginf(masked[[0, 1, 7, 10, 11]]).all()
    kept = [2, 3, 4, 5, 6, 8, 9]
    assert np.array_equal(masked[kept], scores[kept])
    assert int(np.argmax(mask.apply(scores.copy(), PIECES.index("7")))) == PIECES.index("th")
