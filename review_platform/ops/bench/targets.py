"""What the benchmark's figures are judged against (issue 9), and the judgement of one result."""

from __future__ import annotations

from typing import Any

TARGET_END_TO_END_REVIEWS_PER_S = 400.0
TARGET_EXTRACT_VS_COPY = 0.5
TARGET_WAREHOUSE_VS_EXECUTEMANY = 50.0
TARGET_MONGO_VS_INSERT_ONE = 10.0
TARGET_NLP_VS_NAIVE = 4.0
TARGET_NLP_MIN_COSINE = 0.999
TARGET_PEAK_RSS_MIB = 2048.0
# RSS may move a little between partitions (allocator caches); more than this per partition is growth.
RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION = 32.0


def judge_targets(pipeline: dict, comparisons: list[dict], memory: dict) -> list[dict[str, Any]]:
    """One entry per target: its name, the measured value, the target and whether it passed (None: not judged)."""
    by_stage = {comparison["stage"]: comparison for comparison in comparisons}
    targets = [
        {
            "name": "end to end, reviews/s (incl. NLP)",
            "value": pipeline["reviews_per_s"],
            "target": f">= {TARGET_END_TO_END_REVIEWS_PER_S:.0f}",
            "passed": pipeline["reviews_per_s"] >= TARGET_END_TO_END_REVIEWS_PER_S,
        }
    ]
    for stage, name in (
        ("postgres_reviews", "extraction vs COPY"),
        ("snowflake_views", "warehouse vs executemany"),
        ("mongo_collections", "Mongo vs insert_one"),
        ("categorised_reviews", "NLP vs naive fp32"),
    ):
        comparison = by_stage[stage]
        target = f">= {comparison['target_ratio']:g}x"
        value = f"{comparison['ratio']:.2f}x"
        if stage == "categorised_reviews":
            target += f" at cosine >= {TARGET_NLP_MIN_COSINE}"
            value += f" (cosine min {comparison['cosine_min']:.5f})"
        targets.append({"name": name, "value": value, "target": target, "passed": comparison["passed"]})
    targets.append(
        {
            "name": "peak RSS, MiB",
            "value": memory["peak_rss_mib"],
            "target": f"< {TARGET_PEAK_RSS_MIB:.0f}",
            "passed": memory["peak_rss_mib"] < TARGET_PEAK_RSS_MIB,
        }
    )
    targets.append(
        {
            "name": "RSS growth per partition, MiB",
            "value": memory["rss_growth_per_partition_mib"],
            "target": f"<= {RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION:g} (not growing)",
            "passed": None if memory["growing"] is None else not memory["growing"],
        }
    )
    targets.append(
        {
            "name": "peak RSS growth per partition, MiB",
            "value": memory["peak_growth_per_partition_mib"],
            "target": f"<= {RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION:g} (not growing)",
            "passed": None if memory["peak_growing"] is None else not memory["peak_growing"],
        }
    )
    return targets
