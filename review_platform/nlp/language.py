"""Language of a review (en, fr or other) from stop words and characters: pure code, no model, no download.

Each candidate language scores one point per stop word (and very common review word) found in the folded text,
plus points for characters and elisions only it uses (French é è ê à ç and j' l' d' c' n' qu'; English 's and
n't). German, Spanish, Italian, Dutch and Portuguese compete too, so that their reviews come out as `other`
instead of being forced into en or fr. A text with no evidence at all, or written mostly outside the Latin
script, is `other`. Ties go to English, then French.
"""

from __future__ import annotations

import polars as pl

from review_platform.nlp.lexicon import WORD_BOUNDARY, folded

LANGUAGES = ("en", "fr")
OTHER_LANGUAGE = "other"

# Folded (no accents), lower case. Words shared by several languages ("a", "de", "en", "la") count for each.
STOP_WORDS: dict[str, tuple[str, ...]] = {
    language: tuple(words.split())
    for language, words in {
        "en": """the and is it to was of for this that with my i you not but have has had very on in at be are were
            they just would will so too really from after what when no an its it's i'm i've don't didn't doesn't
            wasn't isn't love great good nice item product quality delivery arrived works bought worth price buy
            again well which did does only all one get got use used still""",
        "fr": """le la les de des du et est un une pas je il elle ce en au aux pour que qui avec mais tres sur plus ne
            on mon ma mes ca bien sont etait ete tout rien sans dans par merci produit livraison colis qualite recu
            achat parfait nul deja toujours fait trop peu aussi avoir suis j'ai c'est n'est adore j'adore vendeur
            conforme depuis apres chez moi notre votre leur""",
        "de": """der die das und ist nicht ich es sehr mit zu ein eine auf fur aber war sind den dem auch nach wie gut
            schnell leider""",
        "es": "el los las y que es muy pero por con para lo se del al esta fue producto bien llego calidad",
        "it": "il di che e per non molto con ma sono della ho questo prodotto arrivato qualita ottimo",
        "nl": "het een en niet van ik te met voor maar zeer goed dat zijn",
        "pt": "os que um uma muito nao com para mas por produto foi chegou",
    }.items()
}
# Accented letters are looked for in the lower-cased text, elisions in the folded one (ASCII classes keep the regex
# engine on its fast path).
_ACCENT_CUES = {"fr": "[éèêàçùâîôûëïœ]", "de": "[äöüß]", "es": "[ñ¿¡]", "pt": "[ãõ]"}
_ELISION_CUES = {
    "fr": rf"{WORD_BOUNDARY}(?:j|l|d|c|n|qu|s|m|t)'[a-z]",
    "en": rf"[a-z]'(?:s|t|ve|re|ll|d|m){WORD_BOUNDARY}",
}
_CANDIDATES = ("en", "fr", "de", "es", "it", "nl", "pt")


def _stop_word_pattern(words: tuple[str, ...]) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return rf"{WORD_BOUNDARY}(?:" + "|".join(ordered) + rf"){WORD_BOUNDARY}"


def language(text: pl.Expr) -> pl.Expr:
    """`en`, `fr` or `other` for each text."""
    lowered = text.fill_null("").str.to_lowercase()
    plain = folded(text.fill_null(""))
    scores = []
    for candidate in _CANDIDATES:
        score = plain.str.count_matches(_stop_word_pattern(STOP_WORDS[candidate]))
        if candidate in _ACCENT_CUES:
            score = score + lowered.str.count_matches(_ACCENT_CUES[candidate])
        if candidate in _ELISION_CUES:
            score = score + plain.str.count_matches(_ELISION_CUES[candidate])
        scores.append(score.cast(pl.Float64).alias(candidate))
    best = pl.max_horizontal(scores)
    letters = lowered.str.count_matches(r"\p{L}")
    latin = lowered.str.count_matches(r"\p{Latin}")
    chosen = pl.when(best <= 0).then(pl.lit(OTHER_LANGUAGE))
    for candidate, score in zip(_CANDIDATES, scores, strict=True):
        label = candidate if candidate in LANGUAGES else OTHER_LANGUAGE
        chosen = chosen.when(score >= best).then(pl.lit(label))
    return pl.when(latin * 2 < letters).then(pl.lit(OTHER_LANGUAGE)).otherwise(chosen.otherwise(pl.lit(OTHER_LANGUAGE)))
