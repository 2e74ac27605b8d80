"""Everything of the demo data that depends on the seed only: categories, products, customers, and the pools of
rendered review sentences, titles and PII values that each day's reviews are drawn from."""

from __future__ import annotations

import functools
import random
import re
import string
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import polars as pl
from faker import Faker

from review_platform.contract import SOURCE_TABLE_SCHEMAS, PiiType
from review_platform.demo.templates import (
    BOOK_ADJECTIVES,
    BOOK_KINDS,
    BOOK_NOUNS,
    BRANDS,
    CATEGORIES,
    CITIES,
    EXTRA_FEATURES,
    GENERIC_TITLES,
    ITEMS,
    LANGS,
    MODELS,
    OPENERS,
    PARTS,
    PHONE_FORMATS,
    PREFIXES,
    PRODUCT_TYPES,
    SENTENCES,
    TEMPLATE_MOODS,
    TITLES,
    TOPICS,
    WORDS,
)

PRODUCTS_PER_CATEGORY = 40
N_CUSTOMERS = 3_000
FRENCH_CUSTOMER_SHARE = 0.36
_CLOTHING, _BOOKS = CATEGORIES.index("Clothing & Shoes"), CATEGORIES.index("Books")
# The PII types planted in reviews; `Catalogue.pii` holds their value pools in this order.
PII_TYPES = (PiiType.PERSON, PiiType.EMAIL, PiiType.PHONE, PiiType.ADDRESS, PiiType.CARD)
_PII_POOL_SIZE = 256  # distinct Faker values per (language, PII type)
SENTENCE_POOL_SIZE = 48  # renders per (category, language, topic, mood)
TITLE_POOL_SIZE = 24  # renders per (category, language, topic, mood), and openers per (category, language)
_TOPIC_BASE = np.array([0.20, 0.18, 0.10, 0.10, 0.03, 0.05, 0.07, 0.12, 0.03, 0.12])  # in TOPICS order
# Unhappy customers write about delivery, defects, service and fakes more often than happy ones.
_TOPIC_NEG_BOOST = np.array([1.8, 1.0, 1.8, 1.0, 1.0, 1.2, 1.8, 0.8, 1.8, 0.7])

SlotFillers = dict[str, Callable[[random.Random], str]]


class Catalogue(NamedTuple):
    category: pl.DataFrame
    product: pl.DataFrame
    customer: pl.DataFrame
    p_ids: np.ndarray
    p_cat: np.ndarray  # category index 0..7 per product
    p_weight: np.ndarray  # review popularity
    buyer_ids: np.ndarray
    buyer_fr: np.ndarray  # customer locale is fr_FR
    buyer_weight: np.ndarray
    topic_cum: np.ndarray  # [mood, category, topic] cumulative topic probabilities
    sentences: list  # [category][lang][topic][mood] -> list of rendered sentences
    titles: list  # [category][lang][topic][mood] -> list of rendered titles
    openers: list  # [category][lang] -> list of rendered openers
    persons: list  # [lang][0 = male, 1 = female] -> names
    pii: list  # [lang][PII_TYPES index] -> values; PERSON mixes both genders


# ---------------------------------------------------------------------------------------------------------------
# Rendering templates.
# ---------------------------------------------------------------------------------------------------------------

_FORMATTER = string.Formatter()
_FR_VOWEL_ITEMS = "|".join(sorted({w for items in ITEMS["fr"] for w in items if w[0] in "aeiouéè"}))
_FR_CE = re.compile(rf"\bce ({_FR_VOWEL_ITEMS})\b")
_FR_LE = re.compile(rf"\b([Ll])e ({_FR_VOWEL_ITEMS})\b")


def _slot_fillers(lang: str, category: int) -> SlotFillers:
    words = WORDS[lang]

    def amount(rnd: random.Random) -> str:
        euros = rnd.choice((9, 12, 15, 19, 25, 29, 35, 39, 49, 59, 79, 99, 129, 199))
        cents = rnd.choice(("", "", ".99"))
        return f"${euros}{cents}" if lang == "en" else f"{euros}{cents.replace('.', ',')} €"

    fillers = {name: (lambda rnd, opts=opts: rnd.choice(opts)) for name, opts in words.items()}
    fillers["Very"] = lambda rnd: rnd.choice(words["very"]).capitalize()
    fillers["item"] = lambda rnd: rnd.choice(ITEMS[lang][category])
    fillers["part"] = lambda rnd: rnd.choice(PARTS[lang][category])
    fillers["days"] = lambda rnd: str(rnd.randint(3, 21))
    fillers["days_short"] = lambda rnd: str(rnd.randint(2, 4))
    fillers["n"] = lambda rnd: str(rnd.randint(2, 7))
    fillers["minutes"] = lambda rnd: str(rnd.randint(2, 20))
    fillers["hours"] = lambda rnd: str(rnd.randint(2, 5))
    fillers["amount"] = amount
    return fillers


def _render(template: str, fillers: SlotFillers, rnd: random.Random) -> str:
    names = [name for _, name, _, _ in _FORMATTER.parse(template) if name]
    text = template.format(**{name: fillers[name](rnd) for name in names}) if names else template
    # French elides before a vowel: "ce article" -> "cet article", "le outil" -> "l'outil".
    text = _FR_CE.sub(r"cet \1", text)
    return _FR_LE.sub(r"\1'\2", text)


def _sentence_pool(templates: tuple[str, ...], lang: str, fillers: SlotFillers, rnd: random.Random) -> list[str]:
    pool = []
    for _ in range(SENTENCE_POOL_SIZE):
        text = _render(rnd.choice(templates), fillers, rnd)
        if rnd.random() < 0.12 and text[1:2].islower():  # "Honestly, the box..." but never "Honestly, uPS"
            text = rnd.choice(PREFIXES[lang]) + text[0].lower() + text[1:]
        if rnd.random() < 0.08 and text.endswith("."):
            text = text[:-1] + "!"
        pool.append(text)
    return pool


def _title_pool(topic: str, lang: str, mood: str, fillers: SlotFillers, rnd: random.Random) -> list[str]:
    pool = []
    for _ in range(TITLE_POOL_SIZE):
        source = TITLES[topic][lang][mood] if rnd.random() < 0.6 else GENERIC_TITLES[lang][mood]
        title = _render(rnd.choice(source), fillers, rnd)
        roll = rnd.random()
        if mood == "neg" and roll < 0.1:
            title = title.upper()
        elif roll < 0.25:
            title += "!" if mood == "pos" else "..." if mood == "neu" else "!!"
        pool.append(title)
    return pool


def _text_pools(rnd: random.Random) -> tuple[list, list, list]:
    """Rendered sentences, titles and openers, indexed as in `Catalogue`."""
    sentences, titles, openers = [], [], []
    for category in range(len(CATEGORIES)):
        s_cat, t_cat, o_cat = [], [], []
        for lang in LANGS:
            fillers = _slot_fillers(lang, category)
            s_cat.append(
                [
                    [_sentence_pool(SENTENCES[topic][lang][mood], lang, fillers, rnd) for mood in TEMPLATE_MOODS]
                    for topic in TOPICS
                ]
            )
            t_cat.append(
                [[_title_pool(topic, lang, mood, fillers, rnd) for mood in TEMPLATE_MOODS] for topic in TOPICS]
            )
            o_cat.append([_render(rnd.choice(OPENERS[lang]), fillers, rnd) for _ in range(TITLE_POOL_SIZE)])
        sentences.append(s_cat)
        titles.append(t_cat)
        openers.append(o_cat)
    return sentences, titles, openers


# ---------------------------------------------------------------------------------------------------------------
# PII values.
# ---------------------------------------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text).lower() if c.isascii() and c.isalnum())


def _email(first: str, last: str, fake: Faker, rnd: random.Random) -> str:
    first, last = _ascii(first), _ascii(last)
    local = rnd.choice(
        (f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}{rnd.randint(1, 99)}", f"{last}.{first}")
    )
    return f"{local}@{fake.free_email_domain()}"


def _address(lang: str, fake: Faker, rnd: random.Random) -> str:
    if lang == "fr":
        city, prefix = rnd.choice(CITIES["fr"])
        postcode = prefix + f"{rnd.randint(1, 20):02d}" if len(prefix) == 3 else prefix + str(rnd.randint(0, 9))
        street = re.sub(r"\bde ([AEIOUÉH])", r"d'\1", fake.street_name())
        return f"{rnd.randint(1, 180)} {street}, {postcode} {city}"
    city, state, zip3 = rnd.choice(CITIES["en"])
    return f"{rnd.randint(10, 9899)} {fake.street_name()}, {city}, {state} {zip3}{rnd.randint(0, 99):02d}"


def _card(fake: Faker, rnd: random.Random) -> str:
    digits = fake.credit_card_number(rnd.choice(("visa16", "mastercard")))
    style = rnd.random()
    if style < 0.6:
        return " ".join(digits[k : k + 4] for k in range(0, 16, 4))
    return digits if style < 0.9 else "-".join(digits[k : k + 4] for k in range(0, 16, 4))


def _pii_pools(rnd: random.Random, fakers: dict[str, Faker]) -> tuple[list, list]:
    """Names by gender, and values per PII type, indexed as in `Catalogue`."""
    persons, pii = [], []
    for lang in LANGS:
        fake = fakers[lang]
        male = [f"{fake.first_name_male()} {fake.last_name()}" for _ in range(_PII_POOL_SIZE // 2)]
        female = [f"{fake.first_name_female()} {fake.last_name()}" for _ in range(_PII_POOL_SIZE // 2)]
        emails = [_email(fake.first_name(), fake.last_name(), fake, rnd) for _ in range(_PII_POOL_SIZE)]
        phones = [fake.numerify(rnd.choice(PHONE_FORMATS[lang])) for _ in range(_PII_POOL_SIZE)]
        addresses = [_address(lang, fake, rnd) for _ in range(_PII_POOL_SIZE)]
        cards = [_card(fake, rnd) for _ in range(_PII_POOL_SIZE)]
        persons.append([male, female])
        pii.append([male + female, emails, phones, addresses, cards])
    return persons, pii


# ---------------------------------------------------------------------------------------------------------------
# Products and customers.
# ---------------------------------------------------------------------------------------------------------------


def _product_names(rnd: random.Random) -> tuple[list[str], list[str], list[float], list[int]]:
    """Name, description, typical price and category index of each product, `PRODUCTS_PER_CATEGORY` distinct
    brand/type/model names per category (made-up titles for books)."""
    names, descs, prices, categories = [], [], [], []
    for category, types in enumerate(PRODUCT_TYPES):
        if category == _BOOKS:
            combos = [(a, b, k) for a in BOOK_ADJECTIVES for b in BOOK_NOUNS for k in range(len(BOOK_KINDS))]
            for adj, noun, k in rnd.sample(combos, PRODUCTS_PER_CATEGORY):
                kind, desc, price = BOOK_KINDS[k]
                names.append(f"The {adj} {noun} ({kind})")
                descs.append(desc)
                prices.append(price)
        else:
            combos = [(b, t, m) for b in BRANDS[category] for t in range(len(types)) for m in MODELS]
            for brand, t, model in rnd.sample(combos, PRODUCTS_PER_CATEGORY):
                kind, desc, price = types[t]
                names.append(f"{brand} {kind}{model}")
                descs.append(f"{desc} {rnd.choice(EXTRA_FEATURES)}")
                prices.append(price * (1.4 if model in (" Pro", " Max") else 1.0))
        categories += [category] * PRODUCTS_PER_CATEGORY
    return names, descs, prices, categories


def _products(rnd: random.Random, rng: np.random.Generator) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The product table, priced around each type's typical price, with its ids, category indexes and weights."""
    names, descs, prices, categories = _product_names(rnd)
    price = np.array(prices) * rng.lognormal(0.0, 0.2, len(prices))
    price = np.maximum(np.floor(price) + 0.99, 4.99)
    p_cat = np.array(categories, dtype=np.int32)
    p_ids = (p_cat + 1) * 1000 + np.tile(np.arange(1, PRODUCTS_PER_CATEGORY + 1), len(CATEGORIES))
    p_weight = 1.0 / (rng.permutation(len(p_ids)) + 1.0) ** 0.7  # a few bestsellers, a long tail
    product = pl.DataFrame(
        {"p_id": p_ids, "p_name": names, "p_desc": descs, "price": price, "category_id": p_cat + 1},
        schema=SOURCE_TABLE_SCHEMAS["product"],
    )
    return product, p_ids.astype(np.int64), p_cat, p_weight / p_weight.sum()


def _customers(
    rnd: random.Random, rng: np.random.Generator, fakers: dict[str, Faker]
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The customer table, French or American, some without a phone on file; with ids, locales and weights."""
    buyer_fr = rng.random(N_CUSTOMERS) < FRENCH_CUSTOMER_SHARE
    rows = []
    for is_fr in buyer_fr.tolist():
        lang = "fr" if is_fr else "en"
        fake = fakers[lang]
        first, last = fake.first_name(), fake.last_name()
        phone = fake.numerify(rnd.choice(PHONE_FORMATS[lang])) if rnd.random() < 0.9 else None
        rows.append((first, last, _email(first, last, fake, rnd), phone))
    buyer_ids = np.arange(1, N_CUSTOMERS + 1, dtype=np.int64)
    customer = pl.DataFrame(
        {
            "buyer_id": buyer_ids,
            **dict(zip(("fname", "lname", "email", "phone"), zip(*rows, strict=True), strict=True)),
        },
        schema=SOURCE_TABLE_SCHEMAS["customer"],
    )
    buyer_weight = rng.gamma(0.6, size=N_CUSTOMERS)  # a few prolific reviewers
    return customer, buyer_ids, buyer_fr, buyer_weight / buyer_weight.sum()


def _topic_mix() -> np.ndarray:
    """Cumulative topic probabilities per mood and category: size and fit is mostly a clothing topic, books have
    little of it."""
    topic_w = np.tile(_TOPIC_BASE, (len(TEMPLATE_MOODS), len(CATEGORIES), 1))
    topic_w[TEMPLATE_MOODS.index("neg")] *= _TOPIC_NEG_BOOST
    topic_w[:, _CLOTHING, TOPICS.index("size_fit")] = 0.25
    topic_w[:, _BOOKS, TOPICS.index("size_fit")] = 0.0
    topic_w[:, _BOOKS, TOPICS.index("usability")] = 0.02
    return np.cumsum(topic_w / topic_w.sum(axis=2, keepdims=True), axis=2)


@functools.lru_cache(maxsize=4)
def build_catalogue(seed: int) -> Catalogue:
    """The catalogue and pools of `seed`; cached, as every day generated with the seed shares them."""
    rnd = random.Random(seed)
    rng = np.random.default_rng([seed, 0])
    fakers = {"en": Faker("en_US"), "fr": Faker("fr_FR")}
    for offset, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 2 + offset)

    # The steps share `rnd`, `rng` and the fakers: reordering them changes every seed's data.
    product, p_ids, p_cat, p_weight = _products(rnd, rng)
    category = pl.DataFrame(
        {"category_id": range(1, len(CATEGORIES) + 1), "name": CATEGORIES}, schema=SOURCE_TABLE_SCHEMAS["category"]
    )
    customer, buyer_ids, buyer_fr, buyer_weight = _customers(rnd, rng, fakers)
    sentences, titles, openers = _text_pools(rnd)
    persons, pii = _pii_pools(rnd, fakers)
    return Catalogue(
        category=category,
        product=product,
        customer=customer,
        p_ids=p_ids,
        p_cat=p_cat,
        p_weight=p_weight,
        buyer_ids=buyer_ids,
        buyer_fr=buyer_fr,
        buyer_weight=buyer_weight,
        topic_cum=_topic_mix(),
        sentences=sentences,
        titles=titles,
        openers=openers,
        persons=persons,
        pii=pii,
    )
