"""Synthetic source data for the demo and the tests: a product catalogue, customers, orders and reviews.

The frames have the schemas of the source tables (`contract.SOURCE_TABLE_SCHEMAS`, from `sql/source_schema.sql`),
so the loader can COPY them as they are. The texts come from `templates.yaml`; the catalogue from `catalogue.py`.

Determinism: the catalogue (categories, products, customers) and the pools the texts are drawn from depend only on
`seed`; each day's reviews, orders and images depend only on `(seed, date)`. Generating days one at a time or all
together therefore yields the same rows, and ids are derived from the date (`(date - 2000-01-01).days * 1_000_000 +
i`) so days never collide and re-seeding a day is idempotent under `ON CONFLICT DO NOTHING`.

What is planted, for the layers downstream to find:
- PII in about 20% of reviews (names, e-mails, phones, addresses, Luhn-valid card numbers), each value recorded in
  `planted_pii`;
- about 2.4% bad rows, each with exactly one defect, so its `RejectionReason` is unambiguous (`expected_rejections`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from review_platform.contract import MAX_TEXT_CHARS, SOURCE_TABLE_SCHEMAS, PiiType, RejectionReason
from review_platform.demo.catalogue import (
    PII_TYPES,
    SENTENCE_POOL_SIZE,
    TITLE_POOL_SIZE,
    Catalogue,
    build_catalogue,
)
from review_platform.demo.templates import (
    CLOSERS,
    LANGS,
    PII_BODIES,
    PII_TITLES,
    SHORT_BODIES,
    SIGN_OFFS,
    TEMPLATE_MOODS,
    TOPICS,
)

ID_EPOCH = dt.date(2000, 1, 1)
IDS_PER_DAY = 1_000_000
_DAY_US = 86_400_000_000
_UNIX_EPOCH = dt.date(1970, 1, 1)

# The ground truth the generator adds to the source tables: demo data only, never in the source.
PLANTED_PII_SCHEMA = {
    "review_id": pl.Int64(),
    "field": pl.String(),
    "pii_type": pl.String(),
    "value": pl.String(),
}
EXPECTED_REJECTIONS_SCHEMA = {"review_id": pl.Int64(), "reason": pl.String()}


@dataclass(frozen=True)
class DemoDataset:
    """One generated source database, plus the ground truth of the PII planted in its review texts."""

    category: pl.DataFrame  # category_id Int32, name String
    product: pl.DataFrame  # p_id Int64, p_name, p_desc String, price Float64, category_id Int32
    customer: pl.DataFrame  # buyer_id Int64, fname, lname, email, phone String
    orders: pl.DataFrame  # order_id, buyer_id, p_id Int64, order_date Datetime(us, UTC)
    review: pl.DataFrame  # review_id, buyer_id (nullable), p_id Int64, title, r_desc, rating Int32 (nullable),
    #                       created_at Datetime(us, UTC)
    review_images: pl.DataFrame  # review_id Int64, url String
    planted_pii: pl.DataFrame  # review_id Int64, field ("title" | "r_desc"), pii_type (PiiType value), value


# ---------------------------------------------------------------------------------------------------------------
# Distributions of a day's reviews.
# ---------------------------------------------------------------------------------------------------------------

RATING_P = np.array([0.12, 0.05, 0.08, 0.20, 0.55])  # 1..5 stars, J-shaped like real stores
_MOOD_OF_RATING = np.array([0, 0, 0, 1, 2, 2, 0], dtype=np.int8)  # index by rating; TEMPLATE_MOODS index
MISMATCH_SHARE = 0.03  # of all reviews: a 5-star angry text or a 1-star happy one
PII_SHARE = 0.20
_PII_TYPE_P = np.array([0.35, 0.20, 0.20, 0.13, 0.12])  # in PII_TYPES order
_TITLE_PII_TYPES = 3  # the first three of PII_TYPES may also go in a title
VERIFIED_SHARE = 0.72  # of the rows that can be verified; about 70% of all reviews
IMAGE_SHARE = 0.15
_HOUR_W = np.array(
    [2.0, 1.4, 1.0, 0.7, 0.6, 0.7, 1.2, 2.2, 3.2, 3.8, 4.1, 4.4, 4.8, 4.6, 4.4, 4.5, 4.8, 5.2, 5.8, 6.3, 6.5,
     6.0, 4.6, 3.0]
)  # fmt: skip
_HOUR_P = _HOUR_W / _HOUR_W.sum()

# Planted defects: share of rows per reason. At least one of each per day from this many reviews on.
# About 2.4% of rows in all: a few percent, like a real store, and clear of the reject-rate ERROR at 5%.
DEFECT_RATES: dict[RejectionReason, float] = {
    RejectionReason.MISSING_BUYER: 0.002,
    RejectionReason.UNKNOWN_PRODUCT: 0.002,
    RejectionReason.INVALID_RATING: 0.003,
    RejectionReason.EMPTY_TEXT: 0.012,
    RejectionReason.TEXT_TOO_LONG: 0.0005,
    RejectionReason.DUPLICATE_REVIEW: 0.004,
}
MIN_REVIEWS_FOR_EVERY_DEFECT = 200
_INVALID_RATINGS = (None, 0, 6, -1)
_EMPTY_TEXTS = (None, "", "   ", "\n", "👍👍", "👍", "😡😡😡", "⭐⭐⭐⭐⭐", "🙏", "❤️❤️")
_UNKNOWN_P_ID_BASE = 900_000  # far above the catalogue's ids (category_id * 1000 + n)
_MAX_GOOD_TEXT = 12_000  # long-tail reviews stay well under MAX_TEXT_CHARS
_GOOD, _MISSING, _UNKNOWN, _INVALID, _EMPTY, _TOO_LONG, _DUP = range(7)
_KIND_OF = dict(zip(RejectionReason, range(1, 7), strict=True))


# ---------------------------------------------------------------------------------------------------------------
# One day of reviews: everything depends on (seed, date) only. Each step below draws from the day's generator in
# turn, so their order (and the order of the draws within each) is part of what the data is.
# ---------------------------------------------------------------------------------------------------------------

_Planted = tuple[str, str, str]  # (field, PiiType value, value)


class _Day(NamedTuple):
    orders: pl.DataFrame
    review: pl.DataFrame
    review_images: pl.DataFrame
    planted_pii: pl.DataFrame
    rejections: pl.DataFrame  # the planted bad rows and their reason: the generator's own ground truth


class _ReviewDraws(NamedTuple):
    """Who reviewed what, when, with how many stars and in which language."""

    micros: np.ndarray  # time of day, strictly increasing
    p_idx: np.ndarray  # index into the catalogue's products
    b_idx: np.ndarray  # index into the catalogue's customers
    rating: np.ndarray
    category: np.ndarray  # of the product
    fr: np.ndarray  # LANGS index: 1 for French


class _TextPlan(NamedTuple):
    """What each review's text is made of, as lists (the texts are written row by row)."""

    mood: list[int]  # TEMPLATE_MOODS index of the title and the first sentence
    topic: list[int]
    second_topic: list[int]  # -1 for none
    second_mood: list[int]
    short: list[bool]  # a one-line review
    extras: list[int]  # how many extra sentences; row i's are extra_*[extra_start[i] : extra_start[i] + extras[i]]
    extra_start: list[int]
    extra_topic: list[int]
    extra_mood: list[int]
    extra_pick: list[int]
    opener: list[bool]
    closer: list[bool]
    lower: list[bool]  # written all in lower case
    picks: list[list[int]]  # per row: title, first sentence, opener, second sentence, closer


class _PiiPlan(NamedTuple):
    """Which reviews get PII, and which values of which types."""

    has_pii: list[bool]
    count: list[int]  # 1 or 2 values
    types: list[list[int]]  # PII_TYPES index per value
    in_title: list[list[bool]]
    picks: list[list[list[int]]]  # per value: (value, template, position)


def _sample_topics(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """One topic per row from per-row cumulative probabilities (rows x topics)."""
    return np.minimum((rng.random(len(cum))[:, None] >= cum).sum(axis=1), len(TOPICS) - 1)


def _to_datetime(micros: np.ndarray) -> pl.Series:
    return pl.Series(micros, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _draw_reviews(rng: np.random.Generator, cat: Catalogue, n: int) -> _ReviewDraws:
    # Strictly increasing timestamps, so review_id order is time order and a duplicate is always later.
    hours = rng.choice(24, size=n, p=_HOUR_P)
    micros = np.sort(((hours + rng.random(n)) * ((_DAY_US - n) / 24)).astype(np.int64)) + np.arange(n)
    p_idx = rng.choice(len(cat.p_ids), size=n, p=cat.p_weight)
    b_idx = rng.choice(len(cat.buyer_ids), size=n, p=cat.buyer_weight)
    rating = rng.choice(np.arange(1, 6), size=n, p=RATING_P)
    fr = np.where(cat.buyer_fr[b_idx], rng.random(n) < 0.92, rng.random(n) < 0.03).astype(np.int8)
    return _ReviewDraws(micros, p_idx, b_idx, rating, cat.p_cat[p_idx], fr)


def _plant_defect_kinds(rng: np.random.Generator, n: int) -> np.ndarray:
    """The kind of each row: _GOOD, or the one defect it is planted with (`_KIND_OF` a RejectionReason)."""
    # Row 0 stays good so that every duplicate has an earlier original.
    kind = np.zeros(n, dtype=np.int8)
    counts = rng.binomial(n, list(DEFECT_RATES.values()))
    if n >= MIN_REVIEWS_FOR_EVERY_DEFECT:
        counts = np.maximum(counts, 1)
    counts = np.minimum(counts, max(n - 1, 0) // len(counts))  # tiny days: never more bad rows than rows
    positions = rng.permutation(np.arange(1, n))[: counts.sum()]
    kind[positions] = np.repeat([_KIND_OF[r] for r in DEFECT_RATES], counts)
    return kind


def _draw_moods_and_topics(
    rng: np.random.Generator, cat: Catalogue, rating: np.ndarray, category: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mood and topic of each review's first sentence, and its second topic (-1 for none) and that one's mood."""
    n = len(rating)
    # Text mood follows the rating, except for a few deliberate mismatches at the extremes.
    mood = _MOOD_OF_RATING[rating]
    extreme = (rating == 1) | (rating == 5)
    mismatch = extreme & (rng.random(n) < MISMATCH_SHARE / (RATING_P[0] + RATING_P[4]))
    mood = np.where(mismatch, 2 - mood, mood).astype(np.int8)
    topic = _sample_topics(rng, cat.topic_cum[mood, category])
    second_topic = _sample_topics(rng, cat.topic_cum[mood, category])
    second_topic = np.where((rng.random(n) < 0.25) & (second_topic != topic), second_topic, -1)
    # A second topic often pulls the other way: "great product, slow delivery".
    flip = rng.random(n)
    second_mood = np.where(rating == 3, np.where(flip < 0.5, 0, 2), mood)
    second_mood = np.where((rating == 4) & (flip < 0.35), 0, np.where((rating == 2) & (flip < 0.2), 2, second_mood))
    second_mood = np.where(mismatch, mood, second_mood)
    return mood, topic, second_topic, second_mood


def _draw_text_plan(rng: np.random.Generator, cat: Catalogue, rating: np.ndarray, category: np.ndarray) -> _TextPlan:
    n = len(rating)
    mood, topic, second_topic, second_mood = _draw_moods_and_topics(rng, cat, rating, category)
    # Length: mostly one or two sentences, a long tail of essays.
    short = rng.random(n) < 0.18
    u = rng.random(n)
    extras = np.select(
        [u < 0.64, u < 0.84, u < 0.945, u < 0.988],
        [0, 1, rng.integers(2, 5, n), rng.integers(5, 20, n)],
        rng.integers(20, 130, n),
    )
    extras[short] = 0
    extra_row = np.repeat(np.arange(n), extras)
    extra_topic = _sample_topics(rng, cat.topic_cum[mood[extra_row], category[extra_row]])
    extra_mood = np.where(mood[extra_row] == 1, rng.integers(0, 3, len(extra_row)), mood[extra_row])
    extra_start = np.cumsum(extras) - extras
    opener = rng.random(n) < 0.10
    closer = rng.random(n) < 0.30
    lower = rng.random(n) < 0.06
    picks = rng.integers(0, 1 << 30, size=(n, 5))
    extra_pick = rng.integers(0, 1 << 30, size=len(extra_row))
    return _TextPlan(
        mood=mood.tolist(),
        topic=topic.tolist(),
        second_topic=second_topic.tolist(),
        second_mood=second_mood.tolist(),
        short=short.tolist(),
        extras=extras.tolist(),
        extra_start=extra_start.tolist(),
        extra_topic=extra_topic.tolist(),
        extra_mood=extra_mood.tolist(),
        extra_pick=extra_pick.tolist(),
        opener=opener.tolist(),
        closer=closer.tolist(),
        lower=lower.tolist(),
        picks=picks.tolist(),
    )


def _draw_pii_plan(rng: np.random.Generator, kind: np.ndarray) -> _PiiPlan:
    n = len(kind)
    # One or two values in ~20% of the rows whose text is real (duplicates inherit their original's).
    eligible = (kind != _EMPTY) & (kind != _DUP)
    has_pii = eligible & (rng.random(n) < PII_SHARE / max(eligible.sum() / max(n, 1), 1e-9))
    count = np.where(rng.random(n) < 0.2, 2, 1)
    types = rng.choice(len(PII_TYPES), size=(n, 2), p=_PII_TYPE_P)
    in_title = (types < _TITLE_PII_TYPES) & (rng.random((n, 2)) < 0.15)
    picks = rng.integers(0, 1 << 30, size=(n, 2, 3))
    return _PiiPlan(has_pii.tolist(), count.tolist(), types.tolist(), in_title.tolist(), picks.tolist())


def _too_long_sentences(rng: np.random.Generator, sentences: list, mood: int, target: int) -> list[str]:
    """Sentences on any topic until past `target` characters, like a pasted essay."""
    # Drawn here, row by row, rather than planned: it takes hundreds of sentences, for a handful of rows a day.
    parts, size = [], 0
    while size <= target:
        for t, p in rng.integers(0, 1 << 30, size=(400, 2)).tolist():
            sentence = sentences[t % len(TOPICS)][mood][p % SENTENCE_POOL_SIZE]
            parts.append(sentence)
            size += len(sentence) + 1
            if size > target:
                break
    return parts


def _review_sentences(cat: Catalogue, category: int, lang: int, plan: _TextPlan, i: int) -> list[str]:
    """Row `i`'s sentences: an opener, its first and second topics, the extras (up to `_MAX_GOOD_TEXT`), a closer."""
    picks, sentences = plan.picks[i], cat.sentences[category][lang]
    parts = [cat.openers[category][lang][picks[2] % TITLE_POOL_SIZE]] if plan.opener[i] else []
    parts.append(sentences[plan.topic[i]][plan.mood[i]][picks[1] % SENTENCE_POOL_SIZE])
    if plan.second_topic[i] >= 0:
        parts.append(sentences[plan.second_topic[i]][plan.second_mood[i]][picks[3] % SENTENCE_POOL_SIZE])
    size = 0
    for k in range(plan.extra_start[i], plan.extra_start[i] + plan.extras[i]):
        sentence = sentences[plan.extra_topic[k]][plan.extra_mood[k]][plan.extra_pick[k] % SENTENCE_POOL_SIZE]
        size += len(sentence) + 1
        if size > _MAX_GOOD_TEXT:
            break
        parts.append(sentence)
    if plan.closer[i]:
        parts.append((pool := CLOSERS[LANGS[lang]][TEMPLATE_MOODS[plan.mood[i]]])[picks[4] % len(pool)])
    return parts


def _plant_pii(
    cat: Catalogue, lang: int, title: str, parts: list[str], plan: _PiiPlan, i: int
) -> tuple[str, list[_Planted]]:
    """Row `i`'s values planted in its title, or in `parts` (in place) as a sentence or a sign-off; returns the
    title and what was planted where."""
    lang_code = LANGS[lang]
    planted: list[_Planted] = []
    signed = False
    for j in range(plan.count[i]):
        type_idx, (p_value, p_template, p_position) = plan.types[i][j], plan.picks[i][j]
        pii_type = PII_TYPES[type_idx]
        gender, template = (templates := PII_BODIES[lang_code][pii_type])[p_template % len(templates)]
        values = cat.persons[lang][gender == "f"] if gender else cat.pii[lang][type_idx]
        value = values[p_value % len(values)]
        if any(value == planted_value for _, _, planted_value in planted):
            continue
        if plan.in_title[i][j] and all(field != "title" for field, _, _ in planted):
            title_templates = PII_TITLES[lang_code][pii_type]
            title = title_templates[p_template % len(title_templates)].format(v=value)
            planted.append(("title", pii_type.value, value))
            continue
        if pii_type is PiiType.PERSON and not signed and p_position % 5 < 2:  # a sign-off closes the review
            parts.append((sign_offs := SIGN_OFFS[lang_code])[p_template % len(sign_offs)].format(v=value))
            signed = True
        else:
            parts.insert(p_position % (len(parts) + 1 - signed), template.format(v=value))
        planted.append(("r_desc", pii_type.value, value))
    return title, planted


def _paragraphs(parts: list[str]) -> str:
    # Long reviews come in paragraphs of four sentences, as people write them.
    if len(parts) > 6:
        return "\n\n".join(" ".join(parts[k : k + 4]) for k in range(0, len(parts), 4))
    return " ".join(parts)


def _write_texts(
    rng: np.random.Generator, cat: Catalogue, draws: _ReviewDraws, kind: np.ndarray, text: _TextPlan, pii: _PiiPlan
) -> tuple[list[str], list[str | None], dict[int, list[_Planted]]]:
    """Each row's title and text, and the PII planted in them by row."""
    n = len(kind)
    empty_text = rng.integers(0, len(_EMPTY_TEXTS), n)
    too_long_extra = rng.integers(1, 8_000, n)
    titles: list[str] = []
    bodies: list[str | None] = []
    planted: dict[int, list[_Planted]] = {}
    categories, languages, kinds = draws.category.tolist(), draws.fr.tolist(), kind.tolist()
    for i in range(n):
        category, lang, mood, picks = categories[i], languages[i], text.mood[i], text.picks[i]
        title = (pool := cat.titles[category][lang][text.topic[i]][mood])[picks[0] % len(pool)]
        if kinds[i] == _TOO_LONG:
            target = MAX_TEXT_CHARS + int(too_long_extra[i])  # past the platform's limit
            parts = _too_long_sentences(rng, cat.sentences[category][lang], mood, target)
        elif text.short[i]:
            parts = [(pool := SHORT_BODIES[LANGS[lang]][TEMPLATE_MOODS[mood]])[picks[1] % len(pool)]]
        else:
            parts = _review_sentences(cat, category, lang, text, i)
        if text.lower[i]:
            parts = [part.lower() for part in parts]
        if pii.has_pii[i]:
            title, planted[i] = _plant_pii(cat, lang, title, parts, pii, i)
        titles.append(title)
        bodies.append(_EMPTY_TEXTS[int(empty_text[i])] if kinds[i] == _EMPTY else _paragraphs(parts))
    return titles, bodies, planted


def _plant_bad_values(
    rng: np.random.Generator, cat: Catalogue, draws: _ReviewDraws, kind: np.ndarray
) -> tuple[list[int], list[int | None]]:
    """Each row's product id and rating, unknown or invalid where the row is planted so."""
    p_id: list[int] = cat.p_ids[draws.p_idx].tolist()
    rating: list[int | None] = draws.rating.tolist()
    invalid_rating = rng.integers(0, len(_INVALID_RATINGS), len(kind))
    unknown_p_id = _UNKNOWN_P_ID_BASE + rng.integers(0, 100_000, len(kind))
    for i in np.flatnonzero(kind == _UNKNOWN).tolist():
        p_id[i] = int(unknown_p_id[i])
    for i in np.flatnonzero(kind == _INVALID).tolist():
        rating[i] = _INVALID_RATINGS[int(invalid_rating[i])]
    return p_id, rating


def _distinct_buyers(
    cat: Catalogue, b_idx: np.ndarray, kind: np.ndarray, p_id: list[int], bodies: list[str | None]
) -> list[int]:
    """The buyer (catalogue index) of each row, bumped where (buyer, product, text) repeats by accident, so that
    only the planted rows are duplicates."""
    buyer = b_idx.tolist()
    seen: set[tuple] = set()
    for i, row_kind in enumerate(kind.tolist()):
        if row_kind in (_MISSING, _DUP):
            continue
        while (key := (buyer[i], p_id[i], bodies[i])) in seen:
            buyer[i] = (buyer[i] + 1) % len(cat.buyer_ids)
        seen.add(key)
    return buyer


def _copy_duplicates(
    rng: np.random.Generator,
    kind: np.ndarray,
    columns: tuple[list, list, list, list, list],
    planted: dict[int, list[_Planted]],
) -> None:
    """Make each duplicate row re-post one of the good reviews just before it (a double submission), in place.

    `columns` are the rows' buyer_id, p_id, rating, title and r_desc."""
    good = np.flatnonzero(kind == _GOOD)
    back = rng.integers(1, 30, len(kind))
    for i in np.flatnonzero(kind == _DUP).tolist():
        j = int(good[max(0, int(np.searchsorted(good, i)) - int(back[i]))])
        for column in columns:
            column[i] = column[j]
        if j in planted:
            planted[i] = planted[j]


def _orders(
    rng: np.random.Generator,
    cat: Catalogue,
    kind: np.ndarray,
    p_idx: np.ndarray,
    p_id: list[int],
    buyer: list[int],
    review_ids: np.ndarray,
    created: np.ndarray,
) -> pl.DataFrame:
    """A verified buyer ordered this product before reviewing it; some others ordered something else."""
    n = len(kind)
    orderable = (kind != _MISSING) & (kind != _UNKNOWN) & (kind != _DUP)
    roll = rng.random(n)
    verified = orderable & (roll < VERIFIED_SHARE)
    other = orderable & ~verified & (roll > 1 - 0.3 * (1 - VERIFIED_SHARE))
    other_p = (p_idx + rng.integers(1, len(cat.p_ids), n)) % len(cat.p_ids)
    lag_us = np.clip(rng.lognormal(np.log(6.0), 0.9, n), 0.1, 90.0) * _DAY_US
    with_order = np.flatnonzero(verified | other)
    order_p = np.where(verified, np.asarray(p_id, dtype=np.int64), cat.p_ids[other_p])
    return pl.DataFrame(
        {
            "order_id": review_ids[with_order],
            "buyer_id": cat.buyer_ids[np.asarray(buyer, dtype=np.int64)][with_order],
            "p_id": order_p[with_order],
            "order_date": _to_datetime((created - lag_us.astype(np.int64))[with_order]),
        },
        schema=SOURCE_TABLE_SCHEMAS["orders"],
    )


def _review_images(rng: np.random.Generator, review_ids: np.ndarray) -> pl.DataFrame:
    n = len(review_ids)
    n_images = np.where(rng.random(n) < IMAGE_SHARE, rng.choice([1, 2, 3], size=n, p=[0.6, 0.25, 0.15]), 0)
    image_review = np.repeat(review_ids, n_images)
    image_n = np.arange(len(image_review)) - np.repeat(np.cumsum(n_images) - n_images, n_images) + 1
    return pl.DataFrame(
        {
            "review_id": image_review,
            "url": [
                f"https://img.example.com/reviews/{rid}/{k}.jpg"
                for rid, k in zip(image_review.tolist(), image_n.tolist(), strict=True)
            ],
        },
        schema=SOURCE_TABLE_SCHEMAS["review_images"],
    )


def _generate_day(cat: Catalogue, day: dt.date, n: int, seed: int) -> _Day:
    rng = np.random.default_rng([seed, 1, day.toordinal()])
    id_base = (day - ID_EPOCH).days * IDS_PER_DAY
    draws = _draw_reviews(rng, cat, n)
    kind = _plant_defect_kinds(rng, n)
    text_plan = _draw_text_plan(rng, cat, draws.rating, draws.category)
    pii_plan = _draw_pii_plan(rng, kind)
    titles, bodies, planted = _write_texts(rng, cat, draws, kind, text_plan, pii_plan)
    p_id, rating = _plant_bad_values(rng, cat, draws, kind)
    buyer = _distinct_buyers(cat, draws.b_idx, kind, p_id, bodies)
    buyer_id: list[int | None] = cat.buyer_ids[buyer].tolist()
    for i in np.flatnonzero(kind == _MISSING).tolist():
        buyer_id[i] = None
    _copy_duplicates(rng, kind, (buyer_id, p_id, rating, titles, bodies), planted)

    review_ids = id_base + np.arange(n, dtype=np.int64)
    created = (day - _UNIX_EPOCH).days * _DAY_US + draws.micros
    review = pl.DataFrame(
        {
            "review_id": review_ids,
            "buyer_id": buyer_id,
            "p_id": p_id,
            "title": titles,
            "r_desc": bodies,
            "rating": rating,
            "created_at": _to_datetime(created),
        },
        schema=SOURCE_TABLE_SCHEMAS["review"],
    )
    orders = _orders(rng, cat, kind, draws.p_idx, p_id, buyer, review_ids, created)
    review_images = _review_images(rng, review_ids)
    pii_rows = [(id_base + i, *entry) for i in sorted(planted) for entry in planted[i]]
    bad = np.flatnonzero(kind != _GOOD)
    reasons = list(RejectionReason)
    rejections = pl.DataFrame(
        {"review_id": review_ids[bad], "reason": [reasons[k - 1].value for k in kind[bad].tolist()]},
        schema=EXPECTED_REJECTIONS_SCHEMA,
    )
    planted_pii = pl.DataFrame(pii_rows, schema=PLANTED_PII_SCHEMA, orient="row")
    return _Day(orders, review, review_images, planted_pii, rejections)


# ---------------------------------------------------------------------------------------------------------------
# Public API.
# ---------------------------------------------------------------------------------------------------------------


def _generate(start: dt.date, days: int, reviews_per_day: int, seed: int) -> tuple[DemoDataset, pl.DataFrame]:
    """The dataset and the generator's own record of the bad rows it planted (for the tests)."""
    if days < 0 or not 0 <= reviews_per_day < IDS_PER_DAY:
        raise ValueError(f"need days >= 0 and 0 <= reviews_per_day < {IDS_PER_DAY}")
    if seed < 0:
        raise ValueError("seed must be non-negative")
    cat = build_catalogue(seed)
    generated = [_generate_day(cat, start + dt.timedelta(days=d), reviews_per_day, seed) for d in range(days)]

    def stack(field: int, schema: dict) -> pl.DataFrame:
        frames = [day[field] for day in generated]
        return pl.concat(frames) if frames else pl.DataFrame(schema=schema)

    dataset = DemoDataset(
        # The catalogue is cached per seed; clones keep one dataset's frames from aliasing another's.
        category=cat.category.clone(),
        product=cat.product.clone(),
        customer=cat.customer.clone(),
        orders=stack(0, SOURCE_TABLE_SCHEMAS["orders"]),
        review=stack(1, SOURCE_TABLE_SCHEMAS["review"]),
        review_images=stack(2, SOURCE_TABLE_SCHEMAS["review_images"]),
        planted_pii=stack(3, PLANTED_PII_SCHEMA),
    )
    return dataset, stack(4, EXPECTED_REJECTIONS_SCHEMA)


def generate_demo_data(start: dt.date, days: int, reviews_per_day: int, seed: int = 42) -> DemoDataset:
    """Generate `days` days of reviews from `start`, `reviews_per_day` a day, with a catalogue from `seed`.

    Same arguments, same frames. A day's rows depend only on `(seed, date)`, so days can be seeded one at a time.
    """
    return _generate(start, days, reviews_per_day, seed)[0]


def _defect_flags(dataset: DemoDataset) -> pl.DataFrame:
    """One boolean column per RejectionReason, each rule evaluated on its own (not first-match)."""
    review = dataset.review
    text = pl.col("r_desc")
    known = pl.col("p_id").is_in(dataset.product["p_id"].implode())
    key = ["buyer_id", "p_id", "r_desc", "day"]
    return (
        review.with_columns(day=pl.col("created_at").dt.date())
        .sort("created_at")
        .select(
            "review_id",
            pl.col("buyer_id").is_null().alias(RejectionReason.MISSING_BUYER.value),
            (pl.col("p_id").is_null() | ~known).alias(RejectionReason.UNKNOWN_PRODUCT.value),
            (pl.col("rating").is_null() | ~pl.col("rating").is_between(1, 5)).alias(
                RejectionReason.INVALID_RATING.value
            ),
            (text.is_null() | ~text.str.contains(r"[\p{L}\p{N}]")).alias(RejectionReason.EMPTY_TEXT.value),
            (text.str.len_chars() > MAX_TEXT_CHARS).fill_null(False).alias(RejectionReason.TEXT_TOO_LONG.value),
            (pl.all_horizontal(pl.col(key).is_not_null()) & (pl.int_range(pl.len()).over(key) > 0)).alias(
                RejectionReason.DUPLICATE_REVIEW.value
            ),
        )
        .sort("review_id")
    )


def expected_rejections(dataset: DemoDataset) -> pl.DataFrame:
    """The planted bad rows and the RejectionReason value each should be rejected for (review_id, reason).

    Every planted bad row has exactly one defect and every other row none, so reading the defects back from the
    data gives the planted set; the generator's tests check that against its own record.
    """
    flags = _defect_flags(dataset)
    reason = pl.coalesce(
        [pl.when(pl.col(r.value)).then(pl.lit(r.value)) for r in RejectionReason]
    )  # contract order: the first rule that matches wins
    return (
        flags.select("review_id", reason.alias("reason"))
        .filter(pl.col("reason").is_not_null())
        .cast(EXPECTED_REJECTIONS_SCHEMA)
    )
