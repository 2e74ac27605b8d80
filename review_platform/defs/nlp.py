"""Layer 4, CURATED zone: each anonymised review with its topics, sentiment, language and relevance."""

import time

import dagster as dg

from review_platform.contract import CATEGORISED_SCHEMA, conform
from review_platform.defs.privacy_guards import erased_buyers
from review_platform.defs.reporting import check_result, daily_check, layer_metadata, preview, table_schema
from review_platform.nlp.categorise import categorisation_summary
from review_platform.partitions import daily_partitions
from review_platform.pii.anonymise import TEXT_COLUMNS
from review_platform.pii.pseudonymise import without_erased
from review_platform.pii.redact import find_pii
from review_platform.quality.checks import (
    counts_reconcile,
    fully_labelled,
    lake_integrity,
    nlp_error_outcome,
    no_leaking_rows,
)
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.nlp import NlpResource
from review_platform.resources.privacy import PseudonymKeyResource


class CategoriseConfig(dg.Config):
    """Categorisation thresholds. The two scoring ones, when set, override the taxonomy file's."""

    # Share of unscorable reviews (empty once cleaned, only placeholders, garbled) above which
    # `nlp_error_rate` fails and blocks the serving layers: the support documentation's NLP error threshold.
    max_nlp_error_share: float = 0.01
    # A topic other than the primary is listed in `secondary_topics` from this probability on.
    secondary_topic_threshold: float | None = None
    # A sentiment is positive or negative only from this probability on; below, neutral.
    clear_sentiment_score: float | None = None


@dg.asset(
    partitions_def=daily_partitions,
    group_name="nlp",
    kinds={"pytorch", "huggingface", "parquet"},
    owners=["team:data-engineering"],
    metadata={"dagster/column_schema": table_schema(CATEGORISED_SCHEMA), "zone": "CURATED"},
    # The heads come from nlp_model (promoted, else shipped), read by the nlp resource rather than as an input.
    deps=["anonymised_reviews", "nlp_model"],
    check_specs=[
        daily_check("every_review_categorised", "categorised_reviews"),
        daily_check("no_pii_in_curated", "categorised_reviews"),
        daily_check("curated_matches_manifest", "categorised_reviews"),
        daily_check(
            "nlp_error_rate",
            "categorised_reviews",
            description="Fails (ERROR) when more than max_nlp_error_share (default 1%) of the reviews are "
            "unscorable: empty once cleaned, only placeholders, or garbled text.",
        ),
    ],
)
def categorised_reviews(
    context: dg.AssetExecutionContext,
    config: CategoriseConfig,
    lake: LakeResource,
    nlp: NlpResource,
    pseudonym_key: PseudonymKeyResource,
):
    """What each review is about (delivery, product quality, defect, price, size, packaging, customer service,
    usability, authenticity, other; plus secondary topics), how the customer feels (negative, neutral, positive,
    from the text alone), whether that contradicts the stars, its language (en, fr, other) and a relevance score
    for sorting, with the model and taxonomy version that decided. Read by analysts and front-ends."""
    started = time.perf_counter()
    partition = context.partition_key
    anonymised = lake.read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, partition))
    categoriser = nlp.categoriser(config.secondary_topic_threshold, config.clear_sentiment_score)
    categorised = conform(categoriser.categorise(anonymised), CATEGORISED_SCHEMA)
    # A buyer erased while the model ran (PROCESSED was read before the erasure rewrote it) is not written.
    categorised, erased_meanwhile = without_erased(categorised, erased_buyers(lake, pseudonym_key))
    curated_ref = PartitionRef(Zone.CURATED, REVIEWS_DATASET, partition)
    lake.write_partition(curated_ref, categorised)

    seconds = time.perf_counter() - started
    labelled = fully_labelled(categorised, ["topic", "sentiment"])
    same_count = counts_reconcile(
        "categorised vs anonymised less erased",
        anonymised.height - erased_meanwhile,
        categorised.height,
        "Re-run categorised_reviews.",
    )
    summary = categorisation_summary(categorised)
    yield dg.MaterializeResult(
        metadata={
            **layer_metadata(anonymised.height, categorised.height, 0, seconds),
            "reviews_per_s": dg.MetadataValue.float(round(categorised.height / seconds, 1) if seconds else 0.0),
            "model": f"{categoriser.model.name}@{categoriser.model_version} ({categoriser.model.precision})",
            "model_version": categoriser.model_version,
            "erased_buyer_rows": dg.MetadataValue.int(erased_meanwhile),
            **{
                name: dg.MetadataValue.float(value) if isinstance(value, float) else dg.MetadataValue.int(value)
                for name, value in summary.items()
            },
            "preview": preview(categorised, ["review_id", "rating", "topic", "sentiment", "language"]),
        },
        check_results=[
            check_result("every_review_categorised", labelled if not labelled.passed else same_count),
            check_result("nlp_error_rate", nlp_error_outcome(categorised, config.max_nlp_error_share)),
            check_result("no_pii_in_curated", no_leaking_rows(find_pii(categorised, TEXT_COLUMNS), categorised.height)),
            check_result("curated_matches_manifest", lake_integrity(lake.verify_partition(curated_ref), 1)),
        ],
    )
