"""The demo generator's text templates (`templates.yaml`): catalogue vocabulary, review sentences and titles, PII
templates and formats, loaded and checked once at import so that a mistake in the file fails there, not mid-run.

Lists become tuples, so a caller cannot change the templates every later generation draws from.
"""

from __future__ import annotations

from importlib import resources as package_files
from typing import Any

import yaml

from review_platform.contract import PiiType

LANGS = ("en", "fr")
# The mood a template is written in. Not the NLP's sentiment labels (`nlp.taxonomy.SENTIMENTS`): the categoriser
# has to find those on its own, and the demo data only knows which template a text came from.
TEMPLATE_MOODS = ("neg", "neu", "pos")
# In the order of the topic weights in `catalogue.py`.
TOPICS = (
    "delivery",
    "quality",
    "defect",
    "price",
    "size_fit",
    "packaging",
    "service",
    "usability",
    "authenticity",
    "other",
)


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def _check(spec: dict) -> None:
    for section in ("sentences", "titles"):
        if set(spec[section]) != set(TOPICS):
            raise ValueError(f"templates.yaml: `{section}` must have exactly the topics {', '.join(TOPICS)}")
        for topic, by_lang in spec[section].items():
            for lang in LANGS:
                moods = by_lang.get(lang) or {}
                if set(moods) != set(TEMPLATE_MOODS) or not all(moods.values()):
                    raise ValueError(f"templates.yaml: {section}.{topic}.{lang} needs templates for each mood")
    for category in spec["categories"]:
        if any(not category[slot].get(lang) for slot in ("items", "parts") for lang in LANGS):
            raise ValueError(f"templates.yaml: category {category['name']} needs items and parts in {LANGS}")
    for section in ("pii_bodies", "pii_titles", "sign_offs"):
        for lang, templates in spec[section].items():
            flat = templates if isinstance(templates, list) else [t for group in templates.values() for t in group]
            for template in flat:
                text = template["text"] if isinstance(template, dict) else template
                if text.count("{v}") != 1:
                    raise ValueError(f"templates.yaml: {section}.{lang} {text!r} must hold exactly one {{v}}")


def _load() -> dict:
    text = package_files.files("review_platform.demo").joinpath("templates.yaml").read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    _check(spec)
    return _frozen(spec)


_SPEC = _load()
_CATEGORY_SPECS = _SPEC["categories"]

CATEGORIES: tuple[str, ...] = tuple(category["name"] for category in _CATEGORY_SPECS)
# (product type, description, typical price) per category; empty for books, which are named from BOOK_*.
PRODUCT_TYPES: tuple[tuple[tuple[str, str, float], ...], ...] = tuple(c.get("products", ()) for c in _CATEGORY_SPECS)
BRANDS: tuple[tuple[str, ...], ...] = tuple(category.get("brands", ()) for category in _CATEGORY_SPECS)
MODELS: tuple[str, ...] = _SPEC["models"]
EXTRA_FEATURES: tuple[str, ...] = _SPEC["extra_features"]
BOOK_ADJECTIVES: tuple[str, ...] = _SPEC["books"]["adjectives"]
BOOK_NOUNS: tuple[str, ...] = _SPEC["books"]["nouns"]
BOOK_KINDS: tuple[tuple[str, str, float], ...] = _SPEC["books"]["kinds"]
# [lang][category index] -> generic nouns for the product, and parts that can break.
ITEMS: dict[str, tuple[tuple[str, ...], ...]] = {
    lang: tuple(category["items"][lang] for category in _CATEGORY_SPECS) for lang in LANGS
}
PARTS: dict[str, tuple[tuple[str, ...], ...]] = {
    lang: tuple(category["parts"][lang] for category in _CATEGORY_SPECS) for lang in LANGS
}

WORDS: dict[str, dict[str, tuple[str, ...]]] = _SPEC["words"]
SENTENCES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = _SPEC["sentences"]  # [topic][lang][mood]
TITLES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = _SPEC["titles"]  # [topic][lang][mood]
GENERIC_TITLES: dict[str, dict[str, tuple[str, ...]]] = _SPEC["generic_titles"]  # [lang][mood]
SHORT_BODIES: dict[str, dict[str, tuple[str, ...]]] = _SPEC["short_bodies"]  # [lang][mood]
OPENERS: dict[str, tuple[str, ...]] = _SPEC["openers"]
CLOSERS: dict[str, dict[str, tuple[str, ...]]] = _SPEC["closers"]  # [lang][mood]
PREFIXES: dict[str, tuple[str, ...]] = _SPEC["prefixes"]

# [lang][type] -> (gender of the name it needs: "m", "f" or "" for any, template)
PII_BODIES: dict[str, dict[PiiType, tuple[tuple[str, str], ...]]] = {
    lang: {
        PiiType(pii_type): tuple(
            (entry["gender"], entry["text"]) if isinstance(entry, dict) else ("", entry) for entry in entries
        )
        for pii_type, entries in by_type.items()
    }
    for lang, by_type in _SPEC["pii_bodies"].items()
}
PII_TITLES: dict[str, dict[PiiType, tuple[str, ...]]] = {
    lang: {PiiType(pii_type): templates for pii_type, templates in by_type.items()}
    for lang, by_type in _SPEC["pii_titles"].items()
}
SIGN_OFFS: dict[str, tuple[str, ...]] = _SPEC["sign_offs"]
PHONE_FORMATS: dict[str, tuple[str, ...]] = _SPEC["phone_formats"]
# fr: (city, postcode prefix); en: (city, state, ZIP code prefix)
CITIES: dict[str, tuple[tuple[str, ...], ...]] = _SPEC["cities"]
