"""anonymised_reviews with per-type operators chosen in run config (the UI's Launchpad or --config-json)."""

import datetime as dt

import polars as pl

from review_platform.ops.status import status_report
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


def _anonymiser_checks(platform, run) -> dict:
    import dagster as dg

    return {
        evaluation.check_name: evaluation
        for record in platform.instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        if (evaluation := record.event_log_entry.dagster_event.event_specific_data).asset_key.path
        == ["anonymised_reviews"]
    }


def _forgetting_emails(monkeypatch):
    """Fault injection: the redactor is made to forget e-mails (its e-mail detectors removed). The guard does not
    use the redactor's detectors, so nothing else has to change for it to see what was left."""
    from review_platform.defs import privacy
    from review_platform.pii.redact import RedactionConfig

    weakened = RedactionConfig.from_options
    monkeypatch.setattr(
        privacy.RedactionConfig,
        "from_options",
        classmethod(lambda cls, *args, **kwargs: _without_emails(weakened(*args, **kwargs))),
    )


def test_rows_the_redactor_left_personal_data_in_are_withheld_and_the_rest_of_the_day_is_published(
    tmp_path, monkeypatch
):
    import dagster as dg

    from review_platform.contract import PiiType

    _forgetting_emails(monkeypatch)
    platform = make_platform(monkeypatch, tmp_path)
    dataset = platform.seed(DAY, 200)
    planted = dataset.planted_pii.filter(pl.col("pii_type") == PiiType.EMAIL.value)
    leaking = set(planted["review_id"].to_list())
    assert leaking
    [run] = platform.run([DAY.isoformat()])
    assert run.success, "a suspected row is held back, not the day"
    checks = _anonymiser_checks(platform, run)
    assert checks["no_pii_past_raw"].passed, "nothing suspected was written"
    withheld = checks["suspected_rows_withheld"]
    assert withheld.passed is False and withheld.severity is dg.AssetCheckSeverity.WARN
    assert withheld.metadata["rows_withheld"].value == len(leaking), "every row with a planted e-mail, no other"
    assert withheld.metadata["withheld_kinds"].value == "EMAIL"
    assert "release_review_ids" in withheld.description
    assert not [value for value in planted["value"].to_list() if value in withheld.description]
    lake = platform.resources.lake
    published = {
        review_id
        for zone in (Zone.PROCESSED, Zone.REJECTED)
        for review_id in lake.read_partition(PartitionRef(zone, REVIEWS_DATASET, str(DAY)))["review_id"].to_list()
    }
    raw = set(lake.read_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, str(DAY)))["review_id"].to_list())
    assert published == raw - leaking, "every other row of the day is published"
    status = {row["partition"]: row for row in status_report(platform.resources)}[str(DAY)]
    assert status["withheld"] == len(leaking) and status["problems"] == [], "status still reconciles"


def test_rows_a_person_released_are_published_by_the_re_run(tmp_path, monkeypatch):
    """A false alarm: a place's name has a person's shape. Withheld first; released by id, it is published and
    every later check passes."""
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 120)
    with platform.resources.postgres.connect() as conn:
        planted = conn.execute(
            """UPDATE review SET r_desc = r_desc || ' Designed in Silicon Valley.'
               WHERE review_id IN (
                   SELECT review_id FROM review WHERE created_at::date = %s ORDER BY review_id LIMIT 3)
               RETURNING review_id""",
            [DAY],
        ).fetchall()
        conn.commit()
    released = sorted(str(review_id) for (review_id,) in planted)
    [run] = platform.run([DAY.isoformat()])
    assert run.success
    withheld = _anonymiser_checks(platform, run)["suspected_rows_withheld"]
    assert withheld.metadata["rows_withheld"].value == 3
    assert withheld.metadata["withheld_review_ids"].value == ", ".join(released)

    config = {"ops": {"anonymised_reviews": {"config": {"release_review_ids": released}}}}
    [rerun] = platform.run([DAY.isoformat()], run_config=config)
    assert rerun.success
    assert not [check for check in rerun.failed_checks if "ERROR" in check or "suspected" in check]
    assert _anonymiser_checks(platform, rerun)["suspected_rows_withheld"].passed
    processed = platform.resources.lake.read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, str(DAY)))
    assert set(released) <= {str(review_id) for review_id in processed["review_id"].to_list()}


def test_with_suspected_rows_block_a_suspected_row_stops_the_day_and_nothing_is_written(tmp_path, monkeypatch):
    import dagster as dg

    from review_platform.contract import PiiType

    _forgetting_emails(monkeypatch)
    platform = make_platform(monkeypatch, tmp_path)
    dataset = platform.seed(DAY, 200)
    [run] = platform.run(
        [DAY.isoformat()], run_config={"ops": {"anonymised_reviews": {"config": {"suspected_rows": "block"}}}}
    )
    assert not run.success
    checks = _anonymiser_checks(platform, run)
    assert list(checks) == ["no_pii_past_raw"], "the guard's result, then the step stopped"
    evaluation = checks["no_pii_past_raw"]
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
