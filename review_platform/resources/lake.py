"""The data lake: a local folder by default, `s3://bucket/prefix` in production, one interface for both.

Layout: `<zone>/<dataset>/date=<partition>/part-<id>.parquet` plus `_manifest.json`. The manifest is the commit
point of a partition: data files are written first under fresh names, then the manifest is swapped in
atomically (a rename on a local disk, one PUT on S3), then the files of the manifest it replaced are deleted, as
a best effort: the write is committed by then. A reader that goes through the manifest never sees a half-written
partition, and a crashed write leaves the previous version readable. Two writers of the same partition cannot
break it either: each deletes only what the manifest it replaced listed, never a file another writer may be about
to commit; files left by crashed writers are swept once they are an hour old.

On S3 every request is retried by the AWS SDK's standard strategy (backoff with jitter) and bounded by timeouts; the
lake URL may tune them: `?max_attempts=3&connect_timeout=5&request_timeout=10` (seconds). What still fails after
the retries is one LakeUnavailableError naming the lake and what to do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

import dagster as dg
import polars as pl
import pyarrow.fs as pafs

from review_platform.errors import PlatformError, ServiceUnavailableError, first_line

T = TypeVar("T")

MANIFEST_NAME = "_manifest.json"
# Every zone holds the same dataset, reviews, at a different stage.
REVIEWS_DATASET = "reviews"
ORPHAN_AGE = dt.timedelta(hours=1)
# The erasure register: the pseudonyms of every buyer erased under GDPR, which `anonymised_reviews` filters out.
ERASURE_REGISTER_DATASET = "erased_buyers"
AUDIT_PARTITION = "all"

# Retries and timeouts of the S3 client unless the lake URL says otherwise. Three attempts is the AWS standard
# mode's own default. On Linux the SDK's curl client applies request_timeout as "under 1 byte/s for that many
# seconds" over curl's ~5 s moving window, so a silent endpoint is given up on after about request_timeout + 5 s
# per attempt; 10 s leaves room for a slow but live endpoint.
S3_CLIENT_DEFAULTS: dict[str, float] = {"max_attempts": 3, "connect_timeout": 5.0, "request_timeout": 10.0}
# Query parameters pyarrow's own s3:// URIs accept, passed on as they are.
_PYARROW_S3_OPTIONS: dict[str, type] = {
    "region": str,
    "scheme": str,
    "endpoint_override": str,
    "tls_ca_file_path": str,
    "allow_bucket_creation": bool,
    "allow_bucket_deletion": bool,
    "allow_delayed_open": bool,
}


class Zone(StrEnum):
    LANDING = "landing"  # the extract handed from postgres_reviews to raw_s3, with PII: restricted
    RAW = "raw"  # the extract as it came, with PII: restricted
    PROCESSED = "processed"  # validated and anonymised
    REJECTED = "rejected"  # rows kept out, anonymised, with their reason
    CURATED = "curated"  # categorised, what analysts and applications read
    AUDIT = "audit"  # the erasure log and register (no personal data)


@dataclass(frozen=True)
class PartitionRef:
    zone: Zone
    dataset: str
    partition_key: str

    @property
    def folder(self) -> str:
        return f"{self.zone}/{self.dataset}/date={self.partition_key}"


class LakeError(PlatformError):
    """A lake partition is missing or does not match its manifest."""


def _owner_only(filesystem: pafs.FileSystem, root: str, path: str) -> None:
    """On a local lake, `path` and the folders from `root` down to it readable by their owner only (RAW holds
    personal data; the machine may have other users). Object stores have their own access control."""
    if not isinstance(filesystem, pafs.LocalFileSystem):
        return
    target, top = Path(path), Path(root)
    os.chmod(target, 0o600 if target.is_file() else 0o700)
    for folder in target.parents:
        if folder == top.parent or top not in (folder, *folder.parents):
            break
        os.chmod(folder, 0o700)


class ErasureKeyMismatchError(PlatformError):
    """The erasure register was made with another pseudonymisation key than the one this run has."""


class LakeUnavailableError(ServiceUnavailableError):
    """The lake's storage could not be reached or refused the request; the message says what to check."""


def lake_location(url: str) -> str:
    """The lake URL fit for messages: without credentials or query parameters."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}".rstrip("/")


def s3_filesystem(url: str, endpoint_url: str = "", allow_http: bool = False) -> tuple[pafs.S3FileSystem, str]:
    """The S3 filesystem and root (`bucket/prefix`) that an `s3://` lake URL describes.

    Takes the query parameters pyarrow's s3:// URIs take, plus `max_attempts`, `connect_timeout` and
    `request_timeout` (seconds) for the retry strategy and timeouts, which pyarrow's URIs cannot set.
    `endpoint_url` is the standard `AWS_ENDPOINT_URL(_S3)` of every AWS SDK (MinIO, another S3-compatible store):
    `http://host:9000`, or a bare `host:9000`, plain HTTP only with `allow_http` (`AWS_ALLOW_HTTP`). The URL's own
    `endpoint_override` and `scheme`, when given, win. Credentials come from the SDK's usual chain (environment,
    profile, instance role) unless the URL carries them.
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    options: dict[str, Any] = {}
    for name, value in query.items():
        kind = _PYARROW_S3_OPTIONS.get(name)
        if kind is bool:
            if value.lower() not in ("true", "false", "1", "0"):
                raise ValueError(f"lake URL parameter {name} must be true or false, not {value!r}")
            options[name] = value.lower() in ("true", "1")
        elif kind is not None:
            options[name] = value
        elif name not in S3_CLIENT_DEFAULTS:
            known = ", ".join(sorted([*_PYARROW_S3_OPTIONS, *S3_CLIENT_DEFAULTS]))
            raise ValueError(f"unknown lake URL parameter {name!r}: REVIEW_PLATFORM_LAKE_URL takes {known}")
    attempts, connect_timeout, request_timeout = _s3_client_settings(query)
    if endpoint_url and "endpoint_override" not in options:
        endpoint = urlsplit(endpoint_url if "://" in endpoint_url else f"//{endpoint_url}")
        if endpoint.scheme not in ("", "http", "https") or not endpoint.netloc:
            raise ValueError(f"AWS_ENDPOINT_URL must look like https://host:port, not {endpoint_url!r}")
        options["endpoint_override"] = endpoint.netloc
        options.setdefault("scheme", endpoint.scheme or ("http" if allow_http else "https"))
    bucket = parts.netloc.rpartition("@")[2]
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    # Lets a small file go up as one PutObject rather than a multipart upload's three requests: fewer requests to
    # fail, and a failed one leaves no incomplete multipart upload behind (stored, billed and unseen on S3).
    options.setdefault("allow_delayed_open", True)
    if "region" not in options and "endpoint_override" not in options:
        # As pyarrow's own s3:// URIs do: ask AWS where the bucket lives.
        options["region"] = pafs.resolve_s3_region(bucket)
    filesystem = pafs.S3FileSystem(
        **options,
        retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=attempts),
        connect_timeout=connect_timeout,
        request_timeout=request_timeout,
    )
    return filesystem, f"{bucket}{parts.path}".rstrip("/")


def _s3_client_settings(query: dict[str, str]) -> tuple[int, float, float]:
    """max_attempts, connect_timeout and request_timeout from a lake URL's query, defaults filled in."""
    settings = []
    for name, default in S3_CLIENT_DEFAULTS.items():
        value = query.get(name, str(default))
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if not number > 0 or (name == "max_attempts" and not number.is_integer()):
            raise ValueError(f"lake URL parameter {name} must be a positive number, not {value!r}")
        settings.append(number)
    attempts, connect_timeout, request_timeout = settings
    return int(attempts), connect_timeout, request_timeout


def _reports_outages(consequence: str = "") -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Turn storage and network failures into one clear LakeUnavailableError (a missing file stays itself).

    `consequence` tells the reader what state the failure left behind, e.g. that nothing was committed.
    """

    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def wrapper(self: LakeResource, *args: Any, **kwargs: Any) -> T:
            try:
                return method(self, *args, **kwargs)
            except FileNotFoundError:
                raise
            except OSError as error:
                attempts = ""
                if self.url.startswith("s3://"):
                    # The URL parsed when the filesystem was built, so its settings are valid here.
                    query = dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))
                    count = _s3_client_settings(query)[0]
                    attempts = f" after {count} attempt{'s' if count != 1 else ''}"
                raise LakeUnavailableError(
                    f"data lake at {lake_location(self.url)} unreachable, refusing or timing out{attempts} "
                    f"({first_line(error)}); check REVIEW_PLATFORM_LAKE_URL, the storage credentials and the network, "
                    f"then re-run{consequence}."
                ) from None

        return wrapper

    return decorate


class LakeResource(dg.ConfigurableResource):
    """Parquet partitions with manifests under `url` (a local folder or `s3://bucket/prefix`); on S3,
    `s3_endpoint_url` and `s3_allow_http` are the standard `AWS_ENDPOINT_URL(_S3)` and `AWS_ALLOW_HTTP`."""

    url: str
    s3_endpoint_url: str = ""
    s3_allow_http: bool = False

    def _filesystem(self) -> tuple[pafs.FileSystem, str]:
        if "://" not in self.url:
            filesystem = pafs.LocalFileSystem()
            filesystem.create_dir(self.url, recursive=True)
            return filesystem, self.url.rstrip("/")
        if self.url.startswith("s3://"):
            return s3_filesystem(self.url, self.s3_endpoint_url, self.s3_allow_http)
        filesystem, root = pafs.FileSystem.from_uri(self.url)
        return filesystem, root.rstrip("/")

    @_reports_outages(": nothing was committed for this partition, its previous version stays readable")
    def write_partition(
        self, ref: PartitionRef, frame: pl.DataFrame, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Replace the partition with `frame` and return its new manifest."""
        filesystem, root = self._filesystem()
        folder = f"{root}/{ref.folder}"
        filesystem.create_dir(folder, recursive=True)
        _owner_only(filesystem, root, folder)
        replaced = self.read_manifest(ref)
        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="zstd", statistics=True)
        payload = buffer.getvalue()
        file_name = f"part-{uuid.uuid4().hex}.parquet"
        with filesystem.open_output_stream(f"{folder}/{file_name}") as out:
            out.write(payload)
        _owner_only(filesystem, root, f"{folder}/{file_name}")
        manifest = {
            "dataset": ref.dataset,
            "zone": str(ref.zone),
            "partition": ref.partition_key,
            "row_count": frame.height,
            "files": [
                {
                    "path": file_name,
                    "bytes": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                    "rows": frame.height,
                }
            ],
            "columns": {name: str(dtype) for name, dtype in frame.schema.items()},
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **(extra or {}),
        }
        self._commit_manifest(filesystem, folder, json.dumps(manifest, indent=2).encode())
        # Committed: what follows only tidies up, and what it leaves behind is swept by a later write.
        superseded = {entry["path"] for entry in (replaced or {}).get("files", [])} - {file_name}
        try:
            for name in superseded:
                # A concurrent writer of the same partition may have deleted it first.
                with contextlib.suppress(FileNotFoundError):
                    filesystem.delete_file(f"{folder}/{name}")
            self._sweep_orphans(filesystem, folder, keep={file_name, MANIFEST_NAME})
        except OSError as error:
            dg.get_dagster_logger().warning(
                f"{ref.folder} committed, but removing the files it replaced failed ({str(error)[:200]}); "
                "a later write of the partition sweeps them."
            )
        return manifest

    @staticmethod
    def _commit_manifest(filesystem: pafs.FileSystem, folder: str, payload: bytes) -> None:
        """Swap in the partition's new manifest whole: readers see the previous one or this one, nothing between."""
        if isinstance(filesystem, pafs.S3FileSystem):
            # An object store PUT is atomic; pyarrow's move would be a copy then a delete, and a failing delete
            # would report an error for a partition that was in fact committed.
            with filesystem.open_output_stream(f"{folder}/{MANIFEST_NAME}") as out:
                out.write(payload)
            return
        staged_manifest = f"{folder}/{MANIFEST_NAME}.{uuid.uuid4().hex}.tmp"
        with filesystem.open_output_stream(staged_manifest) as out:
            out.write(payload)
        _owner_only(filesystem, folder, staged_manifest)  # kept by the rename
        filesystem.move(staged_manifest, f"{folder}/{MANIFEST_NAME}")

    @staticmethod
    def _sweep_orphans(filesystem: pafs.FileSystem, folder: str, keep: set[str]) -> None:
        """Delete files no manifest will ever list: left by writers that crashed more than an hour ago."""
        cutoff = dt.datetime.now(dt.UTC) - ORPHAN_AGE
        for info in filesystem.get_file_info(pafs.FileSelector(folder)):
            if info.type != pafs.FileType.File or info.base_name in keep or info.mtime is None:
                continue
            modified = info.mtime if info.mtime.tzinfo else info.mtime.replace(tzinfo=dt.UTC)
            if modified < cutoff:
                filesystem.delete_file(info.path)

    @_reports_outages()
    def read_manifest(self, ref: PartitionRef) -> dict[str, Any] | None:
        filesystem, root = self._filesystem()
        path = f"{root}/{ref.folder}/{MANIFEST_NAME}"
        if filesystem.get_file_info(path).type != pafs.FileType.File:
            return None
        with filesystem.open_input_stream(path) as stream:
            return json.loads(stream.read())

    @_reports_outages()
    def read_partition(self, ref: PartitionRef, verify: bool = False) -> pl.DataFrame:
        """The partition's rows as its manifest lists them; `verify` also checks sizes and checksums."""
        manifest = self.read_manifest(ref)
        if manifest is None:
            raise LakeError(
                f"lake partition {ref.folder} has no manifest: materialise the upstream asset for "
                f"{ref.partition_key} first"
            )
        filesystem, root = self._filesystem()
        frames = []
        for entry in manifest["files"]:
            path = f"{root}/{ref.folder}/{entry['path']}"
            try:
                with filesystem.open_input_stream(path) as stream:
                    payload = stream.read()
            except FileNotFoundError:
                raise LakeError(f"{ref.folder}/{entry['path']} is listed in the manifest but missing") from None
            if verify and hashlib.sha256(payload).hexdigest() != entry["sha256"]:
                raise LakeError(f"{ref.folder}/{entry['path']} does not match its manifest checksum")
            frames.append(pl.read_parquet(io.BytesIO(payload)))
        return pl.concat(frames) if frames else pl.DataFrame()

    @_reports_outages()
    def verify_partition(self, ref: PartitionRef, min_bytes: int = 100) -> list[str]:
        """Everything wrong with a partition against its manifest; empty when it is sound.

        Looks for a missing manifest or object, a size or checksum that differs from the manifest, a file with
        rows but under `min_bytes` (a truncated upload: any real Parquet file with data is larger), unreadable
        Parquet, and a row count that differs.
        """
        manifest = self.read_manifest(ref)
        if manifest is None:
            return [f"{ref.folder}: no manifest"]
        filesystem, root = self._filesystem()
        problems = []
        rows = 0
        for entry in manifest["files"]:
            name = f"{ref.folder}/{entry['path']}"
            try:
                with filesystem.open_input_stream(f"{root}/{name}") as stream:
                    payload = stream.read()
            except FileNotFoundError:
                problems.append(f"{name}: listed in the manifest but missing")
                continue
            if len(payload) != entry["bytes"] or hashlib.sha256(payload).hexdigest() != entry["sha256"]:
                problems.append(f"{name}: {len(payload)} bytes that do not match the manifest's size or checksum")
            if entry["rows"] and len(payload) < min_bytes:
                problems.append(f"{name}: {len(payload)} bytes is suspiciously small for {entry['rows']} rows")
            try:
                rows += pl.read_parquet(io.BytesIO(payload)).height
            except Exception as error:  # any decoding failure means the same thing: unreadable
                problems.append(f"{name}: unreadable Parquet ({type(error).__name__})")
        if not problems and rows != manifest["row_count"]:
            problems.append(f"{ref.folder}: {rows} rows where the manifest says {manifest['row_count']}")
        return problems

    @_reports_outages()
    def delete_partition(self, ref: PartitionRef) -> int:
        """Remove a partition whole (manifest first, so it is never seen half-deleted); returns its row count."""
        manifest = self.read_manifest(ref)
        if manifest is None:
            return 0
        filesystem, root = self._filesystem()
        folder = f"{root}/{ref.folder}"
        filesystem.delete_file(f"{folder}/{MANIFEST_NAME}")
        filesystem.delete_dir(folder)
        return manifest["row_count"]

    @_reports_outages()
    def probe(self) -> None:
        """Write, read back and delete a small object: raises when the lake cannot be used."""
        filesystem, root = self._filesystem()
        path = f"{root}/_probe/{uuid.uuid4().hex}"
        filesystem.create_dir(f"{root}/_probe", recursive=True)
        with filesystem.open_output_stream(path) as out:
            out.write(b"probe")
        with filesystem.open_input_stream(path) as stream:
            if stream.read() != b"probe":
                raise LakeError("the lake returned something other than what was written")
        filesystem.delete_file(path)

    def erased_pseudonyms(self, key_fingerprint: str) -> set[str]:
        """Pseudonyms of every buyer erased so far (the erasure register), made with the key `key_fingerprint`
        names; a register made with another key is refused: its pseudonyms would match nobody, and every erased
        buyer would come back."""
        ref = PartitionRef(Zone.AUDIT, ERASURE_REGISTER_DATASET, AUDIT_PARTITION)
        manifest = self.read_manifest(ref)
        if manifest is None:
            return set()
        recorded = manifest.get("key_fingerprint")
        if recorded is not None and recorded != key_fingerprint:
            raise ErasureKeyMismatchError(
                f"the erasure register was written with another pseudonymisation key (fingerprint {recorded}, this "
                f"run's {key_fingerprint}): with it, erased buyers would come back. Restore the key the register "
                "was written with (REVIEW_PLATFORM_PSEUDONYM_KEY); nothing was written for this partition."
            )
        return set(self.read_partition(ref)["buyer_hash"].to_list())

    def register_erasure(self, buyer_hash: str, key_fingerprint: str) -> bool:
        """Add a pseudonym to the erasure register, with the fingerprint of the key that made it; False when it
        was there already."""
        known = self.erased_pseudonyms(key_fingerprint)
        if buyer_hash in known:
            return False
        ref = PartitionRef(Zone.AUDIT, ERASURE_REGISTER_DATASET, AUDIT_PARTITION)
        register = pl.DataFrame({"buyer_hash": sorted({*known, buyer_hash})})
        self.write_partition(ref, register, extra={"key_fingerprint": key_fingerprint})
        return True

    def row_counts(self, zone: Zone, dataset: str, partition_keys: list[str]) -> list[int]:
        """Manifest row counts of those of `partition_keys` that exist."""
        manifests = (self.read_manifest(PartitionRef(zone, dataset, key)) for key in partition_keys)
        return [manifest["row_count"] for manifest in manifests if manifest is not None]

    @_reports_outages()
    def list_partitions(self, zone: Zone, dataset: str) -> list[str]:
        filesystem, root = self._filesystem()
        folder = f"{root}/{zone}/{dataset}"
        if filesystem.get_file_info(folder).type != pafs.FileType.Directory:
            return []
        names = [info.base_name for info in filesystem.get_file_info(pafs.FileSelector(folder))]
        return sorted(name.removeprefix("date=") for name in names if name.startswith("date="))
