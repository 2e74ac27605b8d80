"""The serving-store interface: what the serving layer, erasure, status, reconciliation and doctor ask of every
store that publishes curated partitions (the warehouse, Mongo, any later one).

To add a store: implement `ServingStore` as a ConfigurableResource, add its class to `SERVING_STORE_TYPES`, and
build it in `resources.build_resources`. Its asset, its checks (`<name>_equals_curated`, `no_pii_in_<name>`, its
own health checks), its column in `review-platform status`, its erasure and its doctor probe follow from that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import polars as pl

from review_platform.quality.checks import CheckOutcome


@dataclass(frozen=True)
class ServingAssetInfo:
    """How a store's asset appears in Dagster: its key, UI description, kinds, owners and static metadata."""

    asset_name: str
    description: str
    kinds: frozenset[str]
    owners: tuple[str, ...]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Publication:
    """What publishing one partition left in a store, read back from the store itself."""

    reviews_served: int  # the partition's reviews the store now holds
    served_texts: pl.DataFrame  # review_id, title, text of its reviews and rejected reviews, as served
    health: dict[str, CheckOutcome]  # the store's own health checks, by check name
    metadata: dict[str, Any] = field(default_factory=dict)  # what the store guarantees, for the asset page


@runtime_checkable
class ServingStore(Protocol):
    """A store that serves curated partitions. Every method is whole-partition and idempotent."""

    # The store's short name: the status column, the erasure report's prefix, the checks' names.
    store_name: ClassVar[str]
    resource_key: ClassVar[str]
    serving_asset: ClassVar[ServingAssetInfo]
    health_checks: ClassVar[tuple[str, ...]]
    # What an operator checks when the store cannot be reached (doctor's advice).
    what_to_check: ClassVar[str]

    def describe(self) -> str:
        """Where the store lives, for messages (never its credentials)."""
        ...

    def probe(self) -> tuple[bool, str]:
        """Reach the store: whether it is healthy and one line saying what it holds or lacks; raises a
        `ServiceUnavailableError` when it cannot be reached."""
        ...

    def publish_partition(self, partition: str, curated: pl.DataFrame, rejected: pl.DataFrame) -> Publication:
        """Replace the partition whole with `curated` and `rejected`, then read back what is served."""
        ...

    def count_by_partition(self) -> dict[str, int]:
        """The curated reviews served, per partition (for status and reconciliation)."""
        ...

    def served_texts(self, partition: str) -> pl.DataFrame:
        """review_id, title and text of the partition's reviews and rejected reviews, as the store serves them."""
        ...

    def erase_buyer(self, buyer_hash: str) -> dict[str, int]:
        """Delete one pseudonymised buyer's rows everywhere in the store; rows removed per table or collection."""
        ...


SERVED_TEXT_SCHEMA: dict[str, pl.DataType] = {"review_id": pl.Int64(), "title": pl.String(), "text": pl.String()}
