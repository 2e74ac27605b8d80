"""GDPR erasure and RAW retention, verified store by store on a real materialised partition."""

import datetime as dt
import json

import dagster as dg
import polars as pl
import pytest

from review_platform.cli import main
from review_platform.ops.erasure import erase_buyer, erasure_log
from review_platform.ops.status import status_report
from review_platform.pii.pseudonymise import pseudonym
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform_tests.platform_fixture import make_platform

DAY = dt.date(2026, 5, 20)


def rows_of_buyer(platform, buyer_id: int, buyer_hash: str) -> dict[str, int]:
    lake, counts = platform.resources.lake, {}
    for zone, column, value in [
        (Zone.LANDING, "buyer_id", buyer_id),
        (Zone.RAW, "buyer_id", buyer_id),
        (Zone.PROCESSED, "buyer_hash", buyer_hash),
        (Zone.REJECTED, "buyer_hash", buyer_hash),
        (Zone.CURATED, "buyer_hash", buyer_hash),
    ]:
        frame = lake.read_partition(PartitionRef(zone, REVIEWS_DATASET, DAY.isoformat()))
        counts[f"lake.{zone}"] = frame.filter(pl.col(column) == value).height
    for table in ("curated_reviews", "rejected_reviews"):
        sql = f"SELECT count(*) AS n FROM {table} WHERE buyer_hash = ?"
        counts[f"warehouse.{table}"] = platform.resources.warehouse.query(sql, [buyer_hash])["n"][0]
    with platform.resources.mongo.connect() as db:
        for name in ("reviews", "rejected_reviews"):
            counts[f"mongo.{name}"] = db[name].count_documents({"buyer_hash": buyer_hash})
    return counts


def test_erase_a_buyer_everywhere_for_good(tmp_path, monkeypatch, capsys):
    platform = make_platform(monkeypatch, tmp_path)
    platform.export_to(monkeypatch)  # for the review-platform commands
    dataset = platform.seed(DAY, 300)
    assert platform.run([DAY.isoformat()])[0].success
    # The buyer with the most reviews that day.
    buyer_id = dataset.review.drop_nulls("buyer_id").group_by("buyer_id").len().sort(["len", "buyer_id"]).row(-1)[0]
    buyer_hash = pseudonym(buyer_id, platform.resources.pseudonym_key.secret())
    before = rows_of_buyer(platform, buyer_id, buyer_hash)
    assert before["lake.raw"] >= 2 and before["warehouse.curated_reviews"] >= 1 and before["mongo.reviews"] >= 1

    assert main(["erase", "--buyer-id", str(buyer_id)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_removed"]["lake.raw"] == before["lake.raw"]
    assert report["rows_removed"]["mongo.reviews"] == before["mongo.reviews"]
    assert set(rows_of_buyer(platform, buyer_id, buyer_hash).values()) == {0}
    assert status_report(platform.resources)[0]["problems"] == []

    # Idempotent: a second request finds nothing left.
    assert main(["erase", "--buyer-id", str(buyer_id)]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0

    # Re-running the day, with the source still holding the reviews, does not bring them back: not even into
    # the extract, the landing area or RAW.
    [rerun] = platform.run([DAY.isoformat()])
    assert rerun.success
    assert set(rows_of_buyer(platform, buyer_id, buyer_hash).values()) == {0}
    assert platform.resources.lake.read_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, str(DAY))).height == (
        300 - before["lake.raw"]
    )
    extract = platform.instance.get_latest_materialization_event(dg.AssetKey("postgres_reviews"))
    assert extract.asset_materialization.metadata["erased_buyer_rows"].value == before["lake.raw"]
    entry = status_report(platform.resources)[0]
    assert entry["problems"] == [] and entry["erased"] == before["lake.raw"] and entry["source"] == 300

    # The audit trail: when, which stores, how many rows; never who.
    log = erasure_log(platform.resources.lake)
    assert log["action"].to_list() == ["erase_buyer", "erase_buyer"]
    assert log["rows_removed"].to_list()[1] == 0
    assert str(buyer_id) not in json.dumps(log.to_dicts()) and buyer_hash not in json.dumps(log.to_dicts())


@pytest.mark.parametrize(
    ("arrives_when", "dropped_by"),
    # The first serving asset to read CURATED is the one that finds the buyer: either store may go first.
    [(Zone.PROCESSED, ["categorised_reviews"]), (Zone.CURATED, ["snowflake_views", "mongo_collections"])],
    ids=["while-the-model-runs", "while-publishing"],
)
def test_an_erasure_during_a_run_keeps_the_buyer_out_of_what_the_run_writes_next(
    tmp_path, monkeypatch, arrives_when, dropped_by
):
    """The request arrives just after a layer has read its input: the erasure rewrites the lake and the stores
    (which do not hold the day yet), then the run writes what it read. Each layer reads the register again just
    before it writes, so neither CURATED nor the stores get the buyer."""
    platform = make_platform(monkeypatch, tmp_path)
    dataset = platform.seed(DAY, 200)
    buyer_id = dataset.review.drop_nulls("buyer_id").group_by("buyer_id").len().sort(["len", "buyer_id"]).row(-1)[0]
    buyer_hash = pseudonym(buyer_id, platform.resources.pseudonym_key.secret())
    read_partition, requests = LakeResource.read_partition, []

    def read_then_erasure_arrives(self, ref, verify=False):
        frame = read_partition(self, ref, verify)
        if ref.zone == arrives_when and not requests:
            requests.append(buyer_id)  # first: the erasure reads partitions too
            erase_buyer(buyer_id, platform.resources)
        return frame

    monkeypatch.setattr(LakeResource, "read_partition", read_then_erasure_arrives)
    [run] = platform.run([DAY.isoformat()])
    assert run.success and len(requests) == 1
    assert set(rows_of_buyer(platform, buyer_id, buyer_hash).values()) == {0}
    left_out = [
        platform.instance.get_latest_materialization_event(dg.AssetKey(asset))
        .asset_materialization.metadata["erased_buyer_rows"]
        .value
        for asset in dropped_by
    ]
    assert sum(left_out) >= 1, "the layer that read before the erasure left the buyer out"
    assert status_report(platform.resources)[0]["problems"] == []


def test_purge_raw_keeps_the_anonymised_layers(tmp_path, monkeypatch, capsys):
    platform = make_platform(monkeypatch, tmp_path)
    platform.export_to(monkeypatch)  # for the review-platform commands
    platform.seed(DAY, 60)
    assert platform.run([DAY.isoformat()])[0].success
    age = (dt.datetime.now(dt.UTC).date() - DAY).days

    assert main(["purge-raw", "--older-than", str(age + 1)]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0, "younger than the retention period: kept"
    assert main(["purge-raw", "--older-than", str(age - 1)]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2 * 60, "RAW and landing copies purged"

    lake = platform.resources.lake
    assert lake.list_partitions(Zone.RAW, REVIEWS_DATASET) == []
    assert lake.list_partitions(Zone.CURATED, REVIEWS_DATASET) == [DAY.isoformat()]
    assert erasure_log(lake)["action"].to_list()[-1].startswith("purge_raw")


def test_the_erasure_register_refuses_another_pseudonymisation_key(tmp_path):
    """A new key would give every erased buyer a new pseudonym that the register does not hold: refused."""
    from review_platform.resources.lake import ErasureKeyMismatchError
    from review_platform.resources.privacy import PseudonymKeyResource

    lake = LakeResource(url=str(tmp_path / "lake"))
    old_key, new_key = PseudonymKeyResource(key="the-old-key"), PseudonymKeyResource(key="a-new-key")
    assert old_key.fingerprint() != new_key.fingerprint() and "old" not in old_key.fingerprint()
    assert lake.register_erasure(pseudonym(42, old_key.secret()), old_key.fingerprint())
    assert lake.erased_pseudonyms(old_key.fingerprint()) == {pseudonym(42, old_key.secret())}
    with pytest.raises(ErasureKeyMismatchError, match="another pseudonymisation key") as refused:
        lake.erased_pseudonyms(new_key.fingerprint())
    assert "the-old-key" not in str(refused.value) and "a-new-key" not in str(refused.value)
    with pytest.raises(ErasureKeyMismatchError):
        lake.register_erasure(pseudonym(7, new_key.secret()), new_key.fingerprint())


def test_a_run_with_another_key_stops_before_writing_and_says_why(tmp_path, monkeypatch):
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 60)
    key = platform.resources.pseudonym_key
    platform.resources.lake.register_erasure(pseudonym(1, b"a key from before"), "0123456789abcdef")
    assert key.fingerprint() != "0123456789abcdef"
    [run] = platform.run([DAY.isoformat()])
    assert not run.success
    for zone in (Zone.LANDING, Zone.RAW, Zone.PROCESSED):
        assert platform.resources.lake.read_manifest(PartitionRef(zone, REVIEWS_DATASET, str(DAY))) is None, zone
    from review_platform.defs.run_outcomes import step_failures_of_run

    [failure] = step_failures_of_run(platform.instance, run.run_id)
    assert failure.startswith("postgres_reviews: the erasure register was written with another pseudonymisation key")
