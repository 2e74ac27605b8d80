"""Rule-based detectors for structured personal data: e-mail, phone, card, IBAN, IP address, street address, URL,
social-media handle.

Each detector has two regular expressions:

- `prefilter`, written in the syntax shared by Python's `re` and Rust's `regex` (no look-around, no
  back-reference), which polars evaluates over whole columns to pick the rows worth a closer look. It is a
  deliberate superset: every text in which `detect` finds something matches it (the tests check this).
- `pattern`, for Python's `re`, which finds exact candidates in those rows; a Python validator then keeps the real
  ones (Luhn for cards, mod-97 for IBANs, octet ranges for IPs, personal parameters for URLs...).

Quantifiers are bounded and candidates anchored by look-behinds, so a hostile 1 MB text costs linear time.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable
from urllib.parse import parse_qsl, unquote, urlsplit

import phonenumbers
from faker.providers.address.en_US import Provider as _UsAddress

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity
from review_platform.pii.names import FIRST_NAMES, LAST_NAME_WORDS


def _words(text: str) -> list[str]:
    return text.split()


# Spaces people put between digit groups, including the no-break spaces French typography uses.
_SPACE = " \u00a0\u202f"
_SEP = f"[{_SPACE}.\\-]"


@runtime_checkable
class Detector(Protocol):
    """Anything that finds personal data in a text. `prefilter` None means "run on every non-empty text"."""

    name: str
    types: frozenset[PiiType]
    prefilter: str | None

    def detect(self, text: str) -> list[Entity]: ...

    def detect_batch(self, texts: Sequence[str]) -> list[list[Entity]]: ...


class PatternDetector:
    """Candidates from `pattern`, each kept or dropped by `validate`.

    A rejected candidate does not hide what follows it: the search resumes one character after its start, so a
    16-digit card preceded by an unrelated number is still found.
    """

    name = "pattern"
    types: frozenset[PiiType] = frozenset()
    prefilter: str | None = None
    pattern: re.Pattern[str]
    # A cheap test in Python: texts without any of these characters cannot match (None: no such test).
    required_chars: str | None = None
    # Where the search resumes after a rejected candidate: one character on (the default), or past it for
    # detectors whose candidates cannot hide another one (a URL runs to the next space).
    skip_rejected = False
    # Past this many rejected candidates the rest of the text is not searched (None: no bound), for detectors
    # whose `validate` is costly; their types must also be found by a linear-time detector.
    max_rejected: int | None = None

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        raise NotImplementedError

    def detect(self, text: str) -> list[Entity]:
        if self.required_chars is not None and not any(c in text for c in self.required_chars):
            return []
        found: list[Entity] = []
        pos = rejected = 0
        search = self.pattern.search
        while (match := search(text, pos)) is not None:
            entity = self.validate(text, match)
            if entity is None:
                rejected += 1
                if self.max_rejected is not None and rejected > self.max_rejected:
                    break
                pos = match.end() if self.skip_rejected else match.start() + 1
            else:
                found.append(entity)
                pos = max(entity.end, match.start() + 1)
        return found

    def detect_batch(self, texts: Sequence[str]) -> list[list[Entity]]:
        return [self.detect(text) for text in texts]


# ---------------------------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------------------------


class EmailDetector(PatternDetector):
    name = "email"
    types = frozenset({PiiType.EMAIL})
    # \w is Unicode in both engines: "jérôme@exemple.fr" is one address, not "me@exemple.fr" after "jérô".
    prefilter = r"[\w.%+\-]@[\w\-]"
    pattern = re.compile(r"(?<![\w.%+\-])[\w.%+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,8}\.[^\W\d_]{2,24}(?![\w\-])")
    required_chars = "@"

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        start, end = match.span()
        while start < end and text[start] == ".":  # "...jean@x.fr" after an ellipsis
            start += 1
        return Entity(PiiType.EMAIL, start, end, 1.0)


_AT_BRACKETED = r"\s?[\[({<]\s?(?:at|@|arobase)\s?[\])}>]\s?"
_DOT_SPELLED = r"(?:\.|\s?[\[({]\s?(?:dot|point)\s?[\])}]\s?|\s(?:dot|point)\s)"
# Top-level domains an address spelled out must end with, so that "at the shop dot" is not an address.
_COMMON_TLDS = (
    "com|net|org|info|biz|io|co|me|eu|fr|be|ch|lu|de|at|uk|ie|es|it|pt|nl|dk|se|no|fi|pl|cz|us|ca|au|br|in|jp"
)


class ObfuscatedEmailDetector(PatternDetector):
    """E-mail addresses written to dodge scrapers: "marie.dupont[at]gmail.com", "jean (at) free (dot) fr",
    "john dot doe at gmail dot com" (the spelled-out "at" form needs a spelled "dot" and a common domain)."""

    name = "obfuscated_email"
    types = frozenset({PiiType.EMAIL})
    prefilter = r"(?i)[\[({<]\s?(?:at|arobase)\s?[\])}>]|\s(?:at|chez)\s[\w\-]+\s(?:dot|point)\s"
    pattern = re.compile(
        rf"(?i)(?<![\w.%+\-])(?:[\w.%+\-]{{1,64}}{_AT_BRACKETED}"
        rf"|[\w%+\-]{{1,64}}(?:\s(?:dot|point)\s[\w%+\-]{{1,64}}){{0,4}}\s(?:at|chez)\s)"
        rf"[\w\-]{{1,63}}(?:{_DOT_SPELLED}[\w\-]{{1,63}}){{0,4}}{_DOT_SPELLED}(?:{_COMMON_TLDS})(?![\w\-])"
    )
    skip_rejected = True
    _bracketed = re.compile(rf"(?i){_AT_BRACKETED}")
    _dot_spelled = re.compile(r"(?i)\s(?:dot|point)\s|[\[({]\s?(?:dot|point)")

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        value = match.group()
        if not self._bracketed.search(value) and not self._dot_spelled.search(value):
            return None  # "look at amazon.com": a spelled-out "at" needs a spelled-out "dot" too
        return Entity(PiiType.EMAIL, match.start(), match.end(), 0.9)


# ---------------------------------------------------------------------------------------------------------------
# Phone
# ---------------------------------------------------------------------------------------------------------------

_PHONE_FR = rf"(?:(?:\+|00)33{_SEP}?(?:\(0\){_SEP}?)?|0)[1-9](?:{_SEP}?[0-9]{{2}}){{4}}"
_PHONE_NANP = (
    rf"(?:\+1{_SEP}?)?(?:\([0-9]{{3}}\)|[0-9]{{3}}){_SEP}?[0-9]{{3}}{_SEP}[0-9]{{4}}"
    rf"(?:{_SEP}?(?:x|ext\.?){_SEP}?[0-9]{{1,5}})?"
)
_PHONE_INTL = rf"(?:\+|00)[1-9][0-9]{{0,3}}(?:{_SEP}?\(0\))?(?:{_SEP}\(?[0-9]{{1,10}}\)?){{1,6}}"
_PHONE_COMPACT = r"\+[1-9][0-9]{7,14}"
_PHONE_CUE = (
    r"(?i:call|phone|t[ée]l|text|reach|number|mobile|cell|whatsapp|fax|sms|appelez|appeler|"
    r"portable|joindre|joignable|num[ée]ro)"
)


class PhoneDetector(PatternDetector):
    """French numbers (06 12 34 56 78, +33 6..., 0033...), North American ((415) 555-0134, +1...), any
    international number written with a + or 00 prefix, and 10 bare digits right after a word like "call"."""

    name = "phone"
    types = frozenset({PiiType.PHONE})
    # Every accepted number has at least 8 digits with at most a separator and a parenthesis between two.
    prefilter = rf"[0-9](?:[{_SPACE}.\-()]{{0,3}}[0-9]){{7}}"
    pattern = re.compile(
        rf"(?<![\w+])(?:{_PHONE_FR}|{_PHONE_NANP}|{_PHONE_INTL}|{_PHONE_COMPACT}|(?P<bare>[2-9][0-9]{{9}}))(?![0-9])"
    )
    _cue_before = re.compile(rf"{_PHONE_CUE}\b[^\n0-9]{{0,24}}$")
    required_chars = "0123456789"

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        start, end = match.span()
        if match.group("bare") is not None:
            # Ten bare digits are as often an order number as a phone: only after a phone word.
            if not self._cue_before.search(text, max(0, start - 40), start):
                return None
            return Entity(PiiType.PHONE, start, end, 0.8)
        digits = sum(c.isdigit() for c in match.group())
        if not 8 <= digits <= 15:
            return None
        return Entity(PiiType.PHONE, start, end, 0.95)


# Regions whose numbers written without a country code are looked for, in this order (the first valid reading
# wins; written with +CC or 00CC, a number of any region is found). Europe and North America, where the shops
# this platform serves sell; add a region here to read its local formats.
PHONE_REGIONS = (
    *("FR", "BE", "CH", "LU", "GB", "IE", "DE", "AT", "NL"),
    *("ES", "IT", "PT", "DK", "SE", "NO", "FI", "PL", "US"),
)


_DOTTED_PAIRS = re.compile(r"[0-9]{2}(?:\.[0-9]{2}){3}")
_DATE = re.compile(r"[0-9]{1,2}([./\- ])[0-9]{1,2}\1(?:1[89]|20)[0-9]{2}")


def _phone_readings(window: str) -> Iterator[phonenumbers.PhoneNumberMatch]:
    """The valid numbers libphonenumber's matcher reads in `window`, region by region of `PHONE_REGIONS`."""
    for region in PHONE_REGIONS:
        yield from phonenumbers.PhoneNumberMatcher(window, region, leniency=phonenumbers.Leniency.VALID)


def _reads_as_national_phone(value: str) -> bool:
    """Whether the matcher reads the whole of `value` as a valid number of one of `PHONE_REGIONS`."""
    return any(found.raw_string == value for found in _phone_readings(value))


class LibPhoneNumberDetector(PatternDetector):
    """Numbers libphonenumber (`phonenumbers`) reads as valid: any region's in international form ("+46 70 123 45
    67", "0046...", "(+33) 6 ..."), and `PHONE_REGIONS`' in national form when written the way phones are (a trunk
    0 or digit groups: "07700 900123", "070.123.57.91", "(201) 555-7975"), or, bare and short ("780 6326",
    "70123456"), right after a phone word. Each candidate digit run is matched in a small window, not the text."""

    name = "libphonenumber"
    types = frozenset({PiiType.PHONE})
    # Seven digits at least (a short local number after a phone word), with what may stand between them.
    prefilter = rf"[0-9](?:[{_SPACE}.\-()/]{{0,4}}[0-9]){{6}}"
    pattern = re.compile(rf"(?<![\w+])(?:\(?\+|00)?[0-9(][0-9(){_SPACE}.\-/]{{5,24}}[0-9]")
    required_chars = "0123456789"
    _cue_before = PhoneDetector._cue_before
    # Each candidate costs a matcher pass per region: past this many rejected ones in a text (digit soup, a
    # hostile input), the rest is left to PhoneDetector's regular expressions, which cost linear time.
    max_rejected = 32
    skip_rejected = True  # a rejected digit run holds no other candidate the matcher would not have read
    _country_code_before = re.compile(r"\(?(?:\+|00)[1-9][0-9]{0,2}\)?[ \u00a0]?$")

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        return self._read(text, match, reread=False)

    @staticmethod
    def _plausible_national(raw: str, digits: int) -> bool:
        """Without a phone word: 9 digits at least, grouped, or bare with a trunk 0 and at most 11 (a longer bare
        run is as often a barcode or an order number); 8 grouped digits only with a trunk 0 ("08-12 78 65") or as
        four dotted pairs ("32.12.60.12"), the way Nordic numbers are written: four pairs between spaces are as
        often a row of sizes."""
        grouped = any(c in raw for c in f"{_SPACE}.-/()")
        if digits == 8:
            if _DATE.fullmatch(raw):
                return False  # "08.12.2024", "02/11/2024"
            return grouped and (raw.startswith("0") or _DOTTED_PAIRS.fullmatch(raw) is not None)
        if digits < 9:
            return False
        return grouped or (raw.startswith("0") and digits <= 11)

    def _read(self, text: str, match: re.Match[str], reread: bool) -> Entity | None:
        start, end = match.span()
        digits = sum(c.isdigit() for c in match.group())
        if digits > 17 and not reread and (gap := match.group().find(" ")) > 0:
            # Another number written just before ("5101-2247-7715-6681 21.234.3188"): read once from the next group.
            rest = self.pattern.match(text, start + gap + 1)
            return self._read(text, rest, reread=True) if rest is not None else None
        if not 7 <= digits <= 17:
            return None
        window = text[start:end]
        cue = self._cue_before.search(text, max(0, start - 40), start) is not None
        best: tuple[int, int, int] | None = None  # (digits, start, end) of the longest reading
        for found in _phone_readings(window):
            raw = found.raw_string
            international = raw.lstrip("(").startswith(("+", "00"))
            found_digits = sum(c.isdigit() for c in raw)
            if found_digits < 7 or (best is not None and found_digits <= best[0]):
                continue
            if not international and not cue and not self._plausible_national(raw, found_digits):
                continue
            best = (found_digits, start + found.start, start + found.end)
            if found_digits == digits:
                break  # a reading of the whole candidate: no other region can do better
        if best is None:
            # A digit glued on after the number ("... 53 78 2ème"): read the candidate without its last group.
            # Or a year, a page count ("... 70 01 1946 et publié"): the last group, of at most four digits.
            last_gap = max(match.group().rfind(" "), match.group().rfind("."))
            short_tail = last_gap > 0 and end - start - last_gap <= 5
            shorter = self.pattern.match(text, start, start + last_gap) if short_tail else None
            return self._read(text, shorter, reread=True) if shorter is not None and not reread else None
        _, found_start, found_end = best
        if prefix := self._country_code_before.search(text, max(0, found_start - 6), found_start):
            found_start = prefix.start()  # "+46 (0)179 ...": the country code belongs to the number
        return Entity(PiiType.PHONE, found_start, found_end, 0.9)


# ---------------------------------------------------------------------------------------------------------------
# Payment card
# ---------------------------------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def ean13_valid(digits: str) -> bool:
    """The EAN-13 (GTIN) check digit: weights 1, 3, 1, 3... over the first twelve digits."""
    total = sum((ord(c) - 48) * (3 if i % 2 else 1) for i, c in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == ord(digits[12]) - 48


class CardDetector(PatternDetector):
    """12-19 digit numbers written the way cards are (contiguous, groups of four with a shorter last one, or
    4-6-4/4-6-5; the groups apart by a space, a dash or a dot) that pass Luhn.

    Issuer ranges keep Luhn's one-in-ten false pass on order numbers and barcodes down: Mastercard 2/5, Amex,
    Diners and JCB 3, Visa 4, Discover and Maestro 6, JCB's 15-digit 1800 and 2131; 12 digits only for Maestro
    (50, 56-69) and, bare, only after a word like "card" (a bare 12-digit run is as often a UPC barcode); 13 only
    for Visa and Maestro.
    """

    name = "card"
    types = frozenset({PiiType.CARD})
    prefilter = r"[0-9](?:[ \-.]?[0-9]){11}"
    # Glued to letters ("1Z..." parcel codes, "L1234...") a digit run is a code, not a card.
    pattern = re.compile(
        r"(?<![0-9A-Za-z.])(?:[0-9]{4}(?P<sep>[ \-.])[0-9]{4}(?:(?P=sep)[0-9]{4}){1,2}(?:(?P=sep)?[0-9]{1,4})?"
        r"|[0-9]{4}[ \-.][0-9]{6}[ \-.][0-9]{4,5}"
        r"|[0-9]{12,19})(?![0-9A-Za-z]|\.[0-9])"
    )
    _group = re.compile(r"[0-9]+")
    _cue_before = re.compile(
        r"(?i:card|carte|visa|mastercard|amex|maestro|\bcb\b|credit|debit|débit|charged|paid|pay|payé|prélevé|"
        r"refund|rembours)[^\n]{0,40}$"
    )
    required_chars = "0123456789"

    def _card_cue(self, text: str, match: re.Match[str]) -> bool:
        return self._cue_before.search(text, max(0, match.start() - 60), match.start()) is not None

    @staticmethod
    def _issuer_allows(digits: str) -> bool:
        first, length = digits[0], len(digits)
        maestro = digits[:2] == "50" or "56" <= digits[:2] <= "69"
        if length == 12:
            return maestro
        if length == 13:
            return first == "4" or maestro
        if first == "1":
            return length == 15 and digits.startswith("1800")
        return first in "23456"

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        groups = list(self._group.finditer(match.group()))
        # Longest first: a card followed by its CVV ("4111 ... 1111 123") is still the card.
        for k in range(len(groups), 0, -1):
            digits = "".join(g.group() for g in groups[:k])
            if not 12 <= len(digits) <= 19 or len(set(digits)) == 1 or not self._issuer_allows(digits):
                continue
            if len(digits) <= 13 and (k == 1 or ean13_valid(digits.zfill(13))) and not self._card_cue(text, match):
                continue  # a bare 12-13 digit run, or a valid EAN/UPC, needs a word like "card"
            if luhn_valid(digits):
                return Entity(PiiType.CARD, match.start(), match.start() + groups[k - 1].end(), 1.0)
        return None


# ---------------------------------------------------------------------------------------------------------------
# IBAN
# ---------------------------------------------------------------------------------------------------------------

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip


def iban_valid(iban: str) -> bool:
    """ISO 13616: known country, that country's length, and the mod-97 check digits."""
    iban = iban.upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isascii() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


class IbanDetector(PatternDetector):
    name = "iban"
    types = frozenset({PiiType.IBAN})
    prefilter = r"[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){11}"
    # Greedy on purpose (it may run into the next word); `validate` cuts at the country's length.
    pattern = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){11,30}")

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        candidate = match.group()
        length = IBAN_LENGTHS.get(candidate[:2].upper())
        if length is None:
            return None
        chars: list[str] = []
        end = 0
        for i, char in enumerate(candidate):
            if char.isalnum():
                chars.append(char)
                if len(chars) == length:
                    end = i + 1
                    break
        if len(chars) < length:
            return None
        stop = match.start() + end
        if stop < len(text) and text[stop].isalnum():  # the cut would split a longer token: not this IBAN
            return None
        if not iban_valid("".join(chars)):
            return None
        return Entity(PiiType.IBAN, match.start(), stop, 1.0)


# ---------------------------------------------------------------------------------------------------------------
# IP address
# ---------------------------------------------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"


class IpAddressDetector(PatternDetector):
    """IPv4 (dotted quad, each octet 0-255) and IPv6 (validated by `ipaddress`). Version numbers such as
    "firmware v2.1.0.4" are not addresses."""

    name = "ip_address"
    types = frozenset({PiiType.IP_ADDRESS})
    prefilter = r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:"
    pattern = re.compile(
        rf"(?<![0-9.])(?P<v4>(?:{_OCTET}\.){{3}}{_OCTET})(?![0-9]|\.[0-9])"
        r"|(?<![\w:.])(?P<v6>(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7})(?![\w:])"
    )
    _version_before = re.compile(
        r"(?i:\bv|\bver\.?|version|firmware|\bfw|build|release|update|mise à jour|\bmaj|ios|android)"
        r"[\s:]*$"
    )
    _ip_cue_before = re.compile(
        r"(?i:\bip\b|connexion|connect|log(?:ged|in)|router|routeur|server|serveur)[^\n0-9]{0,30}$"
    )
    required_chars = ".:"

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        start, end = match.span()
        if match.group("v4") is not None:
            if self._version_before.search(text, max(0, start - 16), start):
                return None
            if (
                _DOTTED_PAIRS.fullmatch(match.group("v4"))
                and not self._ip_cue_before.search(text, max(0, start - 40), start)
                and _reads_as_national_phone(match.group("v4"))
            ):
                return None  # "32.12.60.12": a Danish or Norwegian phone, which the phone detector names as such
            return Entity(PiiType.IP_ADDRESS, start, end, 0.95)
        value = match.group("v6")
        if len(value) < 6 or ("::" not in value and value.count(":") != 7):
            return None
        groups = [g for g in value.split(":") if g]
        if not any(len(g) >= 3 or any(c.isalpha() for c in g) for g in groups):  # "12::30" is not an address
            return None
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            return None
        return Entity(PiiType.IP_ADDRESS, start, end, 0.95)


# ---------------------------------------------------------------------------------------------------------------
# URL carrying a personal identifier
# ---------------------------------------------------------------------------------------------------------------

# Query keys, lower-cased with "-", "_" and "." removed.
PERSONAL_QUERY_KEYS = frozenset(
    _words(
        "email mail emailaddress courriel user username userid uid login name fullname firstname lastname surname "
        "fname lname nom prenom prénom phone tel telephone téléphone mobile customer customerid client clientid "
        "account accountid member memberid buyer buyerid contact address adresse recipient handle pseudo"
    )
)
# A path segment after one of these names a person ("/users/jdupont", "/profile/marie-durand").
PROFILE_SEGMENTS = frozenset(
    _words(
        "user users u profile profiles profil member members membre membres people person customer customers client "
        "clients utilisateur utilisateurs author"
    )
)
# These name a person only when the next segment looks like an id ("/account/48213", not "/account/orders").
ACCOUNT_SEGMENTS = frozenset({"account", "accounts", "compte", "comptes", "id"})

_URL_TRAILING = ".,;:!?)'\"»"


def url_end(text: str, start: int, end: int) -> int:
    """Where the URL matched over `text[start:end]` ends once the punctuation of the sentence around it is left
    out (a closing parenthesis stays when the URL opened one)."""
    while end > start and text[end - 1] in _URL_TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


class UrlDetector(PatternDetector):
    """URLs that identify someone: a personal query parameter (email=, user=, name=...), a profile path
    (/users/<id>, /profile/..., /@handle, /~user), credentials or an e-mail inside. Product links stay."""

    name = "url"
    types = frozenset({PiiType.URL})
    prefilter = r"(?i:https?://|www\.)"
    pattern = re.compile(r"(?i:(?<![\w@.])(?:https?://|www\.))[^\s<>\"'`{}|\\^\[\]]{3,2000}")
    skip_rejected = True

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        start, end = match.start(), url_end(text, *match.span())
        url = text[start:end]
        if not self.is_personal(url):
            return None
        return Entity(PiiType.URL, start, end, 0.9)

    @staticmethod
    def is_personal(url: str) -> bool:
        try:
            parts = urlsplit(url if "://" in url else "http://" + url)
            netloc = parts.netloc
        except ValueError:
            return False
        if "@" in netloc:  # user:password@host
            return True
        path = unquote(parts.path)
        if "@" in path or "@" in unquote(parts.query):
            return True
        for key, value in parse_qsl(parts.query, keep_blank_values=False):
            if re.sub(r"[-_.\s]", "", key.lower()) in PERSONAL_QUERY_KEYS and value.strip():
                return True
        segments = [s for s in path.split("/") if s]
        for i, segment in enumerate(segments):
            lower = segment.lower()
            if (lower.startswith("~") or lower.startswith("@")) and len(lower) > 1:
                return True
            if i + 1 < len(segments):
                following = segments[i + 1]
                if lower in PROFILE_SEGMENTS:
                    return True
                if lower in ACCOUNT_SEGMENTS and any(c.isdigit() for c in following):
                    return True
        return False


# ---------------------------------------------------------------------------------------------------------------
# Social-media handle and profile URL
# ---------------------------------------------------------------------------------------------------------------


class _Site:
    """How a site's URL paths name an account. On every site a first segment starting with "@" does
    ("youtube.com/@chan", "tiktok.com/@marie", "medium.com/@jdoe"); besides that, with `first` the first segment
    does unless it is one of the site's own pages (`reserved`: "instagram.com/explore", "github.com/features"),
    and the segment after one of `prefixes` does ("linkedin.com/in/<slug>", "snapchat.com/add/<name>")."""

    __slots__ = ("first", "prefixes", "reserved")

    def __init__(self, first: bool, reserved: str = "", prefixes: str = "") -> None:
        self.first = first
        self.reserved = frozenset(_words(reserved))
        self.prefixes = frozenset(_words(prefixes))


_INSTAGRAM = _Site(
    True, "p reel reels tv explore accounts direct about legal developer web emails challenge", prefixes="stories"
)
_TWITTER = _Site(
    True,
    "home explore search hashtag i intent share settings messages notifications login logout signup tos privacy "
    "compose account",
)
_FACEBOOK = _Site(
    True,
    "groups events pages marketplace watch gaming help policies privacy legal login logout share sharer sharer.php "
    "hashtag photo photo.php photos story.php permalink.php dialog plugins ads business reel stories search notes "
    "l.php recover settings home.php",
    "people",
)
# Host (as the pattern matches it, lower-cased) -> its rules. Only hosts whose paths name accounts: "youtu.be/<id>"
# is a video, "amazon.com/dp/<id>" a product.
SOCIAL_SITES: dict[str, _Site] = {
    "instagram.com": _INSTAGRAM,
    "instagr.am": _INSTAGRAM,
    "twitter.com": _TWITTER,
    "x.com": _TWITTER,
    "facebook.com": _FACEBOOK,
    "fb.com": _FACEBOOK,
    "fb.me": _FACEBOOK,
    "tiktok.com": _Site(False),
    "linkedin.com": _Site(False, prefixes="in pub"),
    "youtube.com": _Site(False, prefixes="c channel user"),
    "pinterest": _Site(
        True, "pin search ideas today explore categories business about login logout settings topics _ password"
    ),
    "t.me": _Site(True, "joinchat s share addstickers addemoji addtheme proxy socks iv c login"),
    "telegram.me": _Site(True, "joinchat s share addstickers addemoji addtheme proxy socks iv c login"),
    "snapchat.com": _Site(False, prefixes="add"),
    "github.com": _Site(
        True,
        "features pricing about marketplace topics explore login join logout settings collections trending "
        "enterprise security site apps orgs organizations notifications search issues pulls new contact readme "
        "team customer-stories codespaces copilot resources solutions",
        "sponsors",
    ),
    "threads.net": _Site(False),
    "reddit.com": _Site(False, prefixes="u user"),
    "twitch.tv": _Site(
        True, "directory videos search settings p downloads jobs login signup subscriptions turbo prime wallet drops"
    ),
    "medium.com": _Site(False),
    "wa.me": _Site(True, "message qr"),
    "bsky.app": _Site(False, prefixes="profile"),
}
_SOCIAL_HOSTS = "|".join(
    re.escape(host) if host != "pinterest" else r"pinterest\.(?:com|fr|de|es|it|ca|at|ch|co\.uk|com\.au)"
    for host in sorted(SOCIAL_SITES, key=lambda h: (-len(h), h))
)

# Words written after "@" as a shorthand for "at" / "à" ("working @home", "lu @ la maison", "dispo @plus tard"),
# and chat mentions of a group ("@everyone", "@here"), in English and French reviews: left alone although they have
# the shape of a handle. A real account named "@home" is far rarer in a review than "@home" meaning "at home".
_AT_WORDS = frozenset(
    _words(
        "home work office school college uni church gym store shop mall airport beach night noon midnight lunch "
        "dinner breakfast weekend morning evening tonight today tomorrow yesterday least last first once times now "
        "the this that all everyone everybody here there channel "
        "maison boulot travail bureau taf domicile plus bientot demain midi minuit soir matin ecole lycee fac tous "
        "toutes vous toi moi"
    )
)


class SocialHandleDetector(PatternDetector):
    """Social-media accounts: profile URLs of the sites in `SOCIAL_SITES`, with or without "https://" and "www."
    ("instagram.com/marie.dupont", "linkedin.com/in/john-doe-123", "tiktok.com/@marie", "t.me/jdoe"), and bare
    handles ("@marie_dupont75", "@user@mastodon.social").

    A bare handle is "@" then 3-30 letters, digits, "_" or "." starting with a letter or "_" and holding a letter,
    not glued to what comes before (so "marie@gmail.com" stays an e-mail) and not running into an accented letter
    or another "@". Left alone: "@ 5pm", "@9.99", "@2x", "@4k" (no letter first: times, prices, sizes; the price
    is that "@2pac" is missed), "@gmail.com" (a stray e-mail domain), and the words of `_AT_WORDS` ("@home",
    "@work", "@plus"). A site's own pages
    ("instagram.com/explore", "youtube.com/watch?v=...") are not accounts; a shop link is no business of this
    detector.
    """

    name = "social_handle"
    types = frozenset({PiiType.SOCIAL_HANDLE})
    prefilter = rf"@[A-Za-z_]|(?i:(?:{_SOCIAL_HOSTS})[:/])"
    pattern = re.compile(
        rf"(?P<url>(?i:(?<![\w@.\-/:])(?:https?://)?(?:[a-z0-9\-]{{1,63}}\.){{0,3}}?(?P<host>{_SOCIAL_HOSTS})"
        rf"(?::[0-9]{{1,5}})?/)[^\s<>\"'`{{}}|\\^\[\]]{{0,2000}})"
        r"|(?<![\w.%+\-@])@(?P<handle>[A-Za-z_][A-Za-z0-9_.]{2,29})"
        r"(?:@(?P<server>[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,8}\.[^\W\d_]{2,24}))?(?![\w@])"
    )
    # A rejected candidate holds no other: a bare one is a single word, a URL runs to the next space.
    skip_rejected = True
    _domain_like = re.compile(rf"\.(?:{_COMMON_TLDS})$")
    # What every candidate holds: an "@", or a "/" and a host. Tested first, in Python: the pattern's URL branch,
    # anchored on no literal, costs a try at every word.
    _hosts = tuple("pinterest." if host == "pinterest" else host for host in SOCIAL_SITES)

    def detect(self, text: str) -> list[Entity]:
        if "@" not in text:
            if "/" not in text:
                return []
            lower = text.lower()
            if not any(host in lower for host in self._hosts):
                return []
        return super().detect(text)

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        if match.group("url") is not None:
            return self._profile_url(text, match)
        start, end = match.span()
        if match.group("server") is not None:  # "@marie@mastodon.social": the account and its server
            return Entity(PiiType.SOCIAL_HANDLE, start, end, 0.9)
        handle = match.group("handle")
        stripped = handle.rstrip(".")  # "follow @marie." ends a sentence
        end -= len(handle) - len(stripped)
        lower = stripped.lower()
        if len(stripped) < 3 or not any(c.isalpha() for c in stripped):  # "@___", "@_12"
            return None
        if lower in _AT_WORDS or self._domain_like.search(lower):
            return None
        return Entity(PiiType.SOCIAL_HANDLE, start, end, 0.85)

    def _profile_url(self, text: str, match: re.Match[str]) -> Entity | None:
        start, end = match.start(), url_end(text, *match.span())
        host = match.group("host").lower()
        site = SOCIAL_SITES["pinterest" if host.startswith("pinterest.") else host]
        url = text[start:end]
        try:
            parts = urlsplit(url if "://" in url else "http://" + url)
        except ValueError:
            return None
        segments = [s for s in unquote(parts.path).split("/") if s]
        if not segments or not self._names_account(site, segments, parts.query):
            return None
        return Entity(PiiType.SOCIAL_HANDLE, start, end, 0.9)

    @staticmethod
    def _names_account(site: _Site, segments: list[str], query: str) -> bool:
        first = segments[0].lower()
        if first.startswith("@"):
            return len(first) > 1
        if first == "profile.php":  # "facebook.com/profile.php?id=100004..."
            return any(key == "id" and value.strip() for key, value in parse_qsl(query))
        if first in site.prefixes:
            return len(segments) > 1
        if not site.first or first in site.reserved or first.startswith("+"):  # "t.me/+AbC": an invitation
            return False
        return any(c.isalnum() for c in first)


# ---------------------------------------------------------------------------------------------------------------
# Street address
# ---------------------------------------------------------------------------------------------------------------

_FR_TYPES = (
    "rue|avenue|av\\.|boulevard|bd|bld|blvd|place|pl\\.|allée|allee|impasse|imp\\.|chemin|route|rte|quai|cours|square|"
    "passage|faubourg|fbg|rond-point|voie|cité|cite|villa|résidence|residence|lotissement|sentier|hameau|parvis|"
    "promenade|esplanade|chaussée|chaussee|montée|montee|ruelle|traverse|lieu-dit|domaine|clos|mail|quartier"
)
_FR_NUMBER = r"[0-9]{1,4}(?:[ ]?(?:bis|ter|quater|[A-Da-d]))?"
_FR_HEAD_PREFILTER = rf"{_FR_NUMBER},?[{_SPACE}]+(?i:{_FR_TYPES})"
_FR_PARTICLES = frozenset(_words("de du des la le les l' d' l’ d’ aux au sur en et sous lès saint sainte st ste"))
_POSTCODE_FR = r"(?:[0-9]{5}|[0-9]{2}[ ][0-9]{3})"
_CITY = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:[ \-](?:[A-ZÀ-ÖØ-Þ][\w'’\-]*|sur|sous|en|le|la|les|lès|de|du|d'|l'))*"
# ", 75002 Paris", "75008 Paris Cedex 08": what follows a French street.
_FR_POSTCODE_TOWN = re.compile(
    rf",?[ \u00a0]*(?:{_POSTCODE_FR})[ \u00a0]+{_CITY}(?:[ ]+(?i:cedex)(?:[ ][0-9]{{1,2}})?)?"
)

# US and UK suffixes: the first are unambiguous, the rest (Faker's list) are also ordinary words ("2 Solar
# Garden Lights") and count only with a tail (apartment, "City, ST 12345", or a UK postcode).
_STRONG_SUFFIXES = _words(
    "Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Dr Court Ct Terrace Ter Place Pl Parkway Pkwy "
    "Highway Hwy Circle Cir Square Sq Trail Trl Way Crescent Close Mews Row Alley Expressway Freeway Turnpike "
    "Causeway Plaza Crossing Pike Loop Rue Motorway Stravenue Throughway Trafficway Viaduct Underpass Overpass "
    "Bypass Gardens Grove Estate Estates Heights"
)
_WEAK_SUFFIXES = sorted(set(_UsAddress.street_suffixes) - set(_STRONG_SUFFIXES))
_SUFFIX_ALT = "|".join(sorted(set(_STRONG_SUFFIXES) | set(_WEAK_SUFFIXES), key=lambda s: (-len(s), s)))
_US_WORD = r"(?:[A-Z][\w'’\-]*\.?|[0-9]{1,3}(?:st|nd|rd|th))"
_US_NUMBER = r"[0-9]{1,6}[A-Za-z]?(?:-[0-9]{1,4})?"
_US_TAIL = (
    r"(?P<secondary>,?[ ]+(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Room|Rm|Bldg|Flat|\#)\.?[ ]?\#?[0-9A-Za-z\-]{1,6})?"
    r"(?P<city>,?[ ]+(?:[A-Z][\w.'’\-]*[ ]?){1,3},?[ ]+[A-Z]{2}[ ]+[0-9]{5}(?:-[0-9]{4})?"
    r"|,[ ]*[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?,?[ ]+[A-Z]{1,2}[0-9][A-Z0-9]?[ ]?[0-9][A-Z]{2}(?![\w]))?"
)


class AddressDetector(PatternDetector):
    """Street addresses: French ("12 rue de la Paix, 75002 Paris", "3 bis avenue Foch", "12, rue ...") and
    English ("742 Evergreen Terrace, Springfield, IL 62704", "221B Baker Street", "9 Main St Apt. 4").

    A French street needs a capitalised name word ("12 rue de la Paix") or a postcode and town after it; plain
    phrases such as "3 cours de cuisine" are not addresses.
    """

    name = "address"
    types = frozenset({PiiType.ADDRESS})
    prefilter = (
        rf"{_FR_HEAD_PREFILTER}"
        rf"|{_US_NUMBER}[{_SPACE}]+(?:[^\s]+[{_SPACE}]+){{1,5}}(?:{_SUFFIX_ALT})"
    )
    pattern = re.compile(
        rf"(?<![\w.,])(?P<fr>{_FR_NUMBER},?[{_SPACE}]+(?i:{_FR_TYPES})(?![\w]))"
        rf"|(?<![\w.,])(?P<us>{_US_NUMBER}[{_SPACE}]+(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?[ ]+)?"
        rf"(?:{_US_WORD}[ ]+){{0,3}}?{_US_WORD}[ ]+(?P<suffix>{_SUFFIX_ALT})(?![\w])\.?){_US_TAIL}"
    )
    _fr_word = re.compile(r"[ \u00a0\u202f]+([^\s,.;:!?()\"«»]+)")
    _fr_loose_tail = re.compile(rf"[^,\n.;!?]{{1,60}}?,?[ ]+{_POSTCODE_FR}[ ]+{_CITY}")
    _strong = frozenset(_STRONG_SUFFIXES)

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        if match.group("fr") is not None:
            return self._french(text, match)
        suffix = match.group("suffix")
        has_tail = match.group("secondary") is not None or match.group("city") is not None
        if suffix not in self._strong and not has_tail and not self._named_street(text, match):
            return None
        end = match.end()
        if text[end - 1] == "." and not has_tail and suffix not in ("St", "Ave", "Rd", "Dr", "Ln", "Ct", "Pl"):
            end -= 1  # a full stop ending the sentence, not an abbreviation's
        return Entity(PiiType.ADDRESS, match.start(), end, 0.9 if has_tail else 0.8)

    def _named_street(self, text: str, match: re.Match[str]) -> bool:
        """ "4132 Mary Vista", "42719 White Coves": a weak suffix after a person's name and a 2+ digit number,
        the way most US streets are named."""
        number = re.match(r"[0-9]+", match.group("us"))
        words = text[match.start("us") : match.start("suffix")].split()
        return (
            number is not None
            and len(number.group()) >= 2
            and len(words) >= 2
            and (words[-1] in FIRST_NAMES or words[-1] in LAST_NAME_WORDS)
        )

    def _french(self, text: str, match: re.Match[str]) -> Entity | None:
        pos = match.end("fr")
        end = pos
        named = False
        for _ in range(10):
            word = self._fr_word.match(text, pos)
            if word is None:
                break
            token = word.group(1)
            lower = token.lower()
            if lower in _FR_PARTICLES or lower.startswith(("d'", "l'", "d’", "l’")):
                if lower.startswith(("d'", "l'", "d’", "l’")) and len(token) > 2 and token[2].isupper():
                    named = True
                    end = word.end()
                pos = word.end()
                continue
            if token[0].isupper() or token[0].isdigit():
                named = named or token[0].isupper()
                pos = end = word.end()
                continue
            break
        tail = _FR_POSTCODE_TOWN.match(text, end)
        if tail is not None:
            return Entity(PiiType.ADDRESS, match.start(), tail.end(), 0.95)
        loose = self._fr_loose_tail.match(text, match.end("fr"))
        if loose is not None:
            return Entity(PiiType.ADDRESS, match.start(), loose.end(), 0.85)
        if not named:
            return None
        return Entity(PiiType.ADDRESS, match.start(), end, 0.85)


# Streets written name first, number after, the way most of continental Europe writes them: a word ending in a
# street word ("Hauptstraße 12", "Petersborgvej 68", "Kerkstraat 5", "Storgatan 12", "Cox Orange Allé 2"), or a
# street word then its name ("Calle Mayor 5", "Via Roma, 12", "Rua Augusta 100", "ul. Długa 5/3", "Praça Irmã
# Lúcia, S/N"); then the flat, and a postcode with its town, in the shapes those countries use.
_STREET_ENDINGS = (
    "straße|strasse|str\\.|weg|gasse|allee|allé|platz|ring|damm|ufer|steig|pfad|chaussee|markt|"
    "straat|laan|plein|gracht|kade|dijk|singel|hof|steeg|pad|baan|"
    "gatan|vägen|väg|gränd|torget|stigen|gade|vej|stræde|torv|veien|gata|gate"
)
_STREET_WORDS = (
    "calle|c/|c\\.|avenida|avda\\.|paseo|plaza|camino|carretera|ronda|travesía|travesia|glorieta|pasaje|rambla|"
    "urbanización|urbanizacion|cañada|callejón|cuesta|acceso|pasadizo|vial|via|viale|piazza|piazzale|corso|largo|vicolo|strada|stretto|"
    "contrada|borgo|incrocio|canale|rotonda|rua|r\\.|travessa|praça|praca|alameda|estrada|avenida|av|beco|"
    "ul\\.|ulica|al\\.|aleja|pl\\.|plac|os\\.|osiedle"
)
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.\-]*|de|del|de la|di|da|do|dos|das|della|delle|dei|e|y|i)"
_HOUSE_NUMBER = r"(?:[0-9]{1,4}[A-Za-z]?(?:[/\-][0-9]{1,4}[A-Za-z]?)?|S/N|s/n)"
_UNIT = (
    r"(?:[ ]?,?[ ]+|,[ ]*)(?:(?i:apt|apartment|appartamento|app\.|suite|flat|unit|piso|piano|puerta|planta|andar|"
    r"lok\.|m\.|bât\.|"
    r"bat\.|étage|etage|escalera|esc\.|puerta|interno|int\.|scala)[ .]*[0-9A-Za-z]{0,4}(?:,[ ]*[0-9]{1,2}e[ ]étage)?"
    r"|[0-9]{1,2}[ºª°][ ]?[A-Za-z]?)"
)
_POSTCODE_TOWN = (
    r"(?:,?[ ]+|,[ ]*)"
    r"(?:[0-9]{5}|[0-9]{4}[ ]?[A-Z]{2}|[0-9]{4}-[0-9]{3}|[0-9]{2}-[0-9]{3}|[0-9]{3}[ ][0-9]{2}|[0-9]{4})"
    r",?[ ]+[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*(?:[ \-](?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*|de|da|do|dos|di|del|la)){0,4}"
    r"(?:[ ]\([A-Z]{2}\))?"
    r"|,[ ]*[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*(?:[ ][A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*){0,2},[ ]*[0-9]{4,5}(?![0-9])"
)


class NameFirstAddressDetector(PatternDetector):
    """Street addresses written name first, number after (see the comment above): German, Dutch, Nordic, Spanish,
    Italian, Portuguese and Polish shapes, with a flat and a postcode and town when they follow."""

    name = "address_name_first"
    types = frozenset({PiiType.ADDRESS})
    prefilter = (
        rf"(?i:{_STREET_ENDINGS})\.?,?[{_SPACE}]+[0-9]"
        rf"|(?i:{_STREET_WORDS})[{_SPACE}]+[A-ZÀ-ÖØ-ÞĀ-Ž]"
    )
    pattern = re.compile(
        rf"(?<![\w.])(?:(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*[ ]){{0,3}}[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*?(?i:{_STREET_ENDINGS})"
        rf"|(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*[ ]){{1,3}}(?i:{_STREET_ENDINGS})"
        rf"|(?i:{_STREET_WORDS})(?:[ ]{_NAME_WORD}){{1,5}}?)"
        rf",?[ ]+{_HOUSE_NUMBER}(?![\w/])"
        rf"(?:{_UNIT}){{0,3}}(?:{_POSTCODE_TOWN})?"
    )
    skip_rejected = True

    # A sentence's first word is capitalised too: "The Ring 3", "Die Allee 4" are not streets.
    _not_a_name = frozenset(_words("The A An My Our This That La Le Les Der Die Das Den El Il Lo De Het Een Un Una"))

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        if match.group().split(" ", 1)[0] in self._not_a_name:
            return None
        return Entity(PiiType.ADDRESS, match.start(), match.end(), 0.85)


class AddressUnitDetector(PatternDetector):
    """The flat, suite or floor that follows a street address ("…, Apt. 33", "… Suite 17", "…, Bât. B, 15e
    étage"): found on its own and starting at its comma, so it joins the street found by another detector."""

    name = "address_unit"
    types = frozenset({PiiType.ADDRESS})
    prefilter = r"(?i:apt|apartment|appartamento|suite|flat|unit|piso|bât|bat\.|étage)[ .]*[0-9A-Za-z]"
    pattern = re.compile(
        r"(?<=[\w.])(?:[ ]?,[ ]*|[ ]+)(?:(?i:apt\.?|apartment|appartamento|suite|flat|unit|piso|piano|puerta)[ ]?#?"
        r"[0-9]{1,4}[A-Za-z]?"
        r"|(?i:bât\.|bat\.)[ ][A-Z](?:,[ ]*[0-9]{1,2}e[ ]étage)?)(?![\w])"
    )

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        # Only right after something that ends like an address: a house number, a street word or a town.
        before = text[max(0, match.start() - 40) : match.start()]
        if not re.search(r"(?:[0-9]|[A-ZÀ-Þ][\w'’\-]+)$", before):
            return None
        return Entity(PiiType.ADDRESS, match.start(), match.end(), 0.7)


# Streets written without a house number before them: the British flat or studio first ("Flat 5, Price Shoals,
# Newtown, AB1 2CD", often on two lines), the US military's ship and unit addresses ("USS Horn, FPO AE 57820",
# "Unit 7869 Box 1458, DPO AE 63419"), and a French street named without its number ("rue Lucas Payet"), which is
# an address only when a flat, a postcode and town, or words like "livraison :" or "ship to" come with it.
_LINE_BREAK = r"(?:,[ ]*|[ ]*\n[ ]*)"
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
_UK_POSTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?[ ][0-9][A-Z]{2}(?![\w])"
_MILITARY_POST = r"(?:,[ ]*|[ ]*\n[ ]*|[ ]+)(?:FPO|APO|DPO)[ ](?:AA|AE|AP)[ ][0-9]{5}(?![0-9])"
_ADDRESS_CUE = (
    r"(?i:livraison|livrée?s?|envoy\w*|exp[ée]di\w*|adresse|habite|domicili\w*|ship(?:ped)?\s+to|send\s+it\s+to|"
    r"sent\s+to|delivered\s+to|deliver\s+to|address|live[sd]?\s+(?:at|on|in)|i\s+am\s+at)"
)


class AddressWithoutNumberDetector(PatternDetector):
    """Streets with no house number before them (see the comment above): a British flat or studio and its
    street, a US military address, and a French street named without its number when a flat, a postcode and
    town, or an address word is with it."""

    name = "address_without_number"
    types = frozenset({PiiType.ADDRESS})
    prefilter = (
        r"(?:Flat|Studio|Apartment)[ ][0-9]|(?:FPO|APO|DPO)[ ]A[AEP][ ][0-9]"
        rf"|(?i:{_FR_TYPES})[{_SPACE}]+(?:(?:de|du|des|la|le|les)[ ]+|[dl][’'])*[A-ZÀ-ÖØ-Þ]"
    )
    pattern = re.compile(
        rf"(?<![\w])(?P<uk>(?:Flat|Studio|Apartment)[ ][0-9]{{1,4}}[A-Za-z]?{_LINE_BREAK}"
        rf"(?:{_CAP_WORD}[ ]){{1,3}}(?:{_SUFFIX_ALT})(?![\w])"
        rf"(?:,[ ]*{_CAP_WORD}(?:[ ]{_CAP_WORD}){{0,2}},[ ]*{_UK_POSTCODE})?)"
        rf"|(?<![\w])(?P<military>(?:(?:USNS|USNV|USS|USCGC)[ ]{_CAP_WORD}(?:[ ]{_CAP_WORD})?"
        rf"|(?:Unit|PSC)[ ][0-9]{{4}},?[ ]Box[ ][0-9]{{4}}){_MILITARY_POST})"
        rf"|(?<![\w])(?P<fr>(?i:{_FR_TYPES})(?:[ ]+(?:de|du|des|la|le|les)|[ ]+[dl][’'](?=[A-ZÀ-ÖØ-Þ]))*"
        rf"[ ]*(?<=[ ’'])(?:{_CAP_WORD})(?:[ \-]{_CAP_WORD}){{0,3}})"
    )
    skip_rejected = True
    _cue_before = re.compile(rf"{_ADDRESS_CUE}[^\n.!?]{{0,12}}$")

    def validate(self, text: str, match: re.Match[str]) -> Entity | None:
        if match.group("fr") is None:
            return Entity(PiiType.ADDRESS, match.start(), match.end(), 0.85)
        tail = _FR_POSTCODE_TOWN.match(text, match.end())
        if tail is not None:
            return Entity(PiiType.ADDRESS, match.start(), tail.end(), 0.85)
        if AddressUnitDetector.pattern.match(text, match.end()) or self._cue_before.search(
            text, max(0, match.start() - 40), match.start()
        ):
            return Entity(PiiType.ADDRESS, match.start(), match.end(), 0.75)
        return None
