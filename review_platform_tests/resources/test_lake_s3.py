"""The lake on S3: a real HTTP S3 endpoint (moto's server), reached by pyarrow's S3 filesystem."""

import datetime as dt
import json
import logging

import boto3
import polars as pl
import pytest
from moto.server import ThreadedMotoServer

from review_platform.pipeline import run_partitions, status_report
from review_platform.resources.lake import LakeResource, LakeUnavailableError, PartitionRef, Zone
from review_platform_tests.platform_fixture import make_platform

BUCKET = "review-lake"
DAY = dt.date(2026, 7, 14)


@pytest.fixture
def s3_endpoint(monkeypatch):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    endpoint = f"{host}:{port}"
    client = boto3.client("s3", endpoint_url=f"http://{endpoint}")
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


def lake_url(endpoint: str) -> str:
    return f"s3://{BUCKET}/platform?endpoint_override={endpoint}&scheme=http&region=us-east-1"


def test_partition_replace_on_s3_keeps_one_data_object(s3_endpoint):
    endpoint, client = s3_endpoint
    lake = LakeResource(url=lake_url(endpoint))
    ref = PartitionRef(Zone.RAW, "reviews", "2026-07-14")
    lake.write_partition(ref, pl.DataFrame({"review_id": [1, 2]}))
    lake.write_partition(ref, pl.DataFrame({"review_id": [3]}))
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix="platform/raw/")["Contents"]]
    data_objects = [key for key in keys if key.endswith(".parquet")]
    assert len(data_objects) == 1
    assert lake.read_partition(ref, verify=True)["review_id"].to_list() == [3]
    assert lake.verify_partition(ref) == []
    lake.probe()


def test_whole_graph_with_the_lake_on_s3(s3_endpoint, tmp_path, monkeypatch):
    endpoint, client = s3_endpoint
    platform = make_platform(monkeypatch, tmp_path, REVIEW_PLATFORM_LAKE_URL=lake_url(endpoint))
    platform.seed(DAY, 80)
    assert run_partitions(platform.instance, [DAY.isoformat()])[0].success

    keys = {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix="platform/")["Contents"]}
    for zone in ("raw", "processed", "rejected", "curated"):
        manifest_key = f"platform/{zone}/reviews/date={DAY}/_manifest.json"
        assert manifest_key in keys
        manifest = json.loads(client.get_object(Bucket=BUCKET, Key=manifest_key)["Body"].read())
        assert f"platform/{zone}/reviews/date={DAY}/{manifest['files'][0]['path']}" in keys
    entry = status_report(platform.resources)[0]
    assert entry["problems"] == [] and entry["raw"] == 80
    assert not (tmp_path / "lake").exists(), "nothing went to the local folder"


def test_an_unreachable_s3_endpoint_is_a_clear_error_and_commits_nothing(s3_endpoint):
    endpoint, _ = s3_endpoint
    url = lake_url(endpoint)
    lake = LakeResource(url=url)
    ref = PartitionRef(Zone.RAW, "reviews", "2026-07-15")
    lake.write_partition(ref, pl.DataFrame({"review_id": [1]}))
    # The same lake behind an endpoint that cannot be reached (a closed port: the service is down).
    unreachable = LakeResource(url=url.replace(endpoint, "127.0.0.1:9"))
    with pytest.raises(LakeUnavailableError, match=r"data lake at s3://review-lake/platform unreachable"):
        unreachable.write_partition(ref, pl.DataFrame({"review_id": [2]}))
    with pytest.raises(LakeUnavailableError, match="REVIEW_PLATFORM_LAKE_URL"):
        unreachable.read_partition(ref)
    assert lake.read_partition(ref)["review_id"].to_list() == [1], "the committed partition is untouched"
