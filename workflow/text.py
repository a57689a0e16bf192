"""Vietnamese text: NFC storage, diacritic-free search keys, alphabet-order sort keys."""
from __future__ import annotations

import re
import unicodedata

# Old-style tone placement (hoà, thuý) and new style (hòa, thúy) are both in use; we
# keep what the user typed (NFC) and compare through `fold`, which ignores tones.
_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str | None:
    """Composed Unicode, trimmed, single spaces: how every name is stored."""
    if text is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """Lower case without diacritics: 'Nguyễn Văn Ân' -> 'nguyen van an'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped.replace("đ", "d").replace("Đ", "D")).strip().lower()


# The Vietnamese alphabet; letters outside it (f, j, w, z in foreign names) sort after
# their nearest Latin neighbour.
_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
             "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
# Dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn make new letters


def _split_letter(char: str) -> tuple[str, str]:
    """('ế') -> ('ê', tone sắc)."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0] + "".join(m for m in decomposed[1:] if m in _LETTER_MARKS)
    tone = "".join(m for m in decomposed[1:] if m in _TONE_RANK)
    letter = unicodedata.normalize("NFC", base)
    if letter == "d" and "\u0335" in decomposed:  # never produced by NFD, kept for safety
        letter = "đ"
    return letter, tone


def _word_key(word: str) -> tuple[str, str]:
    primary, secondary = [], []
    for char in word:
        letter, tone = _split_letter(char)
        if letter in _LETTER_RANK:
            primary.append(f"{_LETTER_RANK[letter] + 10:02d}")
        elif letter.isdigit():
            primary.append(f"0{letter}")
        else:
            continue
        secondary.append(str(_TONE_RANK.get(tone, 0)))
    return "".join(primary), "".join(secondary)


def sort_key(text: str | None) -> str:
    """A plain ASCII key that sorts Vietnamese text in alphabet order (a ă â b … đ …)."""
    words = nfc(text or "").split(" ")
    keys = [_word_key(w) for w in words if w]
    # All letters first, then tones: "an" < "ân" < "ấn" < "bà"
    return "00".join(k[0] for k in keys) + "/" + "".join(k[1] for k in keys)


def person_sort_key(full_name: str | None) -> str:
    """People sort by given name, then family name, then middle names."""
    words = (nfc(full_name) or "").split(" ")
    if len(words) < 2:
        return sort_key(full_name)
    reordered = [words[-1], words[0], *words[1:-1]]
    return sort_key(" ".join(reordered))


def like_pattern(query: str) -> str:
    """A LIKE pattern for a folded query, with LIKE's own wildcards escaped."""
    q = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{q}%"


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str | None) -> list:
    """Numbers inside a name count as numbers: canbo_2 before canbo_10 (case and diacritics ignored)."""
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(fold(text))]
