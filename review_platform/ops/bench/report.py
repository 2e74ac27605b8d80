"""The benchmark's result as a plain-text report: stages, baselines, ratios, end to end, memory, targets."""

from __future__ import annotations

from typing import Any

from review_platform.ops.bench.targets import (
    TARGET_END_TO_END_REVIEWS_PER_S,
    TARGET_NLP_MIN_COSINE,
    TARGET_PEAK_RSS_MIB,
)

# How the report (and the result's pipeline stages) name each asset.
STAGE_LABELS = {
    "postgres_reviews": "extraction",
    "raw_s3": "RAW write",
    "anonymised_reviews": "anonymiser",
    "categorised_reviews": "NLP",
    "snowflake_views": "warehouse load",
    "mongo_collections": "Mongo load",
}


def _verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def format_report(result: dict[str, Any]) -> str:
    """The benchmark as a plain-text table: stages, baselines, ratios, end to end, memory, targets."""
    pipeline, memory = result["pipeline"], result["memory"]
    by_stage = {comparison["stage"]: comparison for comparison in result["comparisons"]}
    lines = [
        f"Benchmark: {result['reviews']:,} reviews over {len(result['partitions'])} partition(s) "
        f"({result['partitions'][0]} .. {result['partitions'][-1]}), {result['cores']} core(s); "
        f"baselines on {result['baseline_partition']}; load average {result['load_average_1m']['before']:.1f} "
        f"before, {result['load_average_1m']['after']:.1f} after; torch threads {result['torch_threads']}, "
        f"OMP_WAIT_POLICY {result['omp_wait_policy'] or 'unset'}; Mongo: {result['mongo']['where']}",
        "",
        "Pipeline through Dagster (each asset's own duration_s, all partitions):",
        f"{'stage':<22}{'label':<16}{'rows':>9}{'seconds':>10}{'reviews/s':>11}",
    ]
    for stage in pipeline["stages"]:
        lines.append(
            f"{stage['stage']:<22}{stage['label']:<16}{stage['rows']:>9,}{stage['seconds']:>10.2f}"
            f"{stage['reviews_per_s']:>11,.0f}"
        )
    lines += [
        f"{'sum of stages':<38}{'':>9}{pipeline['stage_seconds_total']:>10.2f}",
        f"{'Dagster/run overhead':<38}{'':>9}{pipeline['dagster_overhead_s']:>10.2f}",
        f"{'end to end':<38}{pipeline['rows']:>9,}{pipeline['wall_s']:>10.2f}{pipeline['reviews_per_s']:>11,.0f}"
        f"   target >= {TARGET_END_TO_END_REVIEWS_PER_S:.0f}/s "
        f"{_verdict(pipeline['reviews_per_s'] >= TARGET_END_TO_END_REVIEWS_PER_S)}",
        f"{'(process CPU seconds)':<38}{'':>9}{pipeline['cpu_s']:>10.2f}",
    ]
    if not pipeline["success"] or pipeline["failed_checks"]:
        lines.append(f"runs successful: {pipeline['success']}; failed checks: {', '.join(pipeline['failed_checks'])}")

    lines += [
        "",
        "Core operation vs naive baseline (same data, same process):",
        f"{'stage':<22}{'rows':>8}{'seconds':>9}{'reviews/s':>11} | {'baseline rows':>13}{'seconds':>9}"
        f"{'reviews/s':>11} | {'ratio':>8}{'cpu ratio':>10}  {'target':<24}{'pass':<5}",
    ]
    for comparison in result["comparisons"]:
        target = "" if comparison["target_ratio"] is None else f">= {comparison['target_ratio']:g}x"
        if comparison["stage"] == "categorised_reviews":
            target += f" @cos>={TARGET_NLP_MIN_COSINE}"
        lines.append(
            f"{STAGE_LABELS[comparison['stage']]:<22}{comparison['rows']:>8,}{comparison['seconds']:>9.3f}"
            f"{comparison['reviews_per_s']:>11,.0f} | {comparison['baseline_rows']:>13,}"
            f"{comparison['baseline_seconds']:>9.3f}{comparison['baseline_reviews_per_s']:>11,.0f} | "
            f"{comparison['ratio']:>7.2f}x{comparison['ratio_cpu']:>9.2f}x  "
            f"{target:<24}{_verdict(comparison['passed']):<5}"
        )
    for comparison in result["comparisons"]:
        lines.append(f"  {STAGE_LABELS[comparison['stage']]}: {comparison['operation']}  vs  {comparison['baseline']}")
    nlp = by_stage.get("categorised_reviews")
    if nlp:
        lines.append(f"  NLP cosine vs naive fp32: mean {nlp['cosine_mean']:.6f}, min {nlp['cosine_min']:.6f}")
    anonymiser = by_stage.get("anonymised_reviews")
    if anonymiser:
        full = anonymiser["anonymise_extract"]
        lines.append(
            f"  anonymiser: same output as the per-row loop on {anonymiser['same_output_share']:.2%} of rows; "
            f"whole anonymise_extract (validate + redact + pseudonymise) {full['reviews_per_s']:,.0f} reviews/s, "
            f"{full['ratio']:.2f}x the per-row loop"
        )

    rss = ", ".join(f"{value:.0f}" for value in memory["rss_after_partition_mib"])
    growth = memory["rss_growth_per_partition_mib"]
    lines += [
        "",
        f"peak RSS {memory['peak_rss_mib']:.0f} MiB (after the pipeline, before baselines: "
        f"{memory['peak_rss_after_pipeline_mib']:.0f} MiB)   target < {TARGET_PEAK_RSS_MIB:.0f} MiB "
        f"{_verdict(memory['peak_rss_mib'] < TARGET_PEAK_RSS_MIB)}",
        f"RSS after each partition, MiB: {rss}   growth "
        + ("n/a (one partition)" if growth is None else f"{growth:+.1f} MiB/partition")
        + f"   {_verdict(None if memory['growing'] is None else not memory['growing'])}",
        "peak RSS during each partition (sampled every 50 ms), MiB: "
        + ", ".join(f"{value:.0f}" for value in memory["peak_rss_during_partition_mib"]),
        "glibc heap in use after each partition, MiB: "
        + (", ".join(f"{value:.0f}" for value in memory["heap_in_use_after_partition_mib"]) or "n/a (no mallinfo2)"),
        "",
        "Targets:",
    ]
    for target in result["targets"]:
        lines.append(
            f"  {_verdict(target['passed']):<5} {target['name']:<38} {target['value']!s:<32} {target['target']}"
        )
    if result["mongo"]["embedded"]:
        lines.append(
            "  (Mongo measured on the embedded engine: it does the same work per document for a bulk insert as for "
            "insert_one, and rebuilds an in-memory index of every stored document each time it is opened, so the "
            "Mongo load's time and the partition's peak grow with the stored data; --mongo-url measures it on a "
            "MongoDB server)"
        )
    return "\n".join(lines)
