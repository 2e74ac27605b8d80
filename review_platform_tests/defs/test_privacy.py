"""anonymised_reviews with per-type operators chosen in run config (the UI's Launchpad or --config-json)."""

import datetime as dt

import polars as pl

from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone
from review_platform_tests.platform_fixture import make_platform

DAY = dt.date(2026, 4, 2)


def test_operators_per_pii_type_from_run_config(tmp_path, monkeypatch):
    platform = make_platform(monkeypatch, tmp_path)
    dataset = platform.seed(DAY, 200)
    operators = {"EMAIL": "hash", "PHONE": "mask", "*": "placeholder"}
    # Reject-rate thresholds loosened: this test is about operators, not about the generated day's defects.
    config = {"pii_operators": operators, "warn_above": 0.5, "error_above": 0.9}
    run_config = {"ops": {"anonymised_reviews": {"config": config}}}
    assert platform.run([DAY.isoformat()], run_config=run_config)[0].success

    processed = platform.resources.lake.read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, str(DAY)))
    text = "\n".join(processed["title"].fill_null("").to_list() + processed["text"].fill_null("").to_list())
    assert "<EMAIL:" in text, "e-mails become keyed hash tokens"
    assert "<PHONE>" not in text and "*****" in text, "phones are masked"
    assert "<PERSON>" in text, "the other types keep their placeholder"
    planted = dataset.planted_pii.filter(pl.col("pii_type").is_in(["EMAIL", "PHONE"]))["value"].to_list()
    assert not [value for value in planted if value in text]


def test_the_pseudonymisation_key_never_appears_in_logs_metadata_or_stores(tmp_path, monkeypatch):
    secret = "k3y-that-must-never-leak-0b1c2d"
    platform = make_platform(monkeypatch, tmp_path, REVIEW_PLATFORM_PSEUDONYM_KEY=secret)
    platform.seed(DAY, 80)
    run = platform.run([DAY.isoformat()])[0]
    assert run.success
    events = "\n".join(
        (entry.user_message or "") + str(entry.dagster_event) for entry in platform.instance.all_logs(run.run_id)
    )
    assert secret not in events
    assert not (platform.settings.pseudonym_key_file).exists(), "no generated key when the environment has one"
    lake_files = [path for path in (tmp_path / "lake").rglob("*") if path.is_file()]
    assert lake_files and not [path for path in lake_files if secret.encode() in path.read_bytes()]
    with platform.resources.mongo.connect() as db:
        assert secret not in str(list(db.pipeline_runs.find({})))


def test_a_leak_the_guard_finds_is_a_failed_error_check_for_the_day_and_nothing_is_written(tmp_path, monkeypatch):
    """Fault injection: the redactor is made to forget e-mails (its e-mail detector removed), so the guard,
    which scans with every detector, finds what it left."""
    import dagster as dg

    from review_platform.contract import PiiType
    from review_platform.defs import privacy
    from review_platform.pii.redact import RedactionConfig

    weakened = RedactionConfig.from_options
    monkeypatch.setattr(
        privacy.RedactionConfig,
        "from_options",
        classmethod(lambda cls, *args, **kwargs: _without_emails(weakened(*args, **kwargs))),
    )
    platform = make_platform(monkeypatch, tmp_path)
    dataset = platform.seed(DAY, 200)
    assert "EMAIL" in dataset.planted_pii["pii_type"].to_list()
    monkeypatch.setattr(privacy, "find_pii", _guard_with_every_detector(privacy.find_pii, RedactionConfig()))
    [run] = platform.run([DAY.isoformat()])
    assert not run.success
    evaluations = {
        evaluation.check_name: evaluation
        for record in platform.instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        if (evaluation := record.event_log_entry.dagster_event.event_specific_data).asset_key.path
        == ["anonymised_reviews"]
    }
    assert list(evaluations) == ["no_pii_past_raw"], "the guard's result, then the step stopped"
    evaluation = evaluations["no_pii_past_raw"]
    assert evaluation.passed is False
    assert evaluation.severity is dg.AssetCheckSeverity.ERROR and evaluation.partition == DAY.isoformat()
    planted = dataset.planted_pii.filter(pl.col("pii_type") == PiiType.EMAIL.value)["value"].to_list()
    assert "review ids" in evaluation.description and not [v for v in planted if v in evaluation.description]
    assert platform.resources.lake.read_manifest(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, str(DAY))) is None
    restarts = platform.instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)
    assert restarts == [], "the same data would leak the same way: no retry"
    assert "categorised_reviews" not in run.layers


def _without_emails(config):
    from dataclasses import replace

    from review_platform.contract import PiiType

    kept = tuple(detector for detector in config.detectors if PiiType.EMAIL not in detector.types)
    return replace(config, detectors=kept)


def _guard_with_every_detector(find_pii, full_config):
    return lambda frame, columns, _config=None: find_pii(frame, columns, full_config)


def test_the_buyers_own_values_are_caught_verbatim_when_every_detector_misses_them(tmp_path, monkeypatch):
    """Fault injection: the redactor and the guard's detectors are all removed, so only the guard's second line,
    the exact search for the day's buyers' own names, e-mails and phones, can see what 20 reviews were given."""
    import dagster as dg

    from review_platform.defs import privacy
    from review_platform.pii.redact import RedactionConfig

    monkeypatch.setattr(
        privacy.RedactionConfig, "from_options", classmethod(lambda cls, *args, **kwargs: RedactionConfig(detectors=()))
    )
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 120)
    with platform.resources.postgres.connect() as conn:
        planted = conn.execute(
            """UPDATE review r SET r_desc = concat_ws(' ', r.r_desc, CASE
                   WHEN r.review_id %% 3 = 0 THEN 'merci ' || lower(c.fname || ' ' || c.lname)
                   WHEN r.review_id %% 3 = 1 OR c.phone IS NULL THEN 'écrivez à ' || upper(c.email)
                   ELSE 'tél. ' || regexp_replace(c.phone, '(\\d\\d)', '\\1 ', 'g') END)
               FROM customer c
               WHERE c.buyer_id = r.buyer_id AND r.review_id IN (
                   SELECT review_id FROM review WHERE created_at::date = %s ORDER BY review_id LIMIT 20)
               RETURNING r.review_id""",
            [DAY],
        ).fetchall()
        conn.commit()
    assert len(planted) == 20
    [run] = platform.run([DAY.isoformat()])
    assert not run.success
    [evaluation] = [
        record.event_log_entry.dagster_event.event_specific_data
        for record in platform.instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        if record.event_log_entry.dagster_event.event_specific_data.check_name == "no_pii_past_raw"
    ]
    assert evaluation.passed is False and evaluation.severity is dg.AssetCheckSeverity.ERROR
    assert evaluation.metadata["rows_with_buyer_values"].value == 20, "every planted row, and no other"
    assert "buyer's own" in evaluation.description
    with platform.resources.postgres.connect() as conn:
        values = conn.execute("SELECT fname, lname, email, phone FROM customer").fetchall()
    shown = evaluation.description + str({name: value.value for name, value in evaluation.metadata.items()})
    assert not [value for row in values for value in row if value and len(value) > 3 and value in shown]
    assert platform.resources.lake.read_manifest(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, str(DAY))) is None


def test_a_guard_role_without_its_grants_stops_the_day_with_what_to_do(tmp_path, monkeypatch):
    import dagster as dg

    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 40)
    with platform.resources.postgres.connect() as conn:
        conn.execute("REVOKE SELECT (buyer_id, fname, lname, email, phone) ON customer FROM review_guard")
        conn.commit()
    [run] = platform.run([DAY.isoformat()])
    assert not run.success
    from review_platform.defs.run_outcomes import step_failures_of_run

    [failure] = step_failures_of_run(platform.instance, run.run_id)
    assert failure.startswith("anonymised_reviews: the leak guard's role review_guard cannot read")
    assert "source_roles.sql" in failure, "it says what to apply"
    assert platform.instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY) == []
    assert platform.resources.lake.read_manifest(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, str(DAY))) is None
