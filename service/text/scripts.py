"""Every script and word pattern the service reads text with, in one place.

Character classes are strings, for building other patterns; compiled patterns end in `_CHAR`,
`_RUN` or `_WORD`. The word patterns differ on purpose, and each says what it is for.
"""

from __future__ import annotations

import re

# Character classes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs, extension A, compatibility
HAN_UNIFIED = "\u3400-\u4dbf\u4e00-\u9fff"  # without the compatibility ideographs
KANA = "\u3040-\u30ff"  # hiragana and katakana
KANA_ALL = KANA + "\u31f0-\u31ff\uff66-\uff9f"  # with the phonetic extensions and half-width
HANGUL_SYLLABLES = "\uac00-\ud7af"
HANGUL_ALL = "\u1100-\u11ff\u3130-\u318f" + HANGUL_SYLLABLES  # with the jamo
CJK = KANA + HAN + HANGUL_SYLLABLES  # one character carries about a word
LATIN = "A-Za-zÀ-ÖØ-öø-ÿ"  # ASCII letters and Latin-1 accented ones

# Characters and runs of one script.
HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")
KANA_CHAR = re.compile(f"[{KANA_ALL}]")
HANGUL_CHAR = re.compile(f"[{HANGUL_ALL}]")
CJK_CHAR = re.compile(f"[{CJK}]")
CJK_RUN = re.compile(f"[{CJK}]+")
LATIN_CHAR = re.compile(f"[{LATIN}]")
LATIN_RUN = re.compile(f"[{LATIN}]+")  # letters only: "O'Brien" is "O" and "Brien"

# Words.
COUNTED_WORD = re.compile(f"[{LATIN}0-9]+(?:['’.-][{LATIN}0-9]+)*")  # what a word count counts
NAME_WORD = re.compile(f"[{LATIN}]+(?:['’-][{LATIN}]+)*")  # "O'Brien", "Jean-Luc", "Arita's"
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")  # English left in Chinese
ASCII_TOKEN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_'’\-]*[A-Za-z0-9_])?")  # words and codes


def is_latin_script(text: str) -> bool:
    """Whether more than 80% of the letters of `text` are Latin."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(bool(LATIN_CHAR.match(ch)) for ch in letters) / len(letters) > 0.8
