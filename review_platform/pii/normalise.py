r"""See through invisible and look-alike characters before detection, and map what is found back to the original.

A value split by a zero-width space ("marie\u200b.dupont@gmail.com"), a soft hyphen ("06\u00ad12 34 56 78"), an
unusual space ("Jean\u2009Dupont") or written in full-width digits ("０６ １２ ３４ ５６ ７８") slips past the
detectors. `normalise` removes format characters (Unicode category Cf: zero-width spaces and joiners, soft hyphen,
word joiner, BOM...), turns every space variant into " " and applies NFKC character by character (full-width
forms, ligatures, superscripts); every other character is kept as it is (no case folding, no accent stripping).
The detectors run on the normalised text, and `map_entities` turns their offsets back into offsets of the
original, so that redaction replaces the whole original value, invisible characters included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import chain, repeat

from review_platform.pii.entities import Entity

# Always removed, whatever category the running Python's Unicode database gives them.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
# Every space variant becomes " ". NFKC already maps most of them, but not U+1680 (ogham space mark).
SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# The code points that can change: planes 4-13 are unassigned and 15-16 private use, and surrogates never change.
_SCANNED = (range(0xD800), range(0xE000, 0x40000), range(0xE0000, 0xE1000))


@dataclass(frozen=True, slots=True)
class Normalised:
    """`text` normalised, and where each of its characters came from in the original string.

    `origin[i]` is the original index of the character that produced `text[i]` (several `i` share one after an
    NFKC expansion such as "ﬁ" -> "fi"), followed by one last entry, the original's length. `origin` is None when
    nothing changed: `text` is the original and offsets are the same in both.
    """

    text: str
    origin: tuple[int, ...] | None = None

    @property
    def changed(self) -> bool:
        return self.origin is not None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that covers every character `text[start:end]` came from, and the removed
        characters between them (so it never shrinks). An empty span stays empty."""
        origin = self.origin
        if origin is None:
            return start, end
        begin = origin[start]
        return (begin, origin[end - 1] + 1) if end > start else (begin, begin)


def _escape(code_point: int) -> str:
    # The two escapes Python's `re` and Rust's `regex` (polars) both read.
    return f"\\u{code_point:04x}" if code_point <= 0xFFFF else f"\\U{code_point:08x}"


def _char_class(chars: Iterable[str]) -> str:
    ranges: list[list[int]] = []
    for code_point in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == code_point - 1:
            ranges[-1][1] = code_point
        else:
            ranges.append([code_point, code_point])
    body = "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in ranges)
    return f"[{body}]"


@cache
def _tables() -> tuple[dict[str, str], str, re.Pattern[str]]:
    """Each character `normalise` changes -> its replacement, their regex class, and a regex for runs of
    candidates: the BMP characters that change and every astral one (emoji mostly, looked up one by one).

    Python's `re` tests a BMP class in one lookup but astral ranges one after the other (dozens here): a single
    astral range makes the search over ordinary text several times faster. Built on first use rather than at
    import: scanning the code points takes about 0.1 s.
    """
    category, is_normalized, nfkc = unicodedata.category, unicodedata.is_normalized, unicodedata.normalize
    replacements: dict[str, str] = {}
    for char in map(chr, chain.from_iterable(_SCANNED)):
        if char in INVISIBLE or category(char) == "Cf":
            replacements[char] = ""
        elif char in SPACES:
            replacements[char] = " "
        elif not is_normalized("NFKC", char):
            replacements[char] = nfkc("NFKC", char)
    bmp_class = _char_class(char for char in replacements if char <= "\uffff")
    candidates = re.compile(f"{bmp_class[:-1]}\\U00010000-\\U0010ffff]+")
    return replacements, _char_class(replacements), candidates


def changing_chars_class() -> str:
    """A regex character class, valid for Python's `re` and Rust's `regex` (polars), of every character that
    `normalise` removes or replaces: a text matches it exactly when its normalised form differs."""
    return _tables()[1]


def normalise(text: str) -> Normalised:
    """`text` with format characters removed, space variants made " " and NFKC applied character by character,
    and the map from its offsets back to `text`'s. Plain text comes back as is, with the identity map."""
    if text.isascii():  # O(1) in CPython, and no ASCII character changes
        return Normalised(text)
    replacements, _, candidates = _tables()
    first = candidates.search(text)
    if first is None:
        return Normalised(text)
    parts: list[str] = []
    origin: list[int] = []
    changed = False
    last = 0
    for match in candidates.finditer(text, first.start()):
        start, end = match.span()
        parts.append(text[last:start])
        origin.extend(range(last, start))
        for i in range(start, end):
            char = text[i]
            replacement = replacements.get(char)
            if replacement is None:  # an astral character that stays
                parts.append(char)
                origin.append(i)
            else:
                changed = True
                parts.append(replacement)
                origin.extend(repeat(i, len(replacement)))
        last = end
    if not changed:
        return Normalised(text)
    parts.append(text[last:])
    origin.extend(range(last, len(text) + 1))  # the final entry: the original's length
    return Normalised("".join(parts), tuple(origin))


def map_entities(normalised: Normalised, entities: Iterable[Entity]) -> list[Entity]:
    """`entities` found in `normalised.text`, with offsets into the original text (not merged: spans that split
    one NFKC expansion may now overlap, so merge after mapping)."""
    if normalised.origin is None:
        return list(entities)
    return [Entity(e.type, *normalised.original_span(e.start, e.end), e.score) for e in entities]
