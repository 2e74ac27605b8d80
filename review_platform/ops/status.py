"""Status and reconciliation: every layer's row count per partition, and whether they account for each other."""

from __future__ import annotations

from review_platform.quality.checks import LAKE_LAYERS, reconciliation_problems
from review_platform.resources import PlatformResources
from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone


def status_layers(resources: PlatformResources) -> list[str]:
    """The columns of `review-platform status`: the source, the lake's zones, then each serving store."""
    return [*LAKE_LAYERS, *(store.store_name for store in resources.serving_stores)]


def layer_counts(resources: PlatformResources) -> dict[str, dict[str, int | None]]:
    """Rows per partition in every layer: source, raw, anonymised, rejected, erased (GDPR), withheld (by the leak
    guard), categorised, then
    every serving store (warehouse, mongo)."""
    lake = resources.lake

    def lake_counts(zone: Zone, field: str = "row_count") -> dict[str, int]:
        counts = {}
        for partition in lake.list_partitions(zone, REVIEWS_DATASET):
            manifest = lake.read_manifest(PartitionRef(zone, REVIEWS_DATASET, partition))
            if manifest is not None:
                counts[partition] = manifest.get(field, 0)
        return counts

    erased_accepted, erased_rejected = (
        lake_counts(Zone.PROCESSED, "erased_rows"),
        lake_counts(Zone.REJECTED, "erased_rows"),
    )

    by_layer = {
        "source": resources.postgres.count_reviews_by_day(),
        "raw": lake_counts(Zone.RAW),
        "anonymised": lake_counts(Zone.PROCESSED),
        "rejected": lake_counts(Zone.REJECTED),
        "erased": {
            partition: erased_accepted.get(partition, 0) + erased_rejected.get(partition, 0)
            for partition in {*erased_accepted, *erased_rejected}
        },
        "withheld": lake_counts(Zone.PROCESSED, "withheld_rows"),
        "categorised": lake_counts(Zone.CURATED),
        **{store.store_name: store.count_by_partition() for store in resources.serving_stores},
    }
    partitions = sorted({partition for counts in by_layer.values() for partition in counts})
    return {partition: {layer: counts.get(partition) for layer, counts in by_layer.items()} for partition in partitions}


def status_report(resources: PlatformResources) -> list[dict[str, object]]:
    """One entry per partition: counts per layer and the reconciliation problems, if any."""
    return [
        {"partition": partition, **counts, "problems": reconciliation_problems(counts)}
        for partition, counts in layer_counts(resources).items()
    ]
