"""Layer 4, CURATED zone: each anonymised review with its topic and sentiment."""

import time

import dagster as dg

from review_platform.contract import CATEGORISED_SCHEMA, conform
from review_platform.defs.privacy import REVIEWS_DATASET
from review_platform.defs.reporting import check_result, layer_metadata
from review_platform.partitions import daily_partitions
from review_platform.quality.checks import counts_reconcile, fully_labelled
from review_platform.resources.lake import LakeResource, PartitionRef, Zone
from review_platform.resources.nlp import NlpResource


@dg.asset(
    partitions_def=daily_partitions,
    deps=["anonymised_reviews"],
    check_specs=[
        dg.AssetCheckSpec("every_review_categorised", asset="categorised_reviews", blocking=True),
    ],
)
def categorised_reviews(context: dg.AssetExecutionContext, lake: LakeResource, nlp: NlpResource):
    """What each review is about (delivery, product quality, defect, price, size, packaging, customer service,
    usability, authenticity, other) and how the customer feels (negative, neutral, positive), with scores and
    the model that decided, read by analysts and front-ends."""
    started = time.perf_counter()
    partition = context.partition_key
    anonymised = lake.read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, partition))
    categoriser = nlp.categoriser()
    categorised = conform(categoriser.categorise(anonymised), CATEGORISED_SCHEMA)
    lake.write_partition(PartitionRef(Zone.CURATED, REVIEWS_DATASET, partition), categorised)

    seconds = time.perf_counter() - started
    labelled = fully_labelled(categorised, ["topic", "sentiment"])
    same_count = counts_reconcile(
        "categorised vs anonymised", anonymised.height, categorised.height, "Re-run categorised_reviews."
    )
    topic_mix = categorised.group_by("topic").len().sort("topic")
    sentiment_mix = categorised.group_by("sentiment").len().sort("sentiment")
    yield dg.MaterializeResult(
        metadata={
            **layer_metadata(anonymised.height, categorised.height, 0, seconds),
            "reviews_per_s": dg.MetadataValue.float(round(categorised.height / seconds, 1) if seconds else 0.0),
            "model": f"{categoriser.model.name}@{categoriser.model.version}",
            **{f"topic_{row['topic']}": dg.MetadataValue.int(row["len"]) for row in topic_mix.to_dicts()},
            **{f"sentiment_{r['sentiment']}": dg.MetadataValue.int(r["len"]) for r in sentiment_mix.to_dicts()},
        },
        check_results=[
            check_result(
                "every_review_categorised",
                labelled if not labelled.passed else same_count,
            )
        ],
    )
