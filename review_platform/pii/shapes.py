"""The leak guard's first line: a detector built differently from the redactor's, tuned for recall.

The redactor finds values by their formats (libphonenumber, checksums, street lexicons, name lists, spaCy). A
guard that ran those again would miss exactly what the redactor missed. This one looks at the shapes personal
values share instead, without validating them:

- DIGITS: seven digits or more in one run, whatever the separators (`+`, spaces, dots, hyphens, slashes,
  brackets): phones of any country and format, cards and account numbers, checksum or not;
- ACCOUNT: two letters, two digits and ten or more letters or digits (an IBAN, valid or not);
- AT: an `@` between two words, an `[at]`-style or spelled-out e-mail (`x at y dot com`), a `@handle`;
- ADDRESS: a postcode followed by a capitalised town; a number next to a street word of any of a dozen
  languages, or glued to one (`Hauptstraße 12`); a French street type before a name (`chemin Fleury`); a flat,
  suite, floor or PO box with its number;
- NAME: two or three capitalised words in a row (`Title`, or `CAPS` after a `Title`; name particles between:
  `Liv van den Velde`) of which one is not an ordinary word (`pii.vocabulary.plain_lemma`), the first word of a
  sentence aside; an honorific before a capitalised word; two lowercase words that no lexicon knows
  (`vicente moreira`), or of which one is a WordNet noun at most (`todd oconnor`).

What it accepts without a second look: dates, times, prices, years and year ranges, versions, ISBNs, order,
reference and tracking numbers that say so, and the redactor's own placeholders, masks and hash tokens. Found
spans carry the PiiType nearest to their shape, so a guard hit reports a kind, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity, merge_entities
from review_platform.pii.vocabulary import english_noun, known_word, plain_lemma

# What the redactor leaves: `<TYPE>`, `<TYPE:letters>` and masks of `*`.
_REDACTED = re.compile(r"<[A-Z_]+(?::[A-Za-z]+)?>|\*{2,}")

_DIGIT_RUN = re.compile(r"(?<![\w.,])\+?\(?\d(?:[ \u00a0\u202f.\-/()]{0,3}\d){6,}(?![\w])")
_DATE = re.compile(r"\b\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}\b|\b(?:1[89]|20)\d\d\s?[-–/à]\s?(?:1[89]|20)\d\d\b")
_AMOUNT_AFTER = re.compile(
    r"^\s?(?:[€$£¥%]|eur\b|euros?\b|usd\b|dollars?\b|gbp\b|chf\b|kr\b|zł|ko\b|mo\b|go\b|gb\b)", re.I
)
_AMOUNT_BEFORE = re.compile(r"(?:[€$£¥]|eur|usd|gbp)\s?$", re.I)
_CODE_BEFORE = re.compile(
    r"(?:isbn(?:-1[03])?|ean|sku|ref|réf|order|commande|cmd|n°|no\.|nº|#|tracking|suivi|colis|lot|model|modèle|"
    r"version|v|serial|série|facture|invoice)\s*[:.#-]?\s*$",
    re.I,
)

_ACCOUNT = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){10,30}\b")

_AT = re.compile(
    r"[\w.+\-]+\s?(?:@|[\[({<]\s?(?:at|@|arobase)\s?[\])}>])\s?[\w\-]+(?:\s?(?:\.|[\[({]\s?(?:dot|point)\s?[\])}])\s?"
    r"[\w\-]+)*"
    r"|\b[\w.+\-]+(?:\s(?:dot|point)\s[\w\-]+)*\s(?:at|arobase)\s[\w\-]+(?:\s(?:dot|point)\s[\w\-]+)+\b"
    r"|(?<![\w@])@[A-Za-z_][\w.]{2,}",
    re.I,
)

# Only a text with one of these can hold an e-mail or a handle: most texts skip `_AT`.
_AT_HINT = re.compile(r"@|[\[({<]\s?(?:at|arobase)\s?[\])}>]|\s(?:at|arobase)\s", re.I)

_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|av|boulevard|blvd|bd|lane|ln|drive|dr|court|ct|way|place|pl|square|sq|terrace|"
    "close|crescent|circle|cir|parkway|pkwy|highway|hwy|row|mews|grove|gardens|walk|hill|park|trail|loop|pike|"
    "rue|chemin|allée|allee|impasse|quai|cours|route|voie|passage|sentier|rond-point|faubourg|"
    "straße|strasse|str|weg|gasse|platz|allee|ring|damm|ufer|"
    "calle|avenida|avda|paseo|plaza|camino|carrer|"
    "via|viale|piazza|corso|vicolo|largo|"
    "rua|travessa|praça|largo|estrada|"
    "ulica|ul|aleja|al|plac|osiedle|os|"
    "straat|laan|plein|gracht|kade|singel|dijk|"
    "gatan|gata|vägen|väg|gade|vej|veien|vei|torget|plads|allé"
)
_STREET_SUFFIX = (
    "straße|strasse|str\\.|weg|gasse|platz|straat|laan|gracht|gatan|vägen|gade|vej|veien|gata|plein|dijk|dreef|"
    "singel|kade|boulevard|hof"
)
# A French street type in lowercase before a capitalised name, number or not: "chemin Fleury", "rue Lepic".
_FR_STREET = "rue|chemin|allée|impasse|avenue|boulevard|quai|ruelle|sentier|passage|faubourg|voie|route"
# Latin capitals, accented ones included (Latin Extended-A alternates capital and small letters: listed)
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_CAP_WORD = rf"[{_UPPER}][\w'’\-]+"
_NUMBER = r"\d{1,5}(?:\s?(?:bis|ter|[A-Za-z]))?(?:/\d{1,4})?"
# Postcodes of the shapes Europe uses: 00-950, 10115, 1017 GB, 123 45, 1000-001 (and 2100, tried against years).
_POSTCODE = r"(?:\d{2}[\- ]\d{3}|\d{4}(?:\s?[A-Z]{2})?|\d{5}|\d{3}\s\d{2}|\d{4}-\d{3})"
# Street words, street-name endings and flat/suite words are looked up word by word (a set, not a regex
# alternation tried at every position, which cost most of the guard's time); the shape is then matched there.
_STREET_SET = frozenset(_STREET_WORDS.split("|"))
_SUFFIXES = tuple(_STREET_SUFFIX.replace("\\", "").split("|"))
_UNIT_WORDS = frozenset(
    (
        *("apt", "appt", "ste", "fl", "bât", "bat", "etg", "whg", "lgh", "bp", "cs"),
        *("apartment", "appartement", "suite", "flat", "unit", "studio", "bâtiment", "étage", "etage", "floor"),
        *("piso", "puerta", "wohnung", "postfach", "apartado"),
    )
)
_WORD = re.compile(r"[\w'’\-]+\.?")
_AFTER_STREET_WORD = re.compile(rf"\s+(?:[\w'’\-]+\s+){{0,3}}?{_CAP_WORD}(?:\s+{_CAP_WORD})*,?\s+{_NUMBER}\b")
_AFTER_SUFFIX = re.compile(rf"\s+{_NUMBER}\b")
_AFTER_UNIT = re.compile(r"\s*(?:n°\s?)?\d{1,5}[A-Za-z]?\b(?!\s?%)")
_NUMBER_FIRST = re.compile(
    rf"\b{_NUMBER},?\s+(?:(?:{_CAP_WORD}|de|du|des|la|le|les|of|the)\s+){{0,4}}(?i:{_STREET_WORDS})\b\.?"
)
_POSTCODES = re.compile(
    rf"\b(?<![\d.,]){_POSTCODE}\s+{_CAP_WORD}|\b[A-Z]{{1,2}}\d[A-Z\d]?\s\d[A-Z]{{2}}\b|\b[A-Z]{{2}}\s\d{{5}}(?:-\d{{4}})?\b"
    r"|\b(?i:p\.?\s?o\.?\s?box)\s*\d{1,6}\b|\b\d{1,2}(?:e|er|ème|th|st|nd|rd)\s(?i:étage|floor)\b"
)
_DIGIT = re.compile(r"\d")
_YEAR_TOWN = re.compile(r"^(?:1[5-9]|20)\d\d\s")
_ADDRESS_WITHOUT_NUMBER = re.compile(rf"\b(?:{_FR_STREET})\s(?:(?:de|du|des|la|le|les|d'|l')\s?)?{_CAP_WORD}")


def _addresses(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _ADDRESS_WITHOUT_NUMBER.finditer(text)]
    if not _DIGIT.search(text):
        return spans
    spans += [m.span() for m in _NUMBER_FIRST.finditer(text)]
    spans += [m.span() for m in _POSTCODES.finditer(text) if not _YEAR_TOWN.match(m.group())]
    for word in _WORD.finditer(text):
        lower = word.group().lower()
        bare = lower.rstrip(".")
        # "a stupid place. After 5 days": a sentence ends there, after no abbreviation
        sentence_end = lower != bare and len(bare) > 4
        if bare in _STREET_SET and not sentence_end and (after := _AFTER_STREET_WORD.match(text, word.end())):
            spans.append((word.start(), after.end()))
        if lower.endswith(_SUFFIXES) and (after := _AFTER_SUFFIX.match(text, word.end())):
            spans.append((word.start(), after.end()))
        if bare in _UNIT_WORDS and (after := _AFTER_UNIT.match(text, word.end())):
            spans.append((word.start(), after.end()))
    return spans


_HONORIFIC = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mme|Mlle|M|Me|Herr|Frau|Sr|Sra|Srta|Sig|Sig\.ra|Dhr|Mevr|Pan|Pani)\.?\s"
    rf"{_CAP_WORD}(?:\s{_CAP_WORD})?"
)
_LOWER = "a-zß-öø-ÿāăąćčďđēėęěğģīįıķĺļľłńņňōőœŕřśşšţťūůűųźżž"
# A capital then a small letter ("D'Angelo" too); "L'ACHETEZ" and "NE" are not names' first words.
_TITLE_WORD = rf"[{_UPPER}](?:['’][{_UPPER}])?[{_LOWER}][\w'’\-]*"
# Between the words of a name. French "de", "du", "la" join titles too ("Histoire de France"): lowercase only.
_NAME_PARTICLES = r"(?:da|di|del|della|van|von|der|den|ten|ter|dos|das|zu|af|av)"
_PARTICLES = rf"(?:{_NAME_PARTICLES}|de|du|le|la)"
_NAME = re.compile(
    rf"{_TITLE_WORD}(?:\s(?:[{_UPPER}]\.\s|{_NAME_PARTICLES}\s(?:{_NAME_PARTICLES}\s)?)?(?:{_CAP_WORD}|[{_UPPER}]{{2,}}\b)){{1,2}}"
)
# Two lowercase words in a row, or with particles between them ("yfke de bruin"), looked at pair by pair.
_LOWER_WORD = rf"[{_LOWER}][{_LOWER}'’\-]{{2,}}"
_LOWER_PAIR = re.compile(rf"(?<![\w'’\-])(?=({_LOWER_WORD})((?:\s{_PARTICLES}){{0,2}}\s)({_LOWER_WORD})(?![\w'’\-]))")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\n\"“«(]\s*|\s-\s|\s—\s)$")


def _accepted_digits(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    if _DATE.fullmatch(value.strip(" ()")) or re.fullmatch(r"\d{1,3}(?:[ .\u202f]\d{3})+(?:[,.]\d{1,2})?", value):
        return True
    before, after = text[max(start - 24, 0) : start], text[end : end + 8]
    return bool(_AMOUNT_AFTER.match(after) or _AMOUNT_BEFORE.search(before) or _CODE_BEFORE.search(before))


def _digits(text: str) -> list[Entity]:
    found = []
    for match in _DIGIT_RUN.finditer(text):
        start, end = match.span()
        if sum(ch.isdigit() for ch in match.group()) < 7 or _accepted_digits(text, start, end):
            continue
        found.append(Entity(PiiType.PHONE, start, end, 0.5))
    return found


def _names(text: str) -> list[Entity]:
    found = []
    for pattern, needs_rare in ((_HONORIFIC, False), (_NAME, True)):
        for match in pattern.finditer(text):
            words = [w for w in re.findall(r"[\w'’\-]+", match.group()) if not re.fullmatch(_PARTICLES, w)]
            start = match.start()
            if not needs_rare and words[0] in ("M", "Me") and known_word(words[1]):
                continue  # "taille M. Bilan mitigé", "Me Too": a size, a word, not "M. Lefebvre"
            if needs_rare:
                at_start = bool(_SENTENCE_START.search(text[max(start - 4, 0) : start]))
                rest = words[1:] if at_start else words
                if at_start and len(words) < 3 and plain_lemma(words[0]):
                    continue
                if not rest or all(plain_lemma(word) or len(word) < 2 for word in rest):
                    continue
            found.append(Entity(PiiType.PERSON, start, match.end(), 0.4))
    # Lowercase names: two words no lexicon knows ("vicente moreira"), or one a WordNet noun only ("todd oconnor").
    for match in _LOWER_PAIR.finditer(text):
        first, between, second = match.groups()
        if known_word(first) or known_word(second) or (english_noun(first) and english_noun(second)):
            continue
        start = match.start()
        found.append(Entity(PiiType.PERSON, start, start + len(first) + len(between) + len(second), 0.3))
    return found


def shape_detect(text: str, names: bool = True) -> list[Entity]:
    """Spans of `text` shaped like personal values, merged; the guard reads only that something was found, and
    of which kind. `names=False` leaves out the NAME line (product and category names: there a name is a brand)."""
    if not text:
        return []
    clean = _REDACTED.sub(lambda m: " " * len(m.group()), text)
    found = _digits(clean)
    found += [
        Entity(PiiType.IBAN, *m.span(), 0.5)
        for m in _ACCOUNT.finditer(clean)
        if any(c.isdigit() for c in m.group()[4:])
    ]
    if _AT_HINT.search(clean):
        found += [Entity(PiiType.EMAIL, *m.span(), 0.5) for m in _AT.finditer(clean)]
    found += [Entity(PiiType.ADDRESS, start, end, 0.4) for start, end in _addresses(clean)]
    if names:
        found += _names(clean)
    return merge_entities(found)


def rows_with_shapes(
    frame: pl.DataFrame, columns: Sequence[str], id_column: str = "review_id", catalogue: Sequence[str] = ()
) -> pl.DataFrame:
    """(`id_column`, `kinds`) for each row of `frame` in which one of `columns` (or of `catalogue`, read without
    the NAME line) holds something shaped like a personal value; `kinds` lists the PiiTypes nearest to the shapes
    found, never the value. Columns `frame` lacks are skipped."""
    texts = [column for column in columns if column in frame.columns]
    products = [column for column in catalogue if column in frame.columns]
    ids, kinds = [], []
    for row in frame.select(id_column, *texts, *products).iter_rows():
        found = sorted(
            {
                entity.type.value
                for position, text in enumerate(row[1:])
                if isinstance(text, str)
                for entity in shape_detect(text, names=position < len(texts))
            }
        )
        if found:
            ids.append(row[0])
            kinds.append(",".join(found))
    return pl.DataFrame(
        {id_column: ids, "kinds": kinds}, schema={id_column: frame.schema[id_column], "kinds": pl.String}
    )
