import json
import os
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from review_platform.resources.lake import MANIFEST_NAME, LakeError, LakeResource, PartitionRef, Zone

REF = PartitionRef(Zone.RAW, "reviews", "2026-11-01")


@pytest.fixture
def lake(tmp_path: Path) -> LakeResource:
    return LakeResource(url=str(tmp_path / "lake"))


def partition_files(lake: LakeResource) -> list[str]:
    return sorted(path.name for path in (Path(lake.url) / REF.folder).iterdir())


def test_round_trip_with_manifest(lake):
    frame = pl.DataFrame({"review_id": [1, 2, 3], "text": ["a", None, "c"]})
    manifest = lake.write_partition(REF, frame, extra={"extracted_at": "2026-11-02T00:00:00+00:00"})
    assert manifest["row_count"] == 3
    assert manifest["extracted_at"] == "2026-11-02T00:00:00+00:00"
    assert len(manifest["files"][0]["sha256"]) == 64
    assert lake.read_manifest(REF) == manifest
    assert lake.read_partition(REF, verify=True).equals(frame)
    assert lake.list_partitions(Zone.RAW, "reviews") == ["2026-11-01"]


def test_rewrite_replaces_the_whole_partition(lake):
    lake.write_partition(REF, pl.DataFrame({"review_id": [1, 2, 3]}))
    lake.write_partition(REF, pl.DataFrame({"review_id": [9]}))
    assert lake.read_partition(REF)["review_id"].to_list() == [9]
    files = partition_files(lake)
    assert len(files) == 2 and MANIFEST_NAME in files, "the old data file is gone"


def test_an_interrupted_write_leaves_the_previous_version_readable(lake):
    lake.write_partition(REF, pl.DataFrame({"review_id": [1, 2]}))
    # A writer that died after its data file but before its manifest leaves an orphan file behind.
    (Path(lake.url) / REF.folder / "part-orphan.parquet").write_bytes(b"half written")
    assert lake.read_partition(REF, verify=True)["review_id"].to_list() == [1, 2]


def test_corruption_and_missing_files_are_reported(lake):
    manifest = lake.write_partition(REF, pl.DataFrame({"review_id": [1, 2]}))
    data_file = Path(lake.url) / REF.folder / manifest["files"][0]["path"]
    data_file.write_bytes(data_file.read_bytes()[:-3] + b"xyz")
    with pytest.raises(LakeError, match="checksum"):
        lake.read_partition(REF, verify=True)
    data_file.unlink()
    with pytest.raises(LakeError, match="missing"):
        lake.read_partition(REF)


def test_a_partition_never_written_names_what_to_do(lake):
    with pytest.raises(LakeError, match="materialise the upstream asset"):
        lake.read_partition(REF)
    assert lake.read_manifest(REF) is None
    assert json.dumps(lake.list_partitions(Zone.CURATED, "reviews")) == "[]"


def test_verify_partition_reports_each_kind_of_damage(lake):
    frame = pl.DataFrame({"review_id": list(range(1000)), "text": ["some review text"] * 1000})
    manifest = lake.write_partition(REF, frame)
    assert lake.verify_partition(REF) == []
    data_file = Path(lake.url) / REF.folder / manifest["files"][0]["path"]

    data_file.write_bytes(b"PAR1 not parquet at all PAR1")
    problems = lake.verify_partition(REF)
    assert any("suspiciously small" in problem for problem in problems)
    assert any("unreadable Parquet" in problem for problem in problems)
    assert any("checksum" in problem for problem in problems)

    data_file.unlink()
    assert lake.verify_partition(REF) == [f"{REF.folder}/{data_file.name}: listed in the manifest but missing"]
    (Path(lake.url) / REF.folder / MANIFEST_NAME).unlink()
    assert lake.verify_partition(REF) == [f"{REF.folder}: no manifest"]


def test_verify_partition_catches_a_row_count_that_disagrees(lake):
    lake.write_partition(REF, pl.DataFrame({"review_id": [1, 2, 3]}))
    manifest_file = Path(lake.url) / REF.folder / MANIFEST_NAME
    manifest = json.loads(manifest_file.read_text())
    manifest["row_count"] = 4
    manifest_file.write_text(json.dumps(manifest))
    assert lake.verify_partition(REF) == [f"{REF.folder}: 3 rows where the manifest says 4"]


def test_concurrent_writers_of_one_partition_leave_it_readable(lake):
    lake.write_partition(REF, pl.DataFrame({"review_id": [0]}))
    errors = []

    def write(value: int) -> None:
        try:
            for _ in range(15):
                lake.write_partition(REF, pl.DataFrame({"review_id": [value] * 3}))
        except Exception as error:
            errors.append(error)

    writers = [threading.Thread(target=write, args=(value,)) for value in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert errors == []
    assert lake.verify_partition(REF) == []
    assert lake.read_partition(REF)["review_id"].to_list() in ([1, 1, 1], [2, 2, 2])


def test_orphans_of_crashed_writers_are_swept_after_an_hour(lake):
    lake.write_partition(REF, pl.DataFrame({"review_id": [1]}))
    folder = Path(lake.url) / REF.folder
    old, fresh = folder / "part-crashed-long-ago.parquet", folder / "part-crashed-just-now.parquet"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    lake.write_partition(REF, pl.DataFrame({"review_id": [2]}))
    assert not old.exists()
    assert fresh.exists(), "a write in progress elsewhere is never swept"
