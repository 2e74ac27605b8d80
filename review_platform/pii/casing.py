"""Case restored for the name model, where reviewers drop it: spaCy's small pipelines find "Susan Cole" but not
"susan cole", nor "Finn KRISTENSEN" (the French "Prénom NOM" habit). So the model is shown a copy of each window
in which

- a word in capitals right after a capitalised word gets the case of a name ("Finn KRISTENSEN" -> "Finn
  Kristensen");
- two lowercase words right after a cue that introduces a person ("i'm", "my name is", "signed:", "thanks,",
  "my neighbour", "offert à", "demandez à", "merci,", "d'après"...) get capitals ("susan cole" -> "Susan Cole"),
  unless one of them is a stop word of English or French ("i'm very happy", "offert à ma mère" stay as written).

The model still decides: "I'm Very Happy" or "Merci, Super Livre" capitalised are not persons to it. Every change
keeps the text's length, so what the model finds in the copy has the same offsets in the original.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

# Cues after which a reviewer writes a person's name, in English and French; the same syntax for Python's `re`
# and for polars' Rust regex (the prefilter of `ner.SpacyNameDetector`).
_RELATIVES_EN = (
    "husband|wife|partner|neighbou?r|friend|sister|brother|daughter|son|mum|mom|mother|father|dad|niece|nephew|"
    "cousin|colleague|boss|boyfriend|girlfriend|fianc[ée]e?|grandmother|grandma|granddaughter|grandson"
)
_RELATIVES_FR = (
    "voisine?|mari|femme|[ée]pouse|fille|fils|s[œo]e?ur|fr[èe]re|amie?|copine|copain|coll[èe]gue|m[èe]re|p[èe]re|"
    "cousine?|ni[èe]ce|neveu|patronne|patron"
)
CUES = (
    r"my name is|my name[’']s|name\s*:|i[’']m|i am|this is|signed\s*:?|thanks,|thank you,|cheers,|regards,|love,|"
    rf"(?:my|our) (?:{_RELATIVES_EN})|bought (?:it|this|them|these|one) for|ask(?: for)?|according to|—|"
    r"je m[’']appelle|moi c[’']est|moi,|je suis|sign[ée]e?\s*:?|merci,|cordialement,|bisous,|amiti[ée]s,|"
    rf"offerte? à|demandez à|d[’']apr[èe]s|selon|de la part de|(?:ma|mon|notre) (?:{_RELATIVES_FR})"
)
_WORD = r"[^\W\d_][^\W\d_'\-]+"
# A cue, then two lowercase words (the name), each of two letters or more.
CUE_THEN_LOWER_PAIR = re.compile(rf"(?i:(?<![^\W\d_])(?:{CUES}))\s+({_WORD})[ \t]+({_WORD})(?![^\W\d_])")
_LETTERS = re.compile(r"[^\W\d_]+")


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH

    return frozenset(ENGLISH | FRENCH)


def _title(word: str) -> str:
    titled = word[0].upper() + word[1:].lower()
    return titled if len(titled) == len(word) else word  # "ß".upper() is "SS": such a word is left as it is


def _lowercase_names(text: str) -> list[re.Match[str]]:
    stop = _stop_words()
    return [
        match
        for match in CUE_THEN_LOWER_PAIR.finditer(text)
        if all(word.islower() and word not in stop for word in match.group(1, 2))
    ]


def lowercase_name_spans(text: str) -> list[tuple[int, int]]:
    """Where a cue is followed by two lowercase words that could be a name (neither a stop word): the cue and
    the two words."""
    return [(match.start(), match.end()) for match in _lowercase_names(text)]


def model_view(text: str) -> str:
    """`text` with the case of names restored as the module says; same length, same offsets."""
    chars = list(text)
    for match in _lowercase_names(text):
        start, end = match.start(1), match.end(2)
        for word in re.finditer(r"\S+", text[start:end]):
            chars[start + word.start() : start + word.end()] = _title(word.group())
    words = list(_LETTERS.finditer(text))
    for before, word in itertools.pairwise(words):
        first, caps = before.group(), word.group()
        apart = text[before.end() : word.start()]
        if apart.strip(" \t") == "" and apart and caps.isupper() and len(caps) >= 2 and _is_capitalised(first):
            chars[word.start() : word.end()] = _title(caps)
    return "".join(chars)


def _is_capitalised(word: str) -> bool:
    return len(word) >= 2 and word[0].isupper() and word[1:].islower()
