"""What a detector reports (an `Entity`: type, exact character offsets, score) and how overlaps are resolved."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from review_platform.contract import PiiType

# Tie-break between overlapping spans of the same length: the type declared earlier in `PiiType` (the more
# specific, checksum- or syntax-backed one) wins.
TYPE_PRIORITY: dict[PiiType, int] = {pii_type: -rank for rank, pii_type in enumerate(PiiType)}

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Entity:
    """One piece of personal data: `text[start:end]` is the value (offsets are Python str indices)."""

    type: PiiType
    start: int
    end: int
    score: float = 1.0

    def to_dict(self) -> dict:
        return {"type": self.type.value, "start": self.start, "end": self.end, "score": round(self.score, 4)}


def clean_text(value: object) -> str:
    """The text a detector may safely scan: "" for None or a non-string, lone surrogates replaced by U+FFFD.

    The replacement is one code point for one, so offsets into the cleaned text are offsets into the input.
    """
    if not isinstance(value, str):
        return ""
    return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value


def merge_entities(entities: Iterable[Entity]) -> list[Entity]:
    """Resolve overlapping detections into disjoint spans, sorted by start.

    The rule: spans that overlap (share at least one character), or touch a span of their own type, form a cluster, and
    the cluster becomes one entity covering the union of its spans, so no character any detector flagged is left
    in clear. Its type and score are those of the winning member: the longest span, then the higher
    `TYPE_PRIORITY`, then the higher score. A URL that carries an e-mail therefore stays one `<URL>`, and a street
    named after a person stays one `<ADDRESS>`.
    """
    ordered = sorted((e for e in entities if e.end > e.start), key=lambda e: (e.start, -e.end))
    merged: list[Entity] = []
    cluster: list[Entity] = []
    cluster_end = -1

    def close() -> None:
        if not cluster:
            return
        winner = max(cluster, key=lambda e: (e.end - e.start, TYPE_PRIORITY[e.type], e.score))
        start = min(e.start for e in cluster)
        end = max(e.end for e in cluster)
        merged.append(Entity(winner.type, start, end, winner.score))

    for entity in ordered:
        # A span that starts where one of its own type ends continues it: a street and the flat found after it
        # ("12 rue de la Paix" + ", Apt. 3") are one address, one placeholder.
        touching = entity.start == cluster_end and any(e.type is entity.type and e.end == cluster_end for e in cluster)
        if cluster and (entity.start < cluster_end or touching):
            cluster.append(entity)
            cluster_end = max(cluster_end, entity.end)
            continue
        close()
        cluster = [entity]
        cluster_end = entity.end
    close()
    return merged
