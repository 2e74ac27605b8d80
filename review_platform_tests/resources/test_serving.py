"""The serving-store interface: the stores implement it, and a new store needs nothing but it.

`JsonFolderStore` below is a real, if small, serving store (one JSON file per partition in a folder), written
only against `ServingStore`: it proves that the serving asset, its checks, erasure and status come from the
interface and not from code that knows the warehouse or Mongo.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
import polars as pl

from review_platform.contract import CATEGORISED_SCHEMA, REJECTED_SCHEMA, conform
from review_platform.defs.serving import build_serving_asset
from review_platform.ops.erasure import erase_buyer
from review_platform.ops.status import layer_counts, status_layers
from review_platform.quality.checks import CheckOutcome
from review_platform.resources import SERVING_STORE_TYPES, PlatformResources, build_resources
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.serving import SERVED_TEXT_SCHEMA, Publication, ServingAssetInfo, ServingStore
from review_platform.settings import ensure_generated_pseudonym_key, load_settings
from review_platform_tests.resources.test_mongo import DAY, categorised_row, rejected_row, serving_resources


class JsonFolderStore(dg.ConfigurableResource):
    """Each partition's reviews and rejected reviews as one JSON file."""

    store_name: ClassVar[str] = "folder"
    resource_key: ClassVar[str] = "folder_store"
    health_checks: ClassVar[tuple[str, ...]] = ("folder_writable",)
    what_to_check: ClassVar[str] = "Check the folder exists and is writable."
    serving_asset: ClassVar[ServingAssetInfo] = ServingAssetInfo(
        asset_name="json_folder", description="Reviews as JSON files.", kinds=frozenset({"json"}), owners=()
    )

    folder: str

    def _file(self, partition: str) -> Path:
        return Path(self.folder) / f"{partition}.json"

    def _read(self, partition: str) -> dict[str, list[dict[str, Any]]]:
        path = self._file(partition)
        return json.loads(path.read_text()) if path.exists() else {"reviews": [], "rejected": []}

    def describe(self) -> str:
        return f"the folder {self.folder}"

    def probe(self) -> tuple[bool, str]:
        return Path(self.folder).is_dir(), f"{len(self.count_by_partition())} partition(s)"

    def publish_partition(self, partition: str, curated: pl.DataFrame, rejected: pl.DataFrame) -> Publication:
        Path(self.folder).mkdir(parents=True, exist_ok=True)
        rows = {"reviews": curated.to_dicts(), "rejected": rejected.to_dicts()}
        self._file(partition).write_text(json.dumps(rows, default=str))
        return Publication(
            reviews_served=self.count_by_partition().get(partition, 0),
            served_texts=self.served_texts(partition),
            health={"folder_writable": CheckOutcome(True, "written")},
        )

    def count_by_partition(self) -> dict[str, int]:
        files = sorted(Path(self.folder).glob("*.json")) if Path(self.folder).is_dir() else []
        return {path.stem: len(self._read(path.stem)["reviews"]) for path in files}

    def served_texts(self, partition: str) -> pl.DataFrame:
        stored = self._read(partition)
        rows = [{name: row[name] for name in SERVED_TEXT_SCHEMA} for row in stored["reviews"] + stored["rejected"]]
        return pl.DataFrame(rows, schema=SERVED_TEXT_SCHEMA)

    def erase_buyer(self, buyer_hash: str) -> dict[str, int]:
        removed = 0
        for partition in self.count_by_partition():
            stored = self._read(partition)
            kept = {name: [row for row in rows if row["buyer_hash"] != buyer_hash] for name, rows in stored.items()}
            removed += sum(len(stored[name]) - len(kept[name]) for name in stored)
            self._file(partition).write_text(json.dumps(kept, default=str))
        return {"files": removed}


def test_the_warehouse_and_mongo_are_serving_stores_listed_once(tmp_path):
    resources = build_resources(load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path)}))
    assert [type(store).store_name for store in resources.serving_stores] == ["warehouse", "mongo"]
    assert all(isinstance(store, ServingStore) for store in resources.serving_stores)
    assert [store_type.serving_asset.asset_name for store_type in SERVING_STORE_TYPES] == [
        "snowflake_views",
        "mongo_collections",
    ]


def test_a_new_store_gets_its_asset_checks_status_and_erasure_from_the_interface(tmp_path):
    lake = LakeResource(url=str(tmp_path / "lake"))
    curated = conform(pl.DataFrame([categorised_row(1), categorised_row(2)]), CATEGORISED_SCHEMA)
    curated = curated.with_columns(pl.Series("buyer_hash", ["b_keep", "b_gone"]))
    lake.write_partition(PartitionRef(Zone.CURATED, REVIEWS_DATASET, DAY), curated)
    lake.write_partition(
        PartitionRef(Zone.REJECTED, REVIEWS_DATASET, DAY), conform(pl.DataFrame([rejected_row(3)]), REJECTED_SCHEMA)
    )
    store = JsonFolderStore(folder=str(tmp_path / "served"))

    asset = build_serving_asset(JsonFolderStore)
    result = dg.materialize([asset], partition_key=DAY, resources=serving_resources(lake, folder_store=store))
    assert result.success
    checks = {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}
    assert checks == {"folder_equals_curated": True, "no_pii_in_folder": True, "folder_writable": True}
    assert result.asset_materializations_for_node("json_folder")[0].metadata["rows_out"].value == 2

    settings = load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path)})
    ensure_generated_pseudonym_key(settings)
    base = build_resources(settings)
    base.postgres.ensure_schema()  # status counts the source too (empty here)

    class WithFolderStore(PlatformResources):
        @property
        def serving_stores(self) -> list[ServingStore]:
            return [store]

    resources = WithFolderStore(**{**vars(base), "lake": lake})
    assert status_layers(resources)[-1] == "folder"
    assert layer_counts(resources)[DAY]["folder"] == 2
    report = erase_buyer(7, resources)
    assert report.rows_removed["folder.files"] == 0, "buyer 7's pseudonym is neither b_keep nor b_gone"
    assert store.erase_buyer("b_gone") == {"files": 1}
    assert layer_counts(resources)[DAY]["folder"] == 1


def test_a_leak_in_what_a_store_serves_fails_its_pii_check(tmp_path):
    lake = LakeResource(url=str(tmp_path / "lake"))
    leaking = {**categorised_row(1), "text": "Write to jeanne.martin@example.org for the refund"}
    lake.write_partition(
        PartitionRef(Zone.CURATED, REVIEWS_DATASET, DAY), conform(pl.DataFrame([leaking]), CATEGORISED_SCHEMA)
    )
    lake.write_partition(PartitionRef(Zone.REJECTED, REVIEWS_DATASET, DAY), pl.DataFrame(schema=REJECTED_SCHEMA))
    store = JsonFolderStore(folder=str(tmp_path / "served"))
    result = dg.materialize(
        [build_serving_asset(JsonFolderStore)],
        partition_key=DAY,
        resources=serving_resources(lake, folder_store=store),
        raise_on_error=False,
    )
    evaluations = {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}
    assert evaluations["no_pii_in_folder"].passed is False
    assert "jeanne.martin" not in (evaluations["no_pii_in_folder"].description or "")
