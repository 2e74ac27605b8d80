"""The serving store for applications: MongoDB via pymongo, or the on-disk litemongo engine by default.

`url` is either `mongodb://...` (a real server) or `litemongo:///path/to/folder` (embedded, same pymongo API).

Work goes through `MongoResource.session()`: one connection for everything an asset does, because the embedded
engine rebuilds its query indexes on every connect (seconds at 100k documents). The one-shot methods of the
resource (for the CLI, erasure and doctor) open a session per call and share its implementation.

What differs between the two backends stays in here, so asset code never branches on which one it has:
- validators: a real server gets `$jsonSchema` validators derived from the data contract (`validationAction:
  error`); litemongo refuses collection options (`create_collection(validator=...)` raises NotImplementedError) and
  would not enforce them anyway, so they are skipped there and `validators_enforced` says so;
- partition replacement: one transaction where the server has them (replica set or mongos); elsewhere delete then
  insert, and a failed insert removes what it wrote, so a partition is never half-written nor a mix of two runs.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar
from urllib.parse import unquote

import dagster as dg
import polars as pl
import pymongo
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import (
    BulkWriteError,
    CollectionInvalid,
    ConfigurationError,
    ConnectionFailure,
    OperationFailure,
    PyMongoError,
)

from review_platform.contract.mongo import SERVED_SCHEMAS, validator_options
from review_platform.errors import PlatformError, ServiceUnavailableError, first_line
from review_platform.quality.checks import indexes_present
from review_platform.resources.serving import SERVED_TEXT_SCHEMA, Publication, ServingAssetInfo

# (collection, keys, unique): the look-ups front-ends make, and the upsert key of each collection.
REQUIRED_INDEXES: tuple[tuple[str, tuple[tuple[str, int], ...], bool], ...] = (
    ("reviews", (("review_id", 1),), True),
    ("reviews", (("partition_date", 1),), False),
    ("reviews", (("p_id", 1), ("created_at", -1)), False),
    ("reviews", (("topic", 1), ("sentiment", 1)), False),
    # Not unique: a source that repeats a review id has each copy rejected, and every rejection is kept.
    ("rejected_reviews", (("review_id", 1),), False),
    ("rejected_reviews", (("partition_date", 1), ("reason", 1)), False),
    ("pipeline_runs", (("run_id", 1), ("partition_date", 1)), True),
)

# The collections that hold reviews (and so a buyer's pseudonym); pipeline_runs holds neither.
REVIEW_COLLECTIONS = ("reviews", "rejected_reviews")
EMBEDDED_SCHEME = "litemongo://"
SERVER_SELECTION_TIMEOUT_MS = 10_000  # the default when the URL does not set serverSelectionTimeoutMS
AUTHENTICATION_FAILED = 18  # the server's error code for wrong credentials: a connection problem, not a bug

# pymongo's advice: one client per MongoDB deployment and process, reused; it holds the connection pool. A few are
# kept, least recently used closed first. The embedded engine is not shared this way (see `MongoResource.connect`).
SHARED_CLIENTS_KEPT = 4
_shared_clients: OrderedDict[tuple[int, str], Any] = OrderedDict()
_shared_clients_lock = threading.Lock()


def _shared_client(key: tuple[int, str], open_client: Callable[[], Any]) -> Any:
    """The open client for `key` (process, URL), opened on first use."""
    with _shared_clients_lock:
        client = _shared_clients.pop(key, None) or open_client()
        _shared_clients[key] = client
        while len(_shared_clients) > SHARED_CLIENTS_KEPT:
            _, oldest = _shared_clients.popitem(last=False)
            oldest.close()
        return client


@atexit.register
def close_shared_clients() -> None:
    """Close every shared client (at exit; or before deleting a store, so nothing holds its files)."""
    with _shared_clients_lock:
        while _shared_clients:
            _shared_clients.popitem()[1].close()


class MongoUnavailableError(ServiceUnavailableError):
    """MongoDB could not be reached or refused the connection; the message says what to check."""


class MongoWriteError(PlatformError):
    """A write was refused or broke (a partition replacement, a validator update); the message says what state
    the data was left in and what to do."""


def index_name(keys: Sequence[tuple[str, int]]) -> str:
    return "_".join(f"{field}_{direction}" for field, direction in keys)


def supports_transactions(hello: Mapping[str, Any]) -> bool:
    """Multi-document transactions need a replica set member or a mongos router, and sessions."""
    topology_allows = "setName" in hello or hello.get("msg") == "isdbgrid"
    return topology_allows and "logicalSessionTimeoutMinutes" in hello


def _has_options(current: Mapping[str, Any] | None, collection: str) -> bool:
    """Whether a collection's options (from listCollections) already carry the contract's validator."""
    current = current or {}
    return all(current.get(name) == value for name, value in validator_options(collection).items())


def _hosts(url: str) -> str:
    """The host list of a MongoDB URL, without the credentials or options it may carry."""
    authority = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    return authority.rsplit("@", 1)[-1]


def _summary(error: Exception, limit: int = 300) -> str:
    """One line about a failure, never the documents a bulk error carries nor a topology dump."""
    if isinstance(error, BulkWriteError):
        refused = error.details.get("writeErrors", [])
        first = refused[0].get("errmsg", "") if refused else ""
        text = f"{len(refused)} document(s) refused, first: {first}"
    else:
        text = str(error).split(", Timeout:", 1)[0]  # pymongo appends its whole topology description
    return f"{type(error).__name__}: {first_line(text, limit, '')}"[:limit]


class MongoSession:
    """Everything the platform does to the serving store, on one open connection (not a pymongo ClientSession).

    Obtain one from `MongoResource.session()`; it is only valid inside that `with` block.
    """

    def __init__(self, db: Database, *, server: bool, where: str) -> None:
        self.db = db
        self.where = where
        # litemongo answers neither `hello` nor transactions; a server says which it is in its handshake reply.
        self.hello: dict[str, Any] = self._hello() if server else {}
        self.validators_enforced = server
        self.transactional = supports_transactions(self.hello)

    def _hello(self) -> dict[str, Any]:
        try:
            return self.db.command("hello")
        except OperationFailure:  # servers older than 4.4.2 only know the legacy name
            return self.db.command("isMaster")

    def guarantees(self) -> dict[str, str]:
        """What this backend guarantees, in words, for asset metadata (and any report that wants them)."""
        return {
            "mongo_validators": "enforced ($jsonSchema, validationAction=error)"
            if self.validators_enforced
            else "skipped: the embedded engine does not support validators",
            "mongo_partition_replace": "one transaction"
            if self.transactional
            else "delete then insert; a failed insert removes what it wrote",
        }

    def ensure_collections(self) -> list[str]:
        """Validators (where enforced) then indexes; validators first, since an index creates its collection."""
        self.ensure_validators()
        return self.ensure_indexes()

    def ensure_validators(self) -> list[str]:
        """Create or update the `$jsonSchema` validators; returns the collections changed. A no-op when embedded."""
        if not self.validators_enforced:
            return []
        changed = []
        for collection in SERVED_SCHEMAS:
            options = validator_options(collection)
            current = self._collection_options(collection)
            if current is None:
                try:
                    self.db.create_collection(collection, **options)
                    changed.append(collection)
                    continue
                except CollectionInvalid:  # another writer created it meanwhile: fall through to collMod
                    current = self._collection_options(collection) or {}
            # collMod takes an exclusive collection lock: only issue it when the validator actually differs.
            if not _has_options(current, collection):
                try:
                    self.db.command("collMod", collection, **options)
                except OperationFailure as error:
                    raise MongoWriteError(
                        f"MongoDB at {self.where} refused to set the validator of {collection} ({_summary(error)}); "
                        "the platform's Mongo user needs the collMod privilege (role dbAdmin) on its database."
                    ) from None
                changed.append(collection)
        return changed

    def _collection_options(self, collection: str) -> dict[str, Any] | None:
        found = list(self.db.list_collections(filter={"name": collection}))
        return found[0].get("options", {}) if found else None

    def missing_validators(self) -> list[str]:
        """Collections whose validator is absent or differs from the contract's (always none when embedded)."""
        if not self.validators_enforced:
            return []
        return [name for name in SERVED_SCHEMAS if not _has_options(self._collection_options(name), name)]

    def ensure_indexes(self) -> list[str]:
        for collection, keys, unique in REQUIRED_INDEXES:
            name = index_name(keys)
            existing = self.db[collection].index_information().get(name)
            if existing is not None and bool(existing.get("unique")) != unique:
                self.db[collection].drop_index(name)  # an index from an earlier release, with other options
            self.db[collection].create_index(list(keys), unique=unique, name=name)
        return [index_name(keys) for _, keys, _ in REQUIRED_INDEXES]

    def missing_indexes(self) -> list[str]:
        present = {name: set(self.db[name].index_information()) for name in {c for c, _, _ in REQUIRED_INDEXES}}
        return [
            f"{collection}.{index_name(keys)}"
            for collection, keys, _ in REQUIRED_INDEXES
            if index_name(keys) not in present[collection]
        ]

    def replace_partition(self, collection: str, partition_date: str, documents: list[dict[str, Any]]) -> int:
        """Make the partition's documents exactly `documents`: drop the partition, then one bulk insert.

        Cheaper than per-document upserts on any engine (one delete by an indexed key, one batch of inserts).
        Where the server has transactions both happen in one, so readers never see the partition empty and a
        failure leaves the previous documents. Elsewhere a failure removes what this attempt wrote (everything
        under the partition key, since the old documents were already deleted): the partition is left empty,
        never half-written, and MongoWriteError says to re-run the asset (its retry policy does so first).
        A transaction must commit within the server's transactionLifetimeLimitSeconds (60 s by default).
        """
        strays = sum(1 for document in documents if document.get("partition_date") != partition_date)
        if strays:  # the clean-up below finds this attempt's documents by their partition key
            raise ValueError(f"{strays} document(s) for {collection} partition {partition_date} carry another date")
        target = self.db[collection]
        if self.transactional:
            try:
                with self.db.client.start_session() as session:
                    session.with_transaction(
                        lambda session: self._delete_then_insert(target, partition_date, documents, session)
                    )
            except Exception as error:
                unknown = isinstance(error, PyMongoError) and error.has_error_label("UnknownTransactionCommitResult")
                state = (
                    "the commit's outcome is unknown, the partition holds either its previous or its new documents"
                    if unknown
                    else "the transaction was rolled back, the previous documents stay"
                )
                raise self._write_error(collection, partition_date, error, state) from None
            return len(documents)
        try:
            self._delete_then_insert(target, partition_date, documents, None)
        except Exception as error:
            try:
                target.delete_many({"partition_date": partition_date})
                state = "what this attempt wrote was removed, the partition is empty until it is re-run"
            except Exception:
                state = "what this attempt wrote could not be removed either, the partition may be incomplete"
            raise self._write_error(collection, partition_date, error, state) from None
        return len(documents)

    @staticmethod
    def _delete_then_insert(
        target: Collection, partition_date: str, documents: list[dict[str, Any]], session: ClientSession | None
    ) -> None:
        target.delete_many({"partition_date": partition_date}, session=session)
        if documents:
            target.insert_many(documents, ordered=False, session=session)

    def _write_error(self, collection: str, partition_date: str, error: Exception, state: str) -> MongoWriteError:
        return MongoWriteError(
            f"MongoDB write to {collection} for partition {partition_date} failed at {self.where} "
            f"({_summary(error)}); {state}. Re-run the mongo_collections asset for {partition_date}."
        )

    def record_run(self, document: dict[str, Any]) -> None:
        self.db.pipeline_runs.replace_one(
            {"run_id": document["run_id"], "partition_date": document["partition_date"]}, document, upsert=True
        )

    def delete_buyer(self, collection: str, buyer_hash: str) -> int:
        return self.db[collection].delete_many({"buyer_hash": buyer_hash}).deleted_count

    def partition_texts(self, partition_date: str) -> pl.DataFrame:
        """review_id, title and text of a partition's reviews and rejected reviews, as served."""
        rows = []
        for collection in REVIEW_COLLECTIONS:
            rows += self.db[collection].find(
                {"partition_date": partition_date}, {"_id": 0, "review_id": 1, "title": 1, "text": 1}
            )
        return pl.DataFrame(rows, schema=SERVED_TEXT_SCHEMA)

    def publish_partition(self, partition: str, curated: pl.DataFrame, rejected: pl.DataFrame) -> Publication:
        """Collections and indexes ensured, both collections' partition replaced, then read back, all on this one
        connection. The run journal is written once the run has ended (`defs/journal.py`)."""
        self.ensure_collections()
        self.replace_partition("reviews", partition, _documents(curated))
        self.replace_partition("rejected_reviews", partition, _documents(rejected))
        return Publication(
            reviews_served=self.count_partition("reviews", partition),
            served_texts=self.partition_texts(partition),
            health={"mongo_indexes_present": indexes_present(self.missing_indexes())},
            metadata=self.guarantees(),
        )

    def count_partition(self, collection: str, partition_date: str) -> int:
        """One partition's documents, through the partition_date index (no sweep of the collection)."""
        return self.db[collection].count_documents({"partition_date": partition_date})

    def count_by_partition(self, collection: str = "reviews") -> dict[str, int]:
        rows = self.db[collection].aggregate([{"$group": {"_id": "$partition_date", "n": {"$sum": 1}}}])
        return {row["_id"]: row["n"] for row in rows}


def _documents(frame: pl.DataFrame) -> list[dict[str, Any]]:
    # BSON has no date-only type: the partition date travels as its ISO string, which is also the filter key.
    return frame.with_columns(pl.col("partition_date").cast(pl.String)).to_dicts()


class MongoResource(dg.ConfigurableResource):
    """Collections `reviews`, `rejected_reviews` and `pipeline_runs`; a `ServingStore` (resources/serving.py)."""

    store_name: ClassVar[str] = "mongo"
    resource_key: ClassVar[str] = "mongo"
    health_checks: ClassVar[tuple[str, ...]] = ("mongo_indexes_present",)
    what_to_check: ClassVar[str] = "Check REVIEW_PLATFORM_MONGO_URL; re-run mongo_collections to rebuild indexes."
    serving_asset: ClassVar[ServingAssetInfo] = ServingAssetInfo(
        asset_name="mongo_collections",
        description="Collections for applications and front-ends: `reviews` (categorised), `rejected_reviews` "
        "(with the reason) and `pipeline_runs` (what each run did to each partition), indexed for fast look-ups.",
        kinds=frozenset({"mongodb"}),
        owners=("team:data-engineering", "team:applications"),
        metadata={"collections": "reviews, rejected_reviews, pipeline_runs"},
    )

    url: str
    database: str = "review_platform"

    @property
    def embedded(self) -> bool:
        return self.url.startswith(EMBEDDED_SCHEME)

    def describe(self) -> str:
        """Where the collections live, for messages and reports (a server's hosts, never its credentials)."""
        if self.embedded:
            return f"the embedded store {self.url.removeprefix(EMBEDDED_SCHEME)}"
        return f"{_hosts(self.url)} (database {self.database})"

    def _open_client(self) -> Any:
        if self.embedded:
            import litemongo  # the embedded engine; a real deployment never imports it

            return litemongo.connect(self.url.removeprefix(EMBEDDED_SCHEME))
        # A timeout written in the URL wins: pymongo lets a keyword argument override the URL's option.
        if "serverselectiontimeoutms=" in self.url.lower():
            return pymongo.MongoClient(self.url)
        return pymongo.MongoClient(self.url, serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS)

    def _unavailable(self, error: Exception) -> MongoUnavailableError:
        summary = _summary(error)
        credentials = self.url.split("://", 1)[-1].split("/", 1)[0].rpartition("@")[0]
        for secret in {credentials, unquote(credentials)} - {""}:  # a driver message never gets to echo them
            summary = summary.replace(secret, "***")
        return MongoUnavailableError(
            f"MongoDB at {self.describe()} unreachable or refusing the connection ({summary}); check "
            "REVIEW_PLATFORM_MONGO_URL (hosts, credentials, TLS, replica set) and that the server is up and "
            "reachable from here, then re-run mongo_collections."
        )

    @contextmanager
    def connect(self) -> Iterator[Database]:
        """The raw pymongo Database, for tools and tests; platform code uses `session()`.

        A server's client is the process's shared one for its URL (`_shared_client`): leaving the block does not
        close it. The embedded engine is opened for the block and closed after it: kept open, its in-memory query
        indexes would hold every stored document's keys (measured: RSS +129 MiB per 20k-review partition, for
        ~7 s saved over five partitions), whereas reopened it rebuilds them, about 1 s per 20k stored documents."""
        try:
            client = (
                self._open_client() if self.embedded else _shared_client((os.getpid(), self.url), self._open_client)
            )
        except ConfigurationError as error:  # a malformed URL or an unresolvable mongodb+srv name
            raise self._unavailable(error) from None
        try:
            yield client[self.database]
        except ConnectionFailure as error:
            raise self._unavailable(error) from None
        except OperationFailure as error:
            if error.code == AUTHENTICATION_FAILED:
                raise self._unavailable(error) from None
            raise
        finally:
            if self.embedded:
                client.close()

    @contextmanager
    def session(self) -> Iterator[MongoSession]:
        """One connection for a whole unit of work; MongoUnavailableError if the server cannot be reached."""
        with self.connect() as db:
            yield MongoSession(db, server=not self.embedded, where=self.describe())

    # The ServingStore interface, one session per call.
    def probe(self) -> tuple[bool, str]:
        with self.session() as store:  # one connection: the embedded engine re-indexes on each
            missing = store.missing_indexes() + store.missing_validators()
            validators = store.guarantees()["mongo_validators"]
        if missing:
            return False, f"reachable, but indexes or validators are missing: {', '.join(missing)}"
        return True, f"reachable, all required indexes present; validators {validators}"

    def publish_partition(self, partition: str, curated: pl.DataFrame, rejected: pl.DataFrame) -> Publication:
        # One connection for the whole publication: the embedded engine rebuilds its query indexes on every connect.
        with self.session() as store:
            return store.publish_partition(partition, curated, rejected)

    def served_texts(self, partition: str) -> pl.DataFrame:
        return self.partition_texts(partition)

    def erase_buyer(self, buyer_hash: str) -> dict[str, int]:
        with self.session() as store:
            return {name: store.delete_buyer(name, buyer_hash) for name in REVIEW_COLLECTIONS}

    # One-shot calls for tools and tests: each opens its own session.
    def ensure_collections(self) -> list[str]:
        with self.session() as mongo:
            return mongo.ensure_collections()

    def ensure_indexes(self) -> list[str]:
        with self.session() as mongo:
            return mongo.ensure_indexes()

    def missing_indexes(self) -> list[str]:
        with self.session() as mongo:
            return mongo.missing_indexes()

    def replace_partition(self, collection: str, partition_date: str, documents: list[dict[str, Any]]) -> int:
        with self.session() as mongo:
            return mongo.replace_partition(collection, partition_date, documents)

    def record_run(self, document: dict[str, Any]) -> None:
        with self.session() as mongo:
            mongo.record_run(document)

    def delete_buyer(self, collection: str, buyer_hash: str) -> int:
        with self.session() as mongo:
            return mongo.delete_buyer(collection, buyer_hash)

    def partition_texts(self, partition_date: str) -> pl.DataFrame:
        with self.session() as mongo:
            return mongo.partition_texts(partition_date)

    def count_partition(self, collection: str, partition_date: str) -> int:
        with self.session() as mongo:
            return mongo.count_partition(collection, partition_date)

    def count_by_partition(self, collection: str = "reviews") -> dict[str, int]:
        with self.session() as mongo:
            return mongo.count_by_partition(collection)
