"""The `review-platform` command: parses arguments and calls ops/ (what operators run) or demo/ (demo data)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import signal
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from review_platform.settings import Settings, load_settings

if TYPE_CHECKING:
    from review_platform.ops.runs import PartitionRun
    from review_platform.resources import PlatformResources


def _settings_and_resources() -> tuple[Settings, PlatformResources]:
    from review_platform.resources import build_resources

    settings = load_settings()
    return settings, build_resources(settings)


def _print_runs_summary(runs: list[PartitionRun]) -> None:
    from review_platform.ops.runs import LAYER_ORDER

    header = f"{'layer':<22}{'rows in':>10}{'rows out':>10}{'rejected':>10}{'seconds':>10}"
    for run in runs:
        state = "ok" if run.success else "FAILED"
        print(f"\n{run.partition}  {state}  {run.seconds:.1f}s  run {run.run_id[:8]}")
        print(header)
        for layer in LAYER_ORDER:
            figures = run.layers.get(layer)
            if figures is None:
                print(f"{layer:<22}{'not materialised':>40}")
                continue
            print(
                f"{layer:<22}{figures.get('rows_in', 0):>10}{figures.get('rows_out', 0):>10}"
                f"{figures.get('rows_rejected', 0):>10}{figures.get('duration_s', 0):>10.2f}"
            )
        for check in run.failed_checks:
            print(f"  check failed: {check}")
        if run.journal_error:
            print(f"  run journal not written: {run.journal_error}")


def command_demo(args: argparse.Namespace) -> int:
    from review_platform.demo.seed import DEMO_DAYS, DEMO_REVIEWS_PER_DAY, demo_partitions, seed_if_empty
    from review_platform.ops.instance import dagster_instance, prepare_state
    from review_platform.ops.runs import run_partitions

    settings, resources = _settings_and_resources()
    started = time.perf_counter()
    print(f"State folder: {settings.home} (delete it to start over)")
    if prepare_state(settings):
        print(
            "Note: buyer pseudonyms use a key generated into the state folder. For real data set "
            "REVIEW_PLATFORM_PSEUDONYM_KEY."
        )
    print("Starting PostgreSQL and checking the source ...", flush=True)
    seeded = seed_if_empty(resources.postgres)
    if seeded is None:
        print("Source already holds reviews: not seeding again.")
    else:
        print(f"Seeded {seeded.get('review', 0)} demo reviews ({DEMO_DAYS} days x {DEMO_REVIEWS_PER_DAY}).")
    instance = dagster_instance(settings)

    def progress(index: int, total: int, partition: str, run: PartitionRun | None) -> None:
        if run is None:
            print(f"[{index}/{total}] materialising the six assets for {partition} ...", flush=True)
        else:
            print(f"[{index}/{total}] {partition} {'done' if run.success else 'FAILED'} in {run.seconds:.1f}s")

    runs = run_partitions(settings, instance, demo_partitions(), progress)
    _print_runs_summary(runs)
    print(f"\nDemo finished in {time.perf_counter() - started:.1f}s.")
    print("Where to look next:")
    print("  review-platform status            row counts of every layer, per day (they must reconcile)")
    print("  make dev                          the Dagster UI on http://127.0.0.1:3000 (lineage, runs, checks)")
    print(f"  {settings.lake_url}        the lake zones: raw, processed, rejected, curated")
    print(f"  {resources.warehouse.describe()}   vw_reviews_by_product, vw_reviews_by_category, vw_data_quality")
    return 0 if all(run.success for run in runs) else 1


def command_seed(args: argparse.Namespace) -> int:
    from review_platform.demo.seed import seed_source
    from review_platform.ops.instance import prepare_state

    settings, resources = _settings_and_resources()
    prepare_state(settings)
    inserted = seed_source(resources.postgres, args.start, args.days, args.reviews_per_day, args.seed)
    print(json.dumps({"inserted": inserted}))
    return 0


def command_status(args: argparse.Namespace) -> int:
    from review_platform.ops.status import status_layers, status_report

    _, resources = _settings_and_resources()
    report = status_report(resources)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        layers = status_layers(resources)
        print(f"{'partition':<12}" + "".join(f"{layer:>12}" for layer in layers) + "  reconciles")
        for entry in report:
            cells = "".join(f"{'-' if entry[layer] is None else entry[layer]:>12}" for layer in layers)
            verdict = "yes" if not entry["problems"] else "NO: " + "; ".join(entry["problems"])
            print(f"{entry['partition']:<12}{cells}  {verdict}")
    return 0 if all(not entry["problems"] for entry in report) else 1


def command_backfill(args: argparse.Namespace) -> int:
    """Dagster's own backfill (one queued run per day), optionally waiting with a daemon to run it."""
    import dagster as dg

    from review_platform.ops.backfill import daemon_running, outcome_by_day, submit_backfill, wait_for_backfill
    from review_platform.ops.instance import dagster_instance, prepare_state
    from review_platform.partitions import daily_partitions
    from review_platform.settings import packaged_config

    settings = load_settings()
    prepare_state(settings)
    instance = dagster_instance(settings)
    first, last = args.start.isoformat(), args.end.isoformat()
    if first > last:
        print(f"error: --from {first} is after --to {last}", file=sys.stderr)
        return 2
    partitions = daily_partitions.get_partition_keys_in_range(dg.PartitionKeyRange(first, last))
    workspace = packaged_config("workspace.yaml")
    backfill_id = submit_backfill(instance, workspace, partitions)
    print(f"Backfill {backfill_id}: {len(partitions)} day(s) requested, {first} to {last} (UI: Overview, Backfills).")
    if not args.wait:
        print("The Dagster daemon runs them (`make dev`, or `dagster-daemon run`).")
        return 0
    with daemon_running(instance, settings.dagster_home, workspace) as started:
        if started:
            print("Started a dagster-daemon to run them; it stops when they are done.", flush=True)
        status, runs = wait_for_backfill(
            instance,
            backfill_id,
            lambda counts: print("  " + ", ".join(f"{n} {status.lower()}" for status, n in sorted(counts.items()))),
        )
    outcomes = outcome_by_day(runs)
    for day in partitions:
        print(f"  {day}  {outcomes.get(day, 'not run')}")
    failed = [day for day in partitions if outcomes.get(day) != "success"]
    print(
        f"Backfill {backfill_id} {status.lower()}: {len(partitions) - len(failed)} day(s) succeeded, {len(failed)} not"
    )
    return 0 if not failed else 1


def command_doctor(args: argparse.Namespace) -> int:
    from review_platform.ops.doctor import Verdict, examine
    from review_platform.ops.instance import dagster_instance

    settings, resources = _settings_and_resources()
    findings = examine(settings, resources, dagster_instance(settings))
    if args.json:
        print(json.dumps([finding.__dict__ for finding in findings], indent=2))
    else:
        for finding in findings:
            print(f"{finding.verdict.upper():<5} {finding.item:<17} {finding.detail}")
            if finding.what_to_do:
                print(f"{'':<23}-> {finding.what_to_do}")
    return 1 if any(finding.verdict is Verdict.FAIL for finding in findings) else 0


def command_anonymise(args: argparse.Namespace) -> int:
    """JSON lines on stdin -> one redacted line per input line on stdout, in order; bad lines get "error"."""
    from review_platform.pii.json_lines import anonymise_json_lines

    for line in anonymise_json_lines(sys.stdin.buffer):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0


def command_categorise(args: argparse.Namespace) -> int:
    """JSON lines {"text", "rating"?} on stdin -> the same lines with topic, sentiment, ... added, in order."""
    from review_platform.nlp.json_lines import categorise_json_lines

    _, resources = _settings_and_resources()
    for line in categorise_json_lines(sys.stdin, resources.nlp.categoriser()):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0


def _training_data(args: argparse.Namespace, settings) -> Path:
    from review_platform.nlp.training.data import TrainingDataError

    data = args.data or settings.training_data_dir
    if not data:
        raise TrainingDataError("no training data: pass --data PATH (a copy of shared/data/reviews)")
    return Path(data)


def _progress_bar():
    """A tqdm bar per stage (embedding, fitting, evaluating) on stderr."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total or None, desc=stage, unit="review" if stage == "embedding" else "step")
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    return progress, bars


def command_nlp_train(args: argparse.Namespace) -> int:
    """Train the heads on real reviews, evaluate them on the sealed split, promote them if every bar is met."""
    from review_platform.ops.nlp_model import train_evaluate_promote

    settings, resources = _settings_and_resources()
    progress, bars = _progress_bar()
    trained = train_evaluate_promote(
        resources.nlp.encoder(),
        resources.nlp.taxonomy(),
        _training_data(args, settings),
        settings.models_dir,
        lake=resources.lake,
        partitions=args.partitions,
        seed=args.seed,
        progress=progress,
    )
    for bar in bars.values():
        bar.close()
    _print_figures(trained.heads.evaluation, trained.bars, args.json)
    print(f"heads {trained.heads.version} written to {trained.artefact}")
    if trained.promoted:
        from review_platform.defs.nlp_model import record_heads_in_use
        from review_platform.ops.instance import dagster_instance

        record_heads_in_use(dagster_instance(settings), settings.models_dir)  # the UI shows the model in use
    print("promoted: later runs categorise with them" if trained.promoted else "NOT promoted: a bar is missed")
    return 0 if trained.promoted else 1


def command_nlp_evaluate(args: argparse.Namespace) -> int:
    """The categoriser in use (promoted heads, else the shipped ones) on the sealed test split."""
    from review_platform.nlp.training.evaluate import bars_met
    from review_platform.ops.nlp_model import evaluate_in_use

    settings, resources = _settings_and_resources()
    categoriser = resources.nlp.categoriser()
    print(f"model: {categoriser.model.name}@{categoriser.model_version}")
    if categoriser.heads is None:
        print("error: no trained heads for this encoder; run `review-platform nlp train` first", file=sys.stderr)
        return 1
    figures = evaluate_in_use(categoriser, _training_data(args, settings))
    met = bars_met(figures)
    _print_figures(figures, met, args.json)
    return 0 if all(met.values()) else 1


def _print_figures(figures: dict, met: dict[str, bool], as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures, indent=2, default=str))
        return
    for name, value in figures.items():
        mark = "" if name not in met else "   bar met" if met[name] else "   BAR MISSED"
        print(f"{name:<40} {value}{mark}")


def command_erase(args: argparse.Namespace) -> int:
    """GDPR right to be forgotten for one buyer, in every store."""
    from review_platform.ops.erasure import erase_buyer

    _, resources = _settings_and_resources()
    report = erase_buyer(args.buyer_id, resources)
    print(json.dumps({"request_id": report.request_id, "rows_removed": report.rows_removed, "total": report.total}))
    return 0


def command_purge_raw(args: argparse.Namespace) -> int:
    """RAW retention: delete raw (and landing) partitions older than N days."""
    from review_platform.ops.erasure import purge_raw

    _, resources = _settings_and_resources()
    report = purge_raw(resources.lake, args.older_than)
    print(json.dumps({"request_id": report.request_id, "partitions": report.rows_removed, "total": report.total}))
    return 0


def command_bench(args: argparse.Namespace) -> int:
    """Generate N reviews into a fresh embedded state, run the real assets, compare each stage with a naive
    baseline on the same data in the same process, and print the figures."""
    import tempfile

    from review_platform.ops.bench import format_report, run_benchmark

    with tempfile.TemporaryDirectory(prefix="review-platform-bench-") as home:
        progress = (lambda line: None) if args.json else (lambda line: print(line, flush=True))
        result = run_benchmark(args.reviews, Path(home), progress, mongo_url=args.mongo_url)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0


def command_dev(args: argparse.Namespace) -> int:
    """Start `dagster dev` on the embedded state, with SIGINT/SIGTERM restored so Ctrl-C and kill stop it."""
    from review_platform.ops.instance import dagster_instance, prepare_state
    from review_platform.settings import packaged_config

    settings = load_settings()
    prepare_state(settings)
    dagster_instance(settings)  # writes the instance config on first use
    workspace = packaged_config("workspace.yaml")
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    dagster = Path(sys.executable).parent / "dagster"
    command = [str(dagster), "dev", "-w", str(workspace), "-h", args.host, "-p", str(args.port)]
    os.execv(command[0], command)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="review-platform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="seed demo data if needed and run the whole pipeline on it")
    demo.set_defaults(handler=command_demo)

    seed = commands.add_parser("seed", help="generate demo reviews into the source database")
    seed.add_argument("--start", type=dt.date.fromisoformat, required=True, help="first day, YYYY-MM-DD")
    seed.add_argument("--days", type=int, default=1)
    seed.add_argument("--reviews-per-day", type=int, default=400)
    seed.add_argument("--seed", type=int, default=42)
    seed.set_defaults(handler=command_seed)

    status = commands.add_parser("status", help="row counts of every layer per partition, and whether they reconcile")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=command_status)

    backfill = commands.add_parser("backfill", help="one Dagster run per day from --from to --to (a backfill)")
    backfill.add_argument("--from", dest="start", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
    backfill.add_argument("--to", dest="end", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
    backfill.add_argument("--wait", action="store_true", help="run them now and wait (starts a daemon if needed)")
    backfill.set_defaults(handler=command_backfill)

    doctor = commands.add_parser("doctor", help="reach every service and say, item by item, what is wrong")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(handler=command_doctor)

    anonymise = commands.add_parser("anonymise", help='redact PII in JSON lines {"text": ...} from stdin')
    anonymise.set_defaults(handler=command_anonymise)

    categorise = commands.add_parser("categorise", help='topic, sentiment, ... for JSON lines {"text", "rating"?}')
    categorise.set_defaults(handler=command_categorise)

    nlp = commands.add_parser("nlp", help="train or evaluate the categoriser's heads on real labelled reviews")
    nlp_commands = nlp.add_subparsers(dest="nlp_command", required=True)
    train = nlp_commands.add_parser("train", help="train, evaluate on the sealed split, promote if the bars are met")
    train.add_argument("--data", help="folder with the files of shared/data/reviews (REVIEW_PLATFORM_TRAINING_DATA)")
    train.add_argument("--partitions", nargs="*", default=[], metavar="DAY", help="platform days to add (stars)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--json", action="store_true")
    train.set_defaults(handler=command_nlp_train)
    evaluate = nlp_commands.add_parser("evaluate", help="the categoriser in use on the sealed test split")
    evaluate.add_argument("--data", help="folder with the files of shared/data/reviews (REVIEW_PLATFORM_TRAINING_DATA)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(handler=command_nlp_evaluate)

    erase = commands.add_parser("erase", help="GDPR erasure: remove one buyer's reviews from every store")
    erase.add_argument("--buyer-id", type=int, required=True)
    erase.set_defaults(handler=command_erase)

    purge = commands.add_parser("purge-raw", help="delete RAW partitions older than the retention period")
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    purge.set_defaults(handler=command_purge_raw)

    bench = commands.add_parser("bench", help="benchmark every stage against a naive baseline (fresh state)")
    bench.add_argument("--reviews", type=int, default=20_000)
    bench.add_argument("--json", action="store_true")
    bench.add_argument(
        "--mongo-url",
        help="measure the Mongo stage on this MongoDB server (in a throw-away database, dropped after) "
        "instead of the embedded engine",
    )
    bench.set_defaults(handler=command_bench)

    dev = commands.add_parser("dev", help="the Dagster UI on the embedded state")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(handler=command_dev)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    warnings.filterwarnings("ignore", category=UserWarning)
    args = build_parser().parse_args(argv)
    from review_platform.errors import PlatformError

    try:
        return args.handler(args)
    # A system that is down or refuses, a source schema that drifted, a write that broke: one line that names it
    # and says what to do, no traceback.
    except PlatformError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
