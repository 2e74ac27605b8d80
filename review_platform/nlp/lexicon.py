"""Keyword and polarity-word matching over whole polars columns (Rust regex; no Python per row).

Texts and terms are compared folded: lower case, accents removed, curly apostrophes straightened, so that "déçu",
"DECU" and "decu" match alike (reviews are often typed without accents). A term matches whole words; a trailing
`*` matches any ending.

The patterns use ASCII classes only (`(?-u:\b)`, `[0-9a-z_]`): on folded text they mean the same, and they keep
Rust's regex on its DFA engines; Unicode word boundaries made the lexicon a hundred times slower.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import polars as pl

from review_platform.nlp.taxonomy import Lexicon

_FOLDED = {
    **dict.fromkeys("àáâãäå", "a"),
    "ç": "c",
    **dict.fromkeys("èéêë", "e"),
    **dict.fromkeys("ìíîï", "i"),
    "ñ": "n",
    **dict.fromkeys("òóôõö", "o"),
    **dict.fromkeys("ùúûü", "u"),
    "ÿ": "y",
    "œ": "oe",
    "æ": "ae",
    **dict.fromkeys("’‘ʼ`´", "'"),  # curly apostrophes and accents typed as apostrophes
}
WORD_BOUNDARY = r"(?-u:\b)"
_WORD_CHAR = r"[0-9a-z_]"
_SPACE = r"[ \t\r\n]"
_GAP = rf"(?:[0-9a-z_']+{_SPACE}+){{0,2}}?"  # up to two words between a negator and the word it negates


def folded(text: pl.Expr) -> pl.Expr:
    """Lower case, accents removed, apostrophes straightened."""
    return text.str.to_lowercase().str.replace_many(list(_FOLDED), list(_FOLDED.values()))


def fold(term: str) -> str:
    """The Python twin of `folded`, for terms read from the taxonomy."""
    lowered = "".join(_FOLDED.get(char, char) for char in term.strip().lower())
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _term_regex(term: str) -> str:
    term = fold(term)
    wildcard = term.endswith("*")
    body = f"{_SPACE}+".join(re.escape(word) for word in term.rstrip("*").split())
    if wildcard:
        return body + f"{_WORD_CHAR}*"
    return body + (WORD_BOUNDARY if re.match(r"\w", body[-1]) else "")


def alternation(terms: tuple[str, ...] | list[str]) -> str:
    """One regex matching any of `terms` (longest first, so "not worth" wins over "not")."""
    unique = sorted({fold(t) for t in terms if t.strip()}, key=len, reverse=True)
    return "|".join(_term_regex(term) for term in unique) if unique else r"[^\s\S]"


def keyword_hits(folded_text: pl.Expr, terms: tuple[str, ...], cap: int) -> pl.Expr:
    """How many of `terms` occur in the folded text, capped at `cap`."""
    if not terms:
        return pl.lit(0.0)
    pattern = rf"{WORD_BOUNDARY}(?:{alternation(terms)})"
    return folded_text.str.count_matches(pattern).clip(upper_bound=cap).cast(pl.Float64)


@dataclass(frozen=True)
class PolarityMatcher:
    """Counts positive, negative and neutral words of one language's lexicon, with negation.

    Every match is either a bare term ("disappointed", "ne recommande pas") or a negator followed, within two
    words, by a term ("not very good", "pas satisfait"). A negated positive counts as negative; a negated negative
    ("not bad", "sans problème") as half a positive; a negated neutral ("not ok") as half a negative.
    """

    lexicon: Lexicon

    def counts(self, folded_text: pl.Expr, cap: int) -> dict[str, pl.Expr]:
        terms = self.lexicon.terms
        every = alternation([t for group in terms.values() for t in group])
        negators = "|".join(
            rf"{re.escape(fold(n))}{_SPACE}+" if re.match(r"\w", fold(n)[-1]) else re.escape(fold(n))
            for n in sorted(self.lexicon.negators, key=len, reverse=True)
        )
        b = WORD_BOUNDARY
        pattern = rf"{b}(?:{every})" + (rf"|{b}(?:{negators}){_GAP}(?:{every})" if negators else "")
        matches = folded_text.str.extract_all(pattern)

        def bare(sentiment: str) -> pl.Expr:
            return pl.element().str.contains(rf"^(?:{alternation(terms[sentiment])})$")

        def ends_with(sentiment: str) -> pl.Expr:
            return pl.element().str.contains(rf"{WORD_BOUNDARY}(?:{alternation(terms[sentiment])})$")

        any_bare = bare("positive") | bare("negative") | bare("neutral")

        def count(weighted: pl.Expr) -> pl.Expr:
            return matches.list.eval(weighted).list.sum().fill_null(0).cast(pl.Float64).clip(upper_bound=cap)

        negated = ~any_bare
        return {
            "positive": count(
                bare("positive").cast(pl.Float64) + 0.5 * (negated & ends_with("negative")).cast(pl.Float64)
            ),
            "negative": count(
                bare("negative").cast(pl.Float64)
                + (negated & ends_with("positive")).cast(pl.Float64)
                + 0.5 * (negated & ends_with("neutral") & ~ends_with("positive")).cast(pl.Float64)
            ),
            "neutral": count(bare("neutral").cast(pl.Float64)),
        }
