"""An evaluation set the detectors were not written against: real review texts with personal values inserted.

Each sample is one real review (`shared/data/reviews`: English clothing, French books) with one to three values of
a single locale put in at a random place (start, between sentences, end, or mid-sentence), in one of many formats
and cases, sometimes after a carrier phrase and sometimes bare. Locales: `LOCALES` (Faker's name, address, e-mail,
card and IBAN tables of each) and phones from `phonenumbers`' example numbers of each locale's country, their last
digits redrawn while still valid. Names come from Faker's locales other than the name detector's own lexicon
(en_US, fr_FR) as well as from those two, and the report says which. One sample in seven carries look-alikes that
must stay (order numbers, SKUs, prices, tracking codes, dates, brand and celebrity names).

The split is sealed by the review alone: SHA-256("pii:" + source + ":" + id) mod 5 == 0 is **test**, decided before
any detector was tuned on the set; tune on `dev` only. Nothing here is committed data: the set is rebuilt, byte
for byte, from the shared reviews and the seed (Faker and phonenumbers are pinned).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from faker import Faker

from review_platform.contract import PiiType

SEED = 20261201
TEST_SHARE_MODULUS = 5
# Locale of the values -> language code reported. The name lexicon reads en_US and fr_FR only.
LOCALES = {
    "en_US": "en",
    "en_GB": "en",
    "fr_FR": "fr",
    "de_DE": "de",
    "es_ES": "es",
    "it_IT": "it",
    "nl_NL": "nl",
    "pl_PL": "pl",
    "da_DK": "da",
    "sv_SE": "sv",
    "pt_PT": "pt",
}
LEXICON_LOCALES = frozenset({"en_US", "fr_FR"})
INSERTED_TYPES = (PiiType.PERSON, PiiType.ADDRESS, PiiType.PHONE, PiiType.EMAIL, PiiType.CARD, PiiType.IBAN)

# Carrier phrases, some with the cues people really use and some without any ("{}" is the value).
CARRIERS: dict[str, dict[PiiType, list[str]]] = {
    "en": {
        PiiType.PERSON: [
            "{}",
            "My name is {}.",
            "I'm {} and I",
            "- {}",
            "Thanks, {}",
            "bought it for {} last week",
            "{} and I both",
            "according to {}",
            "my neighbour {} has one too",
            "signed: {}",
            "ask {} at the store",
        ],
        PiiType.ADDRESS: ["{}", "send it to {}", "I live at {}", "ship to: {}", "delivered to {} instead"],
        PiiType.PHONE: ["{}", "call me on {}", "my number is {}", "text {}", "(tel {})", "reach me at {} anytime"],
        PiiType.EMAIL: ["{}", "email me at {}", "write to {}", "contact: {}", "my address is {}"],
        PiiType.CARD: ["{}", "charged twice on card {}", "my card {} was", "paid with {}"],
        PiiType.IBAN: ["{}", "refund to {}", "my IBAN is {}", "bank account {}"],
    },
    "fr": {
        PiiType.PERSON: [
            "{}",
            "Je m'appelle {}.",
            "Moi, {}, je",
            "— {}",
            "Merci, {}",
            "offert à {} pour Noël",
            "{} et moi avons",
            "d'après {}",
            "ma voisine {} l'a aussi",
            "signé : {}",
            "demandez à {} en boutique",
        ],
        PiiType.ADDRESS: ["{}", "envoyez-le au {}", "j'habite {}", "livraison : {}", "livré au {} par erreur"],
        PiiType.PHONE: ["{}", "appelez-moi au {}", "mon numéro : {}", "tél. {}", "(portable {})", "joignable au {}"],
        PiiType.EMAIL: ["{}", "écrivez-moi à {}", "mon mail : {}", "contact : {}", "mon adresse est {}"],
        PiiType.CARD: ["{}", "débité deux fois sur la carte {}", "ma carte {} a", "payé avec {}"],
        PiiType.IBAN: ["{}", "remboursez sur {}", "mon IBAN : {}", "compte {}"],
    },
}
# Values that must stay: nothing personal in them. "{n}" digits, "{a}" a capital letter.
LOOK_ALIKES = [
    "Order #{n7} arrived",
    "order no. {a}{a}-{n6}",
    "SKU {n3}-{n4}-{a}",
    "model {a}{a}{n4}",
    "tracking {a}{a}{n9}FR",
    "paid €{n2}.{n2}",
    "$ {n3}.99",
    "on {n2}/{n2}/2024",
    "le {n2}/{n2}/2023 à 14h{n2}",
    "size {n2}, 34B",
    "ref. {n8}",
    "like Calvin Klein jeans",
    "worn by Taylor Swift in the video",
    "un roman de Victor Hugo",
    "comme chez Jean Paul Gaultier",
    "the Tommy Hilfiger one",
    "version {n1}.{n1}.{n2}",
    "{n3} g",
    "lot {n5}",
]


@dataclass
class InsertedSample:
    """One real review with values inserted; `entities` are exact character spans with the values' locale."""

    sample_id: str
    source: str
    review_id: str
    language: str  # of the review text
    locale: str  # of the inserted values ("" for look-alikes only)
    split: str
    text: str
    entities: list[dict] = field(default_factory=list)  # {"type", "start", "end", "locale", "format"}

    def as_example(self) -> dict:
        """The shape `pii.evaluation.evaluate` reads."""
        return {"text": self.text, "entities": self.entities}


def sample_split(source: str, review_id: str) -> str:
    digest = hashlib.sha256(f"pii:{source}:{review_id}".encode()).hexdigest()
    return "test" if int(digest[:8], 16) % TEST_SHARE_MODULUS == 0 else "dev"


def _group(digits: str, size: int, separator: str) -> str:
    return separator.join(digits[i : i + size] for i in range(0, len(digits), size))


def _phone(rng: random.Random, region: str) -> tuple[str, str]:
    """A valid number of `region` (an example number with its last digits redrawn) in a random format."""
    kind = rng.choice([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
    example = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
    number = example
    for _ in range(20):
        national = str(example.national_number)
        keep = max(len(national) - 4, 1)
        candidate = national[:keep] + "".join(rng.choice("0123456789") for _ in national[keep:])
        parsed = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(parsed):
            number = parsed
            break
    fmt = rng.choice(["e164", "international", "national", "national_dots", "national_compact", "intl_paren"])
    pnf = phonenumbers.PhoneNumberFormat
    if fmt == "e164":
        return phonenumbers.format_number(number, pnf.E164), fmt
    if fmt == "international":
        return phonenumbers.format_number(number, pnf.INTERNATIONAL), fmt
    national = phonenumbers.format_number(number, pnf.NATIONAL)
    if fmt == "national_dots":
        return re.sub(r"[ \-]", ".", national), fmt
    if fmt == "national_compact":
        return re.sub(r"[^\d+]", "", national), fmt
    if fmt == "intl_paren":
        international = phonenumbers.format_number(number, pnf.INTERNATIONAL)
        code = f"+{number.country_code}"
        return international.replace(code, f"({code})", 1), fmt
    return national, fmt


def _person(rng: random.Random, fake: Faker) -> tuple[str, str]:
    first, last = fake.first_name(), fake.last_name()
    fmt = rng.choice(["title", "title", "title", "lower", "upper_last", "initial_middle", "full"])
    if fmt == "lower":
        return f"{first} {last}".lower(), fmt
    if fmt == "upper_last":
        return f"{first} {last.upper()}", fmt
    if fmt == "initial_middle":
        return f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}", fmt
    if fmt == "full":
        return fake.name(), fmt  # may carry a title or a suffix, as the locale writes names
    return f"{first} {last}", fmt


def _address(rng: random.Random, fake: Faker) -> tuple[str, str]:
    fmt = rng.choice(["street", "full", "full", "street_unit"])
    if fmt == "street":
        return fake.street_address(), fmt
    if fmt == "street_unit":
        unit = rng.choice(["Apt. {}", "Suite {}", "Flat {}", "apt {}", "Bât. B, {}e étage"]).format(rng.randint(2, 40))
        return f"{fake.street_address()}, {unit}", fmt
    return ", ".join(part.strip() for part in fake.address().splitlines() if part.strip()), fmt


def _email(rng: random.Random, fake: Faker) -> tuple[str, str]:
    address = rng.choice([fake.free_email, fake.company_email, fake.email])()
    fmt = rng.choice(["plain", "plain", "plain", "upper", "bracket_at", "words"])
    local, _, domain = address.partition("@")
    if fmt == "upper":
        return address.upper(), fmt
    if fmt == "bracket_at":
        return f"{local}{rng.choice(['[at]', '(at)', ' [at] ', '{at}'])}{domain}", fmt
    if fmt == "words":
        return f"{local.replace('.', ' dot ')} at {domain.replace('.', ' dot ')}", fmt
    return address, fmt


def _card(rng: random.Random, fake: Faker) -> tuple[str, str]:
    digits = fake.credit_card_number()  # the locale's own card networks
    separator = rng.choice([" ", " ", "-", ".", ""])
    if len(digits) == 15:  # American Express: 4-6-5
        grouped = separator.join([digits[:4], digits[4:10], digits[10:]])
    else:
        grouped = _group(digits, 4, separator)
    return grouped, f"sep{separator!r}"


def _iban(rng: random.Random, fake: Faker) -> tuple[str, str]:
    iban = fake.iban()
    fmt = rng.choice(["compact", "grouped", "grouped", "lower_grouped"])
    if fmt == "compact":
        return iban, fmt
    grouped = _group(iban, 4, " ")
    return (grouped.lower() if fmt == "lower_grouped" else grouped), fmt


def _fill_look_alike(rng: random.Random, template: str) -> str:
    def digits(match: re.Match[str]) -> str:
        return "".join(rng.choice("0123456789") for _ in range(int(match.group(1))))

    text = re.sub(r"\{n(\d)\}", digits, template)
    return re.sub(r"\{a\}", lambda _: rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ"), text)


VALUE_MAKERS: dict[PiiType, Callable[[random.Random, Faker], tuple[str, str]]] = {
    PiiType.PERSON: _person,
    PiiType.ADDRESS: _address,
    PiiType.EMAIL: _email,
    PiiType.CARD: _card,
    PiiType.IBAN: _iban,
}


def _insertion_points(text: str, taken: list[dict]) -> list[int]:
    """Where a value may go: the start, the end, after a sentence, or between two words; never inside a value
    already inserted (`taken`)."""
    points = {0, len(text)}
    points.update(match.end() for match in re.finditer(r"[.!?]\s+", text))
    spaces = [match.start() for match in re.finditer(r" ", text)]
    points.update(spaces[:: max(len(spaces) // 6, 1)])
    return sorted(p for p in points if not any(e["start"] <= p < e["end"] for e in taken))


def _insert(rng: random.Random, text: str, piece: str, taken: list[dict]) -> tuple[str, int, int]:
    """`text` with `piece` put in at a random point: (new text, where the piece starts, characters added)."""
    point = rng.choice(_insertion_points(text, taken))
    before, after = text[:point], text[point:]
    left = "" if not before or before.endswith((" ", "\n")) else " "
    right = "" if not after or after.startswith((" ", "\n")) else " "
    return f"{before}{left}{piece}{right}{after}", point + len(left), len(left) + len(piece) + len(right)


def _value(rng: random.Random, pii_type: PiiType, locale: str, fake: Faker) -> tuple[str, str]:
    if pii_type is PiiType.PHONE:
        return _phone(rng, locale.split("_")[1])  # the locale's country: en_GB -> GB
    value, fmt = VALUE_MAKERS[pii_type](rng, fake)
    return value.strip(), fmt  # some locales' street addresses end with a space, which is not the value


def build_inserted_set(reviews: list[tuple[str, str, str, str]], seed: int = SEED) -> list[InsertedSample]:
    """Samples from `reviews` ((source, id, language, text) of real reviews), deterministic for a seed."""
    rng = random.Random(seed)
    fakers = {locale: Faker(locale) for locale in LOCALES}
    for offset, fake in enumerate(fakers.values()):
        fake.seed_instance(seed + offset)
    locales = list(LOCALES)
    samples = []
    for index, (source, review_id, language, text) in enumerate(reviews):
        sample = InsertedSample(
            f"{source}:{review_id}", source, review_id, language, "", sample_split(source, review_id), text
        )
        if index % 7 == 6:  # look-alikes only
            for _ in range(rng.randint(1, 3)):
                sample.text, _, _ = _insert(rng, sample.text, _fill_look_alike(rng, rng.choice(LOOK_ALIKES)), [])
            samples.append(sample)
            continue
        sample.locale = locale = locales[index % len(locales)]
        carriers = CARRIERS["fr" if language == "fr" else "en"]
        for _ in range(rng.choice([1, 1, 2, 3])):
            pii_type = INSERTED_TYPES[rng.randrange(len(INSERTED_TYPES))]
            value, fmt = _value(rng, pii_type, locale, fakers[locale])
            carrier = rng.choice(carriers[pii_type])
            sample.text, piece_at, added = _insert(rng, sample.text, carrier.replace("{}", value), sample.entities)
            for entity in sample.entities:  # spans after the insertion point move right
                if entity["start"] >= piece_at:
                    entity["start"] += added
                    entity["end"] += added
            start = piece_at + carrier.index("{}")
            sample.entities.append(
                {"type": pii_type.value, "start": start, "end": start + len(value), "locale": locale, "format": fmt}
            )
        samples.append(sample)
    return samples


def load_inserted_set(data_dir: Path, per_source: int = 1200, seed: int = SEED) -> list[InsertedSample]:
    """The set built from the reviews in `data_dir` (shared/data/reviews): `per_source` reviews of 60 to 700
    characters from each source, picked by seed."""
    from review_platform.nlp.training.data import load_real_reviews

    frame = load_real_reviews(data_dir)
    rng = random.Random(seed)
    chosen: list[tuple[str, str, str, str]] = []
    for source in sorted(set(frame.get_column("source").to_list())):
        rows = [
            row
            for row in frame.filter(frame.get_column("source") == source).iter_rows(named=True)
            if 60 <= len(row["text"]) <= 700
        ]
        rng.shuffle(rows)
        chosen += [(row["source"], row["id"], row["language"], row["text"]) for row in rows[:per_source]]
    return build_inserted_set(chosen, seed)
