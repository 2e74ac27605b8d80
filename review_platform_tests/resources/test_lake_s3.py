"""The lake on S3: a real HTTP S3 endpoint (moto's server), reached by pyarrow's S3 filesystem.

The fault tests put `S3FaultProxy` (review_platform_tests/s3_fault_proxy.py) between the lake and that real
endpoint: it relays every request to moto, except those it is told to answer with an S3 error, stall or cut off.
"""

import datetime as dt
import json
import logging
import urllib.request

import boto3
import polars as pl
import pytest
from moto.server import ThreadedMotoServer

from review_platform.ops.status import status_report
from review_platform.resources.lake import MANIFEST_NAME, LakeResource, LakeUnavailableError, PartitionRef, Zone
from review_platform_tests.platform_fixture import make_platform
from review_platform_tests.s3_fault_proxy import S3FaultProxy

BUCKET = "review-lake"
DAY = dt.date(2026, 7, 14)
FAULT_REF = PartitionRef(Zone.RAW, "reviews", "2026-07-16")
DATA_FILE = r"/part-[0-9a-f]+\.parquet$"
MANIFEST = r"/_manifest\.json$"
# Short timeouts keep the fault tests quick; production keeps the lake's defaults.
QUICK_CLIENT = {"max_attempts": 3, "connect_timeout": 1, "request_timeout": 1}


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
    # Moto's state is per process, not per server: start every test from an empty S3.
    urllib.request.urlopen(urllib.request.Request(f"http://{endpoint}/moto-api/reset", method="POST")).close()
    client = boto3.client("s3", endpoint_url=f"http://{endpoint}")
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def faulty_s3(s3_endpoint):
    """A fault-injecting proxy in front of the real (moto) S3 endpoint, and a boto3 client that bypasses it."""
    endpoint, client = s3_endpoint
    proxy = S3FaultProxy(endpoint).start()
    yield proxy, client
    proxy.stop()


def lake_url(endpoint: str, **client_settings: float) -> str:
    extra = "".join(f"&{name}={value}" for name, value in client_settings.items())
    return f"s3://{BUCKET}/platform?endpoint_override={endpoint}&scheme=http&region=us-east-1{extra}"


def reviews(*ids: int) -> pl.DataFrame:
    return pl.DataFrame({"review_id": list(ids), "text": [f"review {i}" for i in ids]})


def committed_manifest(client) -> bytes:
    key = f"platform/{FAULT_REF.folder}/{MANIFEST_NAME}"
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def data_objects(client) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=f"platform/{FAULT_REF.folder}/")
    return sorted(item["Key"].rsplit("/", 1)[1] for item in listing["Contents"] if item["Key"].endswith(".parquet"))


def assert_whole(lake: LakeResource, frame: pl.DataFrame) -> None:
    assert lake.read_partition(FAULT_REF, verify=True).equals(frame)
    assert lake.verify_partition(FAULT_REF) == []


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
    assert platform.run([DAY.isoformat()])[0].success

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


@pytest.mark.parametrize(
    ("request_path", "status", "code"),
    [(DATA_FILE, 503, "SlowDown"), (MANIFEST, 500, "InternalError")],
    ids=["data-file-503", "manifest-500"],
)
def test_a_transient_s3_error_is_retried(faulty_s3, request_path, status, code):
    """S3 (real moto, behind a fault-injecting proxy) fails one upload request; the client's retry carries the write."""
    proxy, _ = faulty_s3
    lake = LakeResource(url=lake_url(proxy.endpoint, **QUICK_CLIENT))
    proxy.answer_with_error("PUT", request_path, times=1, status=status, code=code)
    lake.write_partition(FAULT_REF, reviews(1, 2, 3))
    assert len(proxy.injected) == 1, "the fault fired once"
    assert_whole(lake, reviews(1, 2, 3))


@pytest.mark.parametrize("request_path", [DATA_FILE, MANIFEST], ids=["data-file", "manifest"])
def test_s3_answering_errors_mid_upload_keeps_the_committed_partition(faulty_s3, request_path):
    """S3 (real moto, behind a fault-injecting proxy) answers 500 to every upload of the new version's data file or
    manifest: one clear error after the retries, the committed version intact, and the next run repairs it."""
    proxy, client = faulty_s3
    lake = LakeResource(url=lake_url(proxy.endpoint, **QUICK_CLIENT))
    lake.write_partition(FAULT_REF, reviews(1, 2))
    before = committed_manifest(client)

    proxy.answer_with_error("PUT", request_path, times=None, status=500, code="InternalError")
    with pytest.raises(LakeUnavailableError) as failure:
        lake.write_partition(FAULT_REF, reviews(3, 4, 5))
    message = str(failure.value)
    assert message.startswith("data lake at s3://review-lake/platform unreachable, refusing or timing out after 3")
    assert "InternalError" in message or "INTERNAL_FAILURE" in message
    assert "REVIEW_PLATFORM_LAKE_URL" in message and "nothing was committed" in message
    assert len(proxy.injected) == 3, "each attempt was refused"
    assert committed_manifest(client) == before, "the manifest was not swapped"
    assert_whole(lake, reviews(1, 2))
    assert client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == [], "no upload left half done"

    proxy.lift_faults()
    manifest = lake.write_partition(FAULT_REF, reviews(3, 4, 5))
    assert_whole(lake, reviews(3, 4, 5))
    assert manifest["files"][0]["path"] in data_objects(client)


def test_an_s3_request_that_times_out_is_a_clear_error(faulty_s3):
    """S3 (real moto, behind a fault-injecting proxy) accepts the data file's upload and never answers: each
    attempt times out, then one clear error; the committed partition stays as it was."""
    proxy, client = faulty_s3
    lake = LakeResource(url=lake_url(proxy.endpoint, **{**QUICK_CLIENT, "max_attempts": 2}))
    lake.write_partition(FAULT_REF, reviews(1, 2))
    before = committed_manifest(client)

    proxy.stall("PUT", DATA_FILE, times=None, seconds=120)
    with pytest.raises(LakeUnavailableError, match=r"timing out after 2 attempts .*Timeout") as failure:
        lake.write_partition(FAULT_REF, reviews(3))
    assert "nothing was committed" in str(failure.value)
    assert len(proxy.injected) == 2, "the timed-out request was retried"
    assert committed_manifest(client) == before
    assert_whole(lake, reviews(1, 2))


def test_an_upload_cut_midway_is_retried_then_reported(faulty_s3):
    """The connection to S3 (real moto, behind a fault-injecting proxy) is reset halfway through the data file's
    upload: once is retried and the write succeeds; every time is one clear error and the last version stays."""
    proxy, client = faulty_s3
    lake = LakeResource(url=lake_url(proxy.endpoint, **QUICK_CLIENT))
    proxy.cut_upload("PUT", DATA_FILE, times=1)
    lake.write_partition(FAULT_REF, reviews(1, 2))
    assert len(proxy.injected) == 1
    assert_whole(lake, reviews(1, 2))
    before = committed_manifest(client)

    proxy.cut_upload("PUT", DATA_FILE, times=None)
    with pytest.raises(LakeUnavailableError, match="nothing was committed"):
        lake.write_partition(FAULT_REF, reviews(3))
    assert committed_manifest(client) == before
    assert_whole(lake, reviews(1, 2))


def test_s3_failing_to_delete_replaced_files_still_commits(faulty_s3):
    """S3 (real moto, behind a fault-injecting proxy) refuses the deletes that tidy up after the manifest swap: the
    new version is committed and the write succeeds; the leftover file is for a later sweep."""
    proxy, client = faulty_s3
    lake = LakeResource(url=lake_url(proxy.endpoint, **QUICK_CLIENT))
    first = lake.write_partition(FAULT_REF, reviews(1, 2))
    proxy.answer_with_error("DELETE", DATA_FILE, times=None, status=500, code="InternalError")
    second = lake.write_partition(FAULT_REF, reviews(3))
    assert proxy.injected, "the delete was refused"
    assert_whole(lake, reviews(3))
    assert data_objects(client) == sorted([first["files"][0]["path"], second["files"][0]["path"]])


def test_lake_url_settings_are_checked_and_credentials_stay_out_of_messages():
    with pytest.raises(ValueError, match="unknown lake URL parameter 'retries'"):
        LakeResource(url="s3://bucket/prefix?region=us-east-1&retries=3").read_manifest(FAULT_REF)
    with pytest.raises(ValueError, match="request_timeout must be a positive number"):
        LakeResource(url="s3://bucket/prefix?region=us-east-1&request_timeout=0").read_manifest(FAULT_REF)
    down = "s3://AKIDSECRETID:hunter2secret@review-lake/platform?endpoint_override=127.0.0.1:9&scheme=http"
    with pytest.raises(LakeUnavailableError) as failure:
        LakeResource(url=f"{down}&region=us-east-1&max_attempts=1").read_partition(FAULT_REF)
    message = str(failure.value)
    assert "after 1 attempt (" in message and "s3://review-lake/platform" in message
    assert "hunter2secret" not in message and "AKIDSECRETID" not in message


@pytest.mark.parametrize(
    "variables",
    [
        {"AWS_ENDPOINT_URL": "http://{endpoint}"},
        {"AWS_ENDPOINT_URL_S3": "http://{endpoint}", "AWS_ENDPOINT_URL": "http://nowhere.invalid:1"},
        {"AWS_ENDPOINT_URL_S3": "{endpoint}", "AWS_ALLOW_HTTP": "true"},
    ],
)
def test_the_standard_aws_endpoint_variables_reach_the_lake(s3_endpoint, tmp_path, variables):
    """How MinIO users configure every AWS SDK: no project-specific URL syntax needed (the URL's own
    endpoint_override still wins when given)."""
    from review_platform.resources import build_resources
    from review_platform.settings import load_settings

    endpoint, client = s3_endpoint
    environ = {
        "REVIEW_PLATFORM_HOME": str(tmp_path),
        "REVIEW_PLATFORM_LAKE_URL": f"s3://{BUCKET}/minio?region=us-east-1",
        **{name: value.format(endpoint=endpoint) for name, value in variables.items()},
    }
    lake = build_resources(load_settings(environ)).lake
    lake.write_partition(FAULT_REF, reviews(1, 2))
    assert lake.read_partition(FAULT_REF, verify=True)["review_id"].to_list() == [1, 2]
    assert client.head_object(Bucket=BUCKET, Key=f"minio/{FAULT_REF.folder}/{MANIFEST_NAME}")


def test_a_bare_endpoint_without_allow_http_is_https_and_a_bad_one_is_named(tmp_path):
    from review_platform.resources.lake import s3_filesystem

    filesystem, _ = s3_filesystem(f"s3://{BUCKET}/x?region=us-east-1", "minio.example:9000")
    assert "https" in repr(filesystem.__reduce__()) and "minio.example:9000" in repr(filesystem.__reduce__())
    with pytest.raises(ValueError, match="AWS_ENDPOINT_URL must look like"):
        s3_filesystem(f"s3://{BUCKET}/x?region=us-east-1", "ftp://minio.example")
