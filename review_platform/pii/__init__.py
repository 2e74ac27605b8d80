"""PII detection, redaction and pseudonymisation (pure Python and polars; no dagster import).

The public surface, re-exported here: `detect` (one text), `redact_texts` / `redact_frame` / `find_pii` (polars
columns), `anonymise_json_lines` (a JSON-lines stream), `RedactionConfig` and the operators. The optional
`TransformersNameDetector` lives in `review_platform.pii.model` (it imports torch).
"""

from review_platform.pii.entities import Entity, merge_entities
from review_platform.pii.json_lines import anonymise_json_lines
from review_platform.pii.operators import Drop, KeyedHash, Mask, Operator, Placeholder
from review_platform.pii.redact import (
    DEFAULT_DETECTORS,
    RedactionConfig,
    RedactionResult,
    detect,
    find_pii,
    redact_frame,
    redact_text,
    redact_texts,
    redaction_counts_by_type,
)

__all__ = [
    "DEFAULT_DETECTORS",
    "Drop",
    "Entity",
    "KeyedHash",
    "Mask",
    "Operator",
    "Placeholder",
    "RedactionConfig",
    "RedactionResult",
    "anonymise_json_lines",
    "detect",
    "find_pii",
    "merge_entities",
    "redact_frame",
    "redact_text",
    "redact_texts",
    "redaction_counts_by_type",
]
