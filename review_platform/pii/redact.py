"""Find personal data in review text and redact it, over whole polars columns.

How a column is processed:

0. the few rows holding invisible or look-alike characters (zero-width spaces, soft hyphens, full-width digits...)
   are normalised (`normalise`), so that the detectors see "06\u200b12 34 56 78" as a phone number;
1. polars evaluates every detector's `prefilter` (a regex in Rust, all detectors and columns in parallel), which
   marks the few rows that could hold personal data and which detectors to run on each;
2. Python runs only those detectors, only on those rows: exact candidates, checksums (Luhn, mod-97), name
   heuristics; overlapping detections are merged (`merge_entities`: the union is redacted, the longest span
   names the type);
3. each entity is replaced by its type's operator (typed placeholder by default), and the changed rows are
   scanned again until nothing is found, so `find_pii` finds nothing in what `redact_texts` returns. Entities
   found in normalised rows are mapped back to offsets into the original text, so the whole original value,
   invisible characters included, is replaced.

`detect` and `redact_text` do the same for one string, without polars.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from review_platform.contract import PiiType
from review_platform.pii.detectors import (
    AddressDetector,
    AddressUnitDetector,
    AddressWithoutNumberDetector,
    CardDetector,
    Detector,
    EmailDetector,
    IbanDetector,
    IpAddressDetector,
    LibPhoneNumberDetector,
    NameFirstAddressDetector,
    ObfuscatedEmailDetector,
    PhoneDetector,
    SocialHandleDetector,
    UrlDetector,
)
from review_platform.pii.entities import Entity, clean_text, merge_entities
from review_platform.pii.names import NameDetector, with_titles
from review_platform.pii.normalise import Normalised, changing_chars_class, map_entities, normalise
from review_platform.pii.operators import Operator, Placeholder, apply_operators, operator_from_name

DEFAULT_DETECTORS: tuple[Detector, ...] = (
    EmailDetector(),
    ObfuscatedEmailDetector(),
    SocialHandleDetector(),
    UrlDetector(),
    IbanDetector(),
    CardDetector(),
    IpAddressDetector(),
    PhoneDetector(),
    LibPhoneNumberDetector(),
    AddressDetector(),
    NameFirstAddressDetector(),
    AddressWithoutNumberDetector(),
    AddressUnitDetector(),
    NameDetector(),
)


def undetected_types(detectors: Iterable[Detector]) -> set[PiiType]:
    """The PII types of the contract that none of `detectors` finds."""
    return set(PiiType) - {pii_type for detector in detectors for pii_type in detector.types}


# A type registered in the contract that nothing finds would silently never be redacted: refuse to start.
if _undetected := undetected_types(DEFAULT_DETECTORS):
    raise ImportError(f"PII types without a detector in DEFAULT_DETECTORS: {sorted(_undetected)}")
COUNT_COLUMN = "pii_redactions"
# Below this many rows and bytes the Rust prefilter costs more (regex compilation) than it saves.
_PREFILTER_MIN_ROWS = 64
_PREFILTER_MIN_BYTES = 32_768


@dataclass(frozen=True, eq=False)
class RedactionConfig:
    """What to detect and what each type becomes. The default: every type, every default detector, `<TYPE>`.

    `operators` overrides the operator per type (`{PiiType.CARD: Mask(), PiiType.EMAIL: KeyedHash(key)}`);
    `detectors` replaces the detector list (add `TransformersNameDetector(path)` to it to use a local NER model);
    `types` restricts which types are redacted; `max_passes` bounds the re-scans of redacted text.
    """

    operators: Mapping[PiiType, Operator] = field(default_factory=dict)
    default_operator: Operator = field(default_factory=Placeholder)
    types: frozenset[PiiType] = frozenset(PiiType)
    detectors: tuple[Detector, ...] = DEFAULT_DETECTORS
    max_passes: int = 3

    def operator_for(self, pii_type: PiiType) -> Operator:
        return self.operators.get(pii_type, self.default_operator)

    @classmethod
    def from_options(
        cls,
        operators: Mapping[str, str] | None = None,
        *,
        hash_key: bytes | None = None,
        types: Iterable[str] | None = None,
        name_model_path: str | None = None,
        spacy_names: bool = False,
    ) -> RedactionConfig:
        """A config from plain strings, as a config file, Dagster config or CLI flags give them.

        `operators` maps a type ("EMAIL", or "*" for the default) to "placeholder", "mask", "hash" or "drop";
        "hash" needs `hash_key`. `name_model_path` adds a local token-classification model for names;
        `spacy_names` adds spaCy's small English and French pipelines (`pii.ner`).
        """
        chosen: dict[PiiType, Operator] = {}
        default: Operator = Placeholder()
        for type_name, operator_name in (operators or {}).items():
            operator = operator_from_name(operator_name, hash_key)
            if type_name == "*":
                default = operator
            else:
                chosen[PiiType(type_name.upper())] = operator
        detectors = DEFAULT_DETECTORS
        if name_model_path:
            from review_platform.pii.model import TransformersNameDetector

            detectors = (*detectors, TransformersNameDetector(name_model_path))
        if spacy_names:
            from review_platform.pii.ner import SpacyNameDetector

            detectors = (*detectors, SpacyNameDetector())
        selected = frozenset(PiiType(t.upper()) for t in types) if types is not None else frozenset(PiiType)
        return cls(operators=chosen, default_operator=default, types=selected, detectors=detectors)


DEFAULT_CONFIG = RedactionConfig()


@dataclass(frozen=True)
class RedactionResult:
    """`frame`: what `redact_texts` returns. `counts`: one Int32 column per PiiType value, row for row."""

    frame: pl.DataFrame
    counts: pl.DataFrame

    def by_type(self) -> dict[str, int]:
        return redaction_counts_by_type(self.counts)


# ---------------------------------------------------------------------------------------------------------------
# One text
# ---------------------------------------------------------------------------------------------------------------


def detect(
    text: str | None,
    detectors: Sequence[Detector] | None = None,
    types: Iterable[PiiType] | None = None,
) -> list[Entity]:
    """Personal data in `text`: disjoint entities with exact character offsets, sorted by start.

    Never raises on odd input: None or a non-string gives [], lone surrogates count as one character each.
    The detectors see the text normalised (`normalise`); the offsets are into `text` itself.
    """
    clean = clean_text(text)
    if not clean:
        return []
    normalised = normalise(clean)
    wanted = frozenset(types) if types is not None else None
    found = [
        entity
        for detector in (detectors if detectors is not None else DEFAULT_DETECTORS)
        for entity in detector.detect(normalised.text)
        if wanted is None or entity.type in wanted
    ]
    # Merged where the detectors saw them, so an invisible character cannot change which type wins; merged again
    # once mapped back, since two spans splitting one NFKC expansion ("ﬁ" -> "fi") now share its character.
    merged = merge_entities(with_titles(normalised.text, found))
    return merge_entities(map_entities(normalised, merged)) if normalised.changed else merged


def redact_text(text: str | None, config: RedactionConfig | None = None) -> tuple[str | None, list[Entity]]:
    """(`text` redacted, the entities found in the original text). None stays None."""
    if text is None:
        return None, []
    config = config or DEFAULT_CONFIG
    current = clean_text(text)
    first: list[Entity] | None = None
    for _ in range(max(config.max_passes, 1)):
        entities = detect(current, config.detectors, config.types)
        if first is None:
            first = entities
        if not entities:
            break
        current = apply_operators(current, entities, config.operators, config.default_operator)
    return current, first or []


# ---------------------------------------------------------------------------------------------------------------
# Whole columns
# ---------------------------------------------------------------------------------------------------------------


def _scan(texts: pl.Series, detectors: Sequence[Detector], types: frozenset[PiiType]) -> dict[int, list[Entity]]:
    """Row position -> merged entities, for the rows of `texts` (a String series) where something is found.

    Offsets are into the original texts, also for the rows the detectors saw normalised.
    """
    n = texts.len()
    if n == 0:
        return {}
    normalised = _normalise_rows(texts)
    if normalised:
        # The prefilters must see the normalised texts too: a zero-width space hides a phone number from them.
        changed = list(normalised)
        texts = texts.clone().scatter(changed, pl.Series([normalised[row].text for row in changed], dtype=pl.String))
    if n < _PREFILTER_MIN_ROWS and (texts.str.len_bytes().sum() or 0) < _PREFILTER_MIN_BYTES:
        flags = np.ones((n, len(detectors)), dtype=bool)
        flags[np.asarray(texts.is_null().to_numpy(), dtype=bool)] = False
    else:
        column = pl.col("t")
        flags = (
            texts.to_frame("t")
            .select(
                (
                    column.str.contains(detector.prefilter)
                    if detector.prefilter is not None
                    else column.str.len_bytes() > 0
                )
                .fill_null(False)
                .alias(f"d{k}")
                for k, detector in enumerate(detectors)
            )
            .to_numpy()
            .astype(bool, copy=False)
        )
    rows = np.flatnonzero(flags.any(axis=1))
    if rows.size == 0:
        return {}
    candidates = texts.gather(rows).to_list()
    per_row: list[list[Entity]] = [[] for _ in range(rows.size)]
    for k, detector in enumerate(detectors):
        selected = np.flatnonzero(flags[rows, k]).tolist()
        if not selected:
            continue
        batch = detector.detect_batch([candidates[j] or "" for j in selected])
        for j, entities in zip(selected, batch, strict=True):
            per_row[j].extend(e for e in entities if e.type in types)
    found = {
        int(rows[j]): merge_entities(with_titles(candidates[j] or "", entities))
        for j, entities in enumerate(per_row)
        if entities
    }
    if normalised:  # back to offsets into the original texts, as `detect` does
        for row in normalised.keys() & found.keys():
            found[row] = merge_entities(map_entities(normalised[row], found[row]))
    return found


def _normalise_rows(texts: pl.Series) -> dict[int, Normalised]:
    """Row position -> normalised text, for the rows whose text normalisation changes (usually none), found in
    one vectorised pass."""
    rows = np.flatnonzero(texts.str.contains(changing_chars_class()).fill_null(False).to_numpy())
    if rows.size == 0:
        return {}
    return {int(row): normalise(text) for row, text in zip(rows.tolist(), texts.gather(rows).to_list(), strict=True)}


def _redact_series(series: pl.Series, config: RedactionConfig, counts: dict[PiiType, np.ndarray]) -> pl.Series:
    found = _scan(series, config.detectors, config.types)
    if not found:
        return series
    rows = sorted(found)
    texts: list[str] = series.gather(rows).to_list()
    pending = list(range(len(rows)))
    entities_of = {i: found[row] for i, row in enumerate(rows)}
    for attempt in range(max(config.max_passes, 1)):
        for i in pending:
            for entity in entities_of[i]:
                counts[entity.type][rows[i]] += 1
            texts[i] = apply_operators(texts[i], entities_of[i], config.operators, config.default_operator)
        if attempt + 1 >= config.max_passes:
            break
        # Redacting can join what was apart ("Jean <dropped>Dupont"): look again at what changed.
        again = _scan(pl.Series([texts[i] for i in pending], dtype=pl.String), config.detectors, config.types)
        pending, entities_of = [pending[j] for j in again], {pending[j]: e for j, e in again.items()}
        if not pending:
            break
    return series.clone().scatter(rows, pl.Series(texts, dtype=pl.String))


def redact_frame(frame: pl.DataFrame, columns: list[str], config: RedactionConfig | None = None) -> RedactionResult:
    """`redact_texts`, plus the number of redactions per type and row (for "PII redactions by type")."""
    config = config or DEFAULT_CONFIG
    counts = {pii_type: np.zeros(frame.height, dtype=np.int32) for pii_type in PiiType}
    redacted = [
        _redact_series(frame.get_column(column).cast(pl.String), config, counts).alias(column) for column in columns
    ]
    count_frame = pl.DataFrame({t.value: pl.Series(counts[t], dtype=pl.Int32) for t in PiiType})
    total = count_frame.select(pl.sum_horizontal(pl.all()).cast(pl.Int32).alias(COUNT_COLUMN)).to_series()
    return RedactionResult(frame.with_columns(*redacted, total), count_frame)


def redact_texts(frame: pl.DataFrame, columns: list[str], config: RedactionConfig | None = None) -> pl.DataFrame:
    """Redact `columns` in place and add `pii_redactions` (Int32), the number of values replaced across them.

    Other columns and the row order are untouched; null texts stay null.
    """
    return redact_frame(frame, columns, config).frame


def redaction_counts_by_type(counts: pl.DataFrame | RedactionResult) -> dict[str, int]:
    """Total redactions per PII type (every type present, zeros included) from `redact_frame`'s counts."""
    if isinstance(counts, RedactionResult):
        counts = counts.counts
    return {t.value: int(counts.get_column(t.value).sum()) if t.value in counts.columns else 0 for t in PiiType}


def find_pii(frame: pl.DataFrame, columns: list[str], config: RedactionConfig | None = None) -> pl.DataFrame:
    """Rows of `frame` in which any detector still finds personal data: the leak guard behind the privacy
    checks. Typed placeholders, masks and hash tokens are not personal data, so redacted text passes."""
    config = config or DEFAULT_CONFIG
    leaking = np.zeros(frame.height, dtype=bool)
    for column in columns:
        found = _scan(frame.get_column(column).cast(pl.String), config.detectors, config.types)
        leaking[list(found)] = True
    return frame.filter(pl.Series(leaking, dtype=pl.Boolean))
