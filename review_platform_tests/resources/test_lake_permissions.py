"""A local lake is readable by its owner only: RAW holds personal data and the machine may have other users."""

import stat
from pathlib import Path

import polars as pl

from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone


def test_local_lake_files_and_folders_are_owner_only(tmp_path: Path):
    lake = LakeResource(url=str(tmp_path / "lake"))
    lake.write_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, "2026-11-02"), pl.DataFrame({"review_id": [1]}))
    written = list((tmp_path / "lake").rglob("*"))
    assert any(path.suffix == ".parquet" for path in written) and any(path.name.endswith(".json") for path in written)
    for path in [tmp_path / "lake", *written]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.relative_to(tmp_path)} is {oct(mode)}"
