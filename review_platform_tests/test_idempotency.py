"""Three runs of the same partition leave every store exactly as the first run left it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
import pytest

from review_platform.ops.runs import PartitionRun
from review_platform.pii.pseudonymise import pseudonym
from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone
from review_platform_tests.platform_fixture import Platform, make_platform
from review_platform_tests.store_contents import PIPELINE_ZONES, StoreContents, store_contents

pytestmark = pytest.mark.slow

DAY = dt.date(2026, 10, 5)
PARTITION = DAY.isoformat()
REVIEWS = 60


@dataclass
class RunAndState:
    run: PartitionRun
    contents: StoreContents
    buyers: pl.DataFrame  # review_id, buyer_id (RAW) and buyer_hash as the warehouse and Mongo publish it


def published_pseudonyms(platform: Platform) -> pl.DataFrame:
    raw = platform.resources.lake.read_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, PARTITION))
    warehouse = platform.resources.warehouse.query(
        "SELECT review_id, buyer_hash FROM curated_reviews UNION ALL "
        "SELECT review_id, buyer_hash FROM rejected_reviews WHERE buyer_hash IS NOT NULL"
    )
    with platform.resources.mongo.connect() as db:
        served = pl.DataFrame(
            [
                document
                for collection in ("reviews", "rejected_reviews")
                for document in db[collection].find(
                    {"buyer_hash": {"$ne": None}}, {"_id": 0, "review_id": 1, "buyer_hash": 1}
                )
            ],
            schema={"review_id": pl.Int64, "buyer_hash": pl.String},
        )
    return (
        warehouse.join(served, on="review_id", how="full", suffix="_mongo", coalesce=True)
        .join(raw.select("review_id", "buyer_id"), on="review_id", how="left")
        .sort("review_id")
    )


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, list[RunAndState]]]:
    with pytest.MonkeyPatch.context() as env:
        platform = make_platform(env, tmp_path_factory.mktemp("state"))
        platform.seed(DAY, REVIEWS)
        states = []
        for _ in range(3):
            (run,) = platform.run([PARTITION])
            states.append(RunAndState(run, store_contents(platform, [PARTITION]), published_pseudonyms(platform)))
        yield platform, states


def test_every_run_succeeds(three_runs: tuple[Platform, list[RunAndState]]) -> None:
    _, states = three_runs
    assert [state.run.success for state in states] == [True, True, True]
    assert [[c for c in state.run.failed_checks if "(ERROR)" in c] for state in states] == [[], [], []]


def test_the_lake_holds_each_partition_once_in_the_files_its_manifest_lists(
    three_runs: tuple[Platform, list[RunAndState]],
) -> None:
    _, states = three_runs
    for state in states:
        contents = state.contents
        assert set(contents.lake_rows) == {str(zone) for zone in PIPELINE_ZONES}
        assert set(contents.lake_files_per_manifest.values()) == {1}, contents.lake_files_per_manifest
        assert contents.lake_stray_files == {folder: [] for folder in contents.lake_stray_files}, "no leftover file"
        rows = {zone: by_partition[PARTITION] for zone, by_partition in contents.lake_rows.items()}
        assert rows["raw"] == rows["landing"] == REVIEWS
        assert rows["processed"] + rows["rejected"] == REVIEWS and rows["curated"] == rows["processed"]
        assert rows["rejected"] > 0, "the generator plants rejects, so both sides are exercised"
    first = states[0].contents
    for later in (state.contents for state in states[1:]):
        assert later.lake_rows == first.lake_rows
        for zone, frames in first.lake_frames.items():
            assert later.lake_frames[zone][PARTITION].equals(frames[PARTITION]), zone


def test_the_warehouse_tables_and_views_are_identical_after_each_run(
    three_runs: tuple[Platform, list[RunAndState]],
) -> None:
    _, states = three_runs
    first = states[0].contents.warehouse
    assert first["curated_reviews"].height == states[0].contents.lake_rows["curated"][PARTITION]
    assert first["curated_reviews"]["review_id"].is_unique().all()
    for later in (state.contents.warehouse for state in states[1:]):
        assert set(later) == set(first)
        for relation, frame in first.items():
            assert later[relation].equals(frame), relation


def test_mongo_holds_the_same_documents_once_and_journals_every_run(
    three_runs: tuple[Platform, list[RunAndState]],
) -> None:
    _, states = three_runs
    first = states[0].contents
    assert len(first.mongo["reviews"]) == first.lake_rows["curated"][PARTITION]
    assert len(first.mongo["rejected_reviews"]) == first.lake_rows["rejected"][PARTITION]
    for number, state in enumerate(states, start=1):
        assert state.contents.mongo_duplicates == {"reviews": 0, "rejected_reviews": 0}
        assert state.contents.mongo == first.mongo
        assert state.contents.runs_journalled == {PARTITION: number}, "one pipeline_runs document per run"
    platform, _ = three_runs
    with platform.resources.mongo.connect() as db:
        run_ids = [document["run_id"] for document in db.pipeline_runs.find({"partition_date": PARTITION})]
    assert sorted(run_ids) == sorted(state.run.run_id for state in states)


def test_pseudonyms_are_stable_across_runs_and_stores(three_runs: tuple[Platform, list[RunAndState]]) -> None:
    platform, states = three_runs
    key = platform.resources.pseudonym_key.secret()
    first = states[0].buyers
    assert first.height > 0 and first["buyer_id"].null_count() == 0
    assert first["buyer_hash"].to_list() == first["buyer_hash_mongo"].to_list(), "warehouse and Mongo agree"
    assert first["buyer_hash"].to_list() == [pseudonym(buyer, key) for buyer in first["buyer_id"].to_list()]
    for later in states[1:]:
        assert later.buyers.equals(first)
