"""How the embedded Mongo engine's cost grows with the documents it already holds: one day of `reviews` documents
after another, through `MongoResource.replace_partition` on a fresh litemongo store, as the serving asset does.

    .venv/bin/python scripts/bench_embedded_mongo.py [--days 10] [--reviews-per-day 20000]

Prints, per day: documents stored before it, seconds of the replace (one session: open, delete, bulk insert),
seconds of a count in a new session, and the peak RSS during the day. litemongo rebuilds an in-memory index of
every stored document (seven indexed paths) each time a session opens, so both grow with the stored documents; a
MongoDB server keeps its indexes in its own process, on disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import polars as pl

from review_platform.contract import CATEGORISED_SCHEMA, conform
from review_platform.memory import rss_mib
from review_platform.ops.bench import PeakRssSampler
from review_platform.resources.mongo import MongoResource

TOPICS = ["delivery", "quality", "price", "customer_service", "usability", "other"]
SENTIMENTS = ["negative", "neutral", "positive"]
WORDS = ["great", "late", "broken", "parcel", "works", "fine", "battery", "screen", "refund", "support"]


def reviews_documents(day: dt.date, count: int, first_id: int) -> list[dict]:
    """`count` documents shaped as the serving asset writes them (CURATED contract, date as ISO string)."""
    rng = random.Random(day.toordinal())
    created = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "review_id": range(first_id, first_id + count),
            "buyer_hash": [f"{rng.getrandbits(128):032x}" for _ in range(count)],
            "p_id": [rng.randint(1, 500) for _ in range(count)],
            "product_name": "Kettle",
            "product_price": 29.9,
            "category_id": 3,
            "category_name": "Kitchen",
            "title": [" ".join(rng.choices(WORDS, k=3)) for _ in range(count)],
            "text": [" ".join(rng.choices(WORDS, k=rng.randint(5, 30))) for _ in range(count)],
            "rating": [rng.randint(1, 5) for _ in range(count)],
            "created_at": [created + dt.timedelta(seconds=rng.randrange(86_400)) for _ in range(count)],
            "verified_buyer": True,
            "image_count": 0,
            "pii_redactions": 0,
            "partition_date": day,
            "topic": [rng.choice(TOPICS) for _ in range(count)],
            "topic_score": 0.8,
            "secondary_topics": [[rng.choice(TOPICS)] for _ in range(count)],
            "sentiment": [rng.choice(SENTIMENTS) for _ in range(count)],
            "sentiment_score": 0.9,
            "rating_mismatch": False,
            "language": "en",
            "relevance_score": 0.5,
            "nlp_error": None,
            "model_name": "all-MiniLM-L6-v2",
            "model_version": "bench",
        }
    )
    return conform(frame, CATEGORISED_SCHEMA).with_columns(pl.col("partition_date").cast(pl.String)).to_dicts()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--reviews-per-day", type=int, default=20_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-embedded-mongo-") as folder, PeakRssSampler() as peaks:
        mongo = MongoResource(url=f"litemongo://{Path(folder) / 'mongo'}")
        mongo.ensure_indexes()
        print(f"{'day':<12}{'stored before':>14}{'replace s':>11}{'count s':>9}{'peak RSS MiB':>14}")
        for offset in range(args.days):
            day = dt.date(2026, 10, 1) + dt.timedelta(days=offset)
            documents = reviews_documents(day, args.reviews_per_day, offset * args.reviews_per_day)
            peaks.take(rss_mib())
            started = time.perf_counter()
            mongo.replace_partition("reviews", day.isoformat(), documents)
            replace_s = time.perf_counter() - started
            started = time.perf_counter()
            stored = mongo.count_partition("reviews", day.isoformat())
            count_s = time.perf_counter() - started
            if stored != len(documents):
                raise SystemExit(f"{day}: {stored} documents stored, {len(documents)} written")
            peak = peaks.take(rss_mib())
            print(
                f"{day.isoformat():<12}{offset * args.reviews_per_day:>14,}"
                f"{replace_s:>11.1f}{count_s:>9.1f}{peak:>14.0f}"
            )


if __name__ == "__main__":
    main()
