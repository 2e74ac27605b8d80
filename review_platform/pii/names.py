"""Person names without a model: Faker's English and French name lists plus the cues reviewers write names with.

Two rules find a name:

1. **Known first name + surname.** A capitalised first name from the lists (en_US, fr_FR; "Jean-Pierre" when
   both halves are) followed, on the same line, by a capitalised word ("Marie Dupont", "Marie DUPONT",
   "Ana Da Silva", "John F. Kennedy"); up to two more name words are taken ("Marie Claire Dupont").
2. **Context cue + capitalised word(s).** Strong cues ("my husband", "mon mari", "my name is",
   "je m'appelle", "posted by", "Mr", "Mme") take any capitalised words; sign-offs and greetings ("Thanks,",
   "Merci,", "Cordialement,", "this is", "Dear") take them when they start with a known first name, end with a
   known surname, or are two or three words closing the sentence ("Thanks, Bianka Miksza."); after a dash
   ("— ") they must end the line and start with a known first name or end with a known surname; "M." needs a
   known name (it is also a clothing size); weak cues ("for", "pour", "avec"...) take only a known,
   unambiguous first name ("Gift for Emma").

False positives are kept down by: first names that are also ordinary or brand words ("Rose", "Will", "Grace",
"Mercedes", "Austin"...) needing a known surname after them ("Rose Gold", "Will Buy Again" are not people);
words that never follow a first name in a name ("Pro", "Max", "Day", "Street"...); person-named brands
("Calvin Klein", "Hugo Boss", "Earl Grey"); single capitalised words never being a name on their own without a
cue, so a capitalised word at the start of a sentence or in a title-case heading is not enough.

Known limit: a name whose words are in neither list and that follows no cue ("Valerio Porzio at the desk") is
missed; on names from other Faker locales, recall is about 0.7. `TransformersNameDetector` closes that gap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from faker.providers.person.en_US import Provider as _EnUs
from faker.providers.person.fr_FR import Provider as _FrFr

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity


def _words(text: str) -> list[str]:
    return text.split()


def _alternatives(text: str) -> list[str]:
    return text.split("|")


def _names(*lists: object) -> frozenset[str]:
    return frozenset(str(name) for names in lists for name in names)  # type: ignore[attr-defined]


FIRST_NAMES: frozenset[str] = _names(
    *(
        getattr(provider, attr)
        for provider in (_EnUs, _FrFr)
        for attr in ("first_names", "first_names_male", "first_names_female")
        if hasattr(provider, attr)
    )
)
LAST_NAMES: frozenset[str] = _names(_EnUs.last_names, _FrFr.last_names)
# Single words of the multi-word surnames ("Da Silva" -> "Silva"), for matching word by word.
LAST_NAME_WORDS: frozenset[str] = frozenset(word for name in LAST_NAMES for word in name.split())
_FIRST_UPPER = frozenset(name.upper() for name in FIRST_NAMES)
_LAST_UPPER = frozenset(word.upper() for word in LAST_NAME_WORDS)

# First names that are also ordinary words, places, months or brands: they need a known surname after them.
AMBIGUOUS_FIRST_NAMES: frozenset[str] = FIRST_NAMES & frozenset(
    _words(
        "Angel Austin Bill Chase Dakota Dale Devon Don Frank Glen Guy Hunter Jordan Kent Lance Mark Mason Max Parker "
        "Ray Taylor April Alexa Amber Autumn Bailey Brandy Carmen Carol Charlotte Chelsea Crystal Daisy Dawn Destiny "
        "Diamond Faith Grace Heather Holly Jade Jean Joy Madison Melody Mercedes Misty Morgan Paige Penny Rose Sandy "
        "Savannah Summer Sydney Victoria Virginia Noël Marine Constance Valentine Victoire Olivie Will May June "
        "August Hope Ivy Iris Violet Olive Ginger Sage Sky Skye Ruby Pearl Harmony Trinity Precious Rich Art Miles "
        "Dior Blanche Sierra Lincoln Florence"
    )
)
# Capitalised words that do not continue a person's name after a first name ("Max Pro", "Rose Gold").
NOT_SURNAMES: frozenset[str] = frozenset(
    _words(
        "Pro Max Mini Plus Ultra Lite Air Edition Series Gold Silver Platinum Bronze Collection Set Kit Pack Case "
        "Cover Phone Watch Pad Book Box Day Days Week Weekend Night Morning Monday Tuesday Wednesday Thursday "
        "Friday Saturday Sunday January February March April May June July August September October November "
        "December Christmas Noël Noel Easter Pâques Prime Store Shop Market Team Support Service Customer Seller "
        "Sale Sales Black Rouge Blanc Noir Bleu Vert Size Taille Model Modèle Version Street Avenue Road Lane "
        "Drive Boulevard Way Terrace Court Place Square Rue Chemin Allée Impasse Quai Route I The A An And Or Of "
        "To For With In On At By My Your Our Their His Her It This That These Those Thanks Thank Merci Cordialement "
        "Regards Cheers Le La Les Un Une Des Du De Et Ou Mais Donc Car Très Trop Super Bon Bonne Top Great Good "
        "Love Nice Perfect Parfait Excellent Amazing Awesome Fast Slow Bad Poor Avoid Highly Would Will Five Four "
        "Three Two One Stars Star Étoiles Edition Génération Generation Gen Signature Classic Original Deluxe "
        "Premium Essential Essentials Home Kitchen Garden Sport Sports Kids Baby Junior Senior Team Club Best Buy "
        "Product Products Quality Value Delivery Shipping Livraison Produit Qualité Happy Fantastic Brilliant "
        "Recommend Recommended Everything Nothing Hello Bonjour Dear"
    )
)
# Brands and services, alone or after a sign-off ("Thanks, Amazon").
BRAND_WORDS: frozenset[str] = frozenset(
    _words(
        "Amazon Apple Google Samsung Sony Microsoft Nike Adidas Ikea IKEA Philips Dyson Bosch Lego LEGO UPS DHL "
        "FedEx USPS DPD GLS Colissimo Chronopost Cdiscount Fnac Darty Boulanger Decathlon Carrefour Leclerc Auchan "
        "Vinted Zalando Shein Temu AliExpress eBay Netflix Xiaomi Huawei Lenovo Asus Acer Canon Nikon Logitech "
        "Tefal Moulinex Seb Rowenta Krups Nespresso Delonghi Kenwood KitchenAid Braun Garmin Fitbit Bose JBL Beats "
        "Tesla Ford Toyota Renault Peugeot Citroën Mercedes Porsche Alexa Siri Chanel Dior Gucci Prada Zara "
        "Primark Uniqlo Levi Levis Converse Vans Puma Reebok Asics Salomon Quechua Martens Hermès Cartier Lancôme "
        "Guerlain Sephora Nivea Kindle Echo Pixel Galaxy iPhone iPad MacBook Airpods AirPods Mondial Relay Poste "
        "Everyone All Guys Team Sir Madam Again You Seller Vendeur Support Service God Santa"
    )
)
# People's names that are, in reviews, brands.
BRAND_NAMES: frozenset[str] = frozenset(
    {
        "Ralph Lauren", "Calvin Klein", "Tommy Hilfiger", "Hugo Boss", "Marc Jacobs", "Michael Kors", "Kate Spade",
        "Ted Baker", "Tom Ford", "Karl Lagerfeld", "Jean Paul Gaultier", "Yves Saint Laurent", "Christian Dior",
        "Christian Louboutin", "Louis Vuitton", "Paul Smith", "Ben Sherman", "Vera Wang", "Jimmy Choo",
        "Stella McCartney", "Betty Crocker", "Jack Daniels", "John Deere", "Martha Stewart", "Victoria Beckham",
        "Tory Burch", "Steve Madden", "Kenneth Cole", "Anne Klein", "Pierre Cardin", "Guy Laroche", "Nina Ricci",
        "Paco Rabanne", "Jacques Dessange", "Franck Provost", "Jean Louis David", "Yves Rocher",
        "Christian Lacroix", "Isabel Marant", "Jean Paul", "Victoria Secret", "Dr Martens", "Le Creuset",
        # Eponymous products, breeds and shops.
        "Earl Grey", "Tom Collins", "Jack Russell", "Bloody Mary", "Peter Pan", "John Lewis", "Leroy Merlin",
        "Marie Claire", "Tom Tailor", "Jack Wolfskin", "Ray Ban", "Mary Jane",
    }
)  # fmt: skip

_PARTICLES = frozenset(_words("de du des da dos van von der den di del della le la bin ben ibn"))
_CAP_PARTICLES = frozenset(_words("De Du Des Da Dos Van Von Der Den Di Del Della Le La Mac Mc St Saint Sainte"))
_GAP = re.compile(r"[ \t\u00a0\u202f]{1,2}")


def _upper_class() -> str:
    """A character class of every BMP letter Python calls upper- or title-case (re has no \\p{Lu})."""
    ranges: list[list[int]] = []
    for code in range(0x10000):
        char = chr(code)
        if char.isalpha() and (char.isupper() or char.istitle()):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# Only the words a name can be made of are tokenised: capitalised words ("Marie", "O'Brien", "Jean-Pierre",
# "Campbell's") and lower-case particles ("de", "van"). A capital inside a word ("McDonald", "l'Oréal") does
# not start one.
_WORD = re.compile(
    rf"(?<![^\W\d_])(?<![^\W\d_]['’\-])[{_upper_class()}][^\W\d_]*(?:['’\-][^\W\d_]+)*"
    rf"|(?<![^\W\d_'’\-])(?:{'|'.join(sorted(_PARTICLES))})(?![^\W\d_'’\-])"
)

# ---------------------------------------------------------------------------------------------------------------
# Cues. Each pattern ends where the name would start.
# ---------------------------------------------------------------------------------------------------------------

# Cues are lists of plain phrases (accent and apostrophe variants spelt out), so that both the regular
# expressions and the set of words a cue can end with are derived from one source.
_RELATION_WORDS = _words(
    "husband wife son daughter mum mom mother dad father sister brother partner friend colleague co-worker "
    "coworker neighbour neighbor boss boyfriend girlfriend fiancé fiancée fiance fiancee grandson granddaughter "
    "grandma grandmother grandpa grandfather granny nan nana uncle aunt auntie cousin nephew niece mother-in-law "
    "father-in-law sister-in-law brother-in-law son-in-law daughter-in-law stepson stepdaughter stepmother "
    "stepfather flatmate roommate housemate kid child mari femme fils fille mère mere père pere sœur soeur frère "
    "frere compagnon compagne conjoint conjointe ami amie copain copine collègue collegue voisin voisine patron "
    "patronne chef petit-fils petite-fille grand-mère grand-mere grand-père grand-pere mamie papi papy oncle tante "
    "cousine neveu nièce belle-mère belle-mere beau-père beau-pere belle-sœur belle-soeur beau-frère beau-frere "
    "gendre belle-fille beau-fils colocataire coloc enfant filleul filleule marraine parrain nounou"
)
_ROLE_PHRASES = _alternatives(
    "delivery man|delivery guy|delivery driver|driver|courier|technician|agent|advisor|adviser|representative|rep|"
    "livreur|livreuse|technicien|technicienne|conseiller|conseillère|conseillere|vendeuse|vendeur|installer|"
    "installateur|plumber|plombier|electrician|électricien"
)
_INTRODUCTION_PHRASES = _alternatives(
    "my name is|my name's|i am called|i'm called|call me|je m'appelle|mon nom est|moi c'est|signed|signé|signe|"
    "name:|nom:|contact:|posted by|written by|reviewed by|review by|avis de|c/o|au nom de|de la part de"
)
_SIGN_OFF_PHRASES = _alternatives(
    "thanks|thanks again|thanks a lot|thanks so much|thank you|thank you so much|thank you again|many thanks|"
    "cheers|regards|best regards|kind regards|warm regards|best wishes|best|sincerely|yours truly|yours|love|"
    "merci|merci beaucoup|merci encore|merci d'avance|cordialement|bien cordialement|bien à vous|amicalement|"
    "bisous|salutations|sincères salutations|sinceres salutations|à bientôt|a bientot|this is|c'est|from|dear|hi|"
    "hello|bonjour|salut|cher|chère"
)
_WEAK_PHRASES = _alternatives(
    "for|to|with|by|thanks to|gift for|grâce à|grace a|pour|à|avec|par|chez|offert à|cadeau pour|ask|asked|"
    "demandez|told|dit"
)
_HONORIFIC_WORDS = _words(
    "Mr Mrs Ms Miss Mx Dr Prof Mme Mlle Mmes Madame Monsieur Mademoiselle Docteur Maître Sir Lady"
)


def _phrase(phrase: str) -> str:
    """A phrase as a regex: words separated by spaces or tabs, either apostrophe, a space allowed before ':'."""
    words = [re.escape(word).replace("'", "['’]") for word in phrase.split()]
    pattern = r"[ \t]+".join(words)
    return pattern[:-1] + r"[ \t]*:" if pattern.endswith(":") else pattern


def _phrases(phrases: list[str]) -> str:
    return "|".join(_phrase(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))


_POSSESSIVE = r"(?:my|our|mon|ma|mes|notre|nos)"
_ADJECTIVE = r"(?:(?:dear|lovely|late|little|big|best|elder|younger|petite?|grande?|cher|chère|meilleure?)[ \t]+)?"
_RELATIONS = _phrases(_RELATION_WORDS)
_ROLE_DETERMINERS = r"(?:the|le|la|our|notre|your|votre|un|une|a)"
_ROLES = rf"{_ROLE_DETERMINERS}[ \t]+(?:{_phrases(_ROLE_PHRASES)})"
_INTRODUCTIONS = _phrases(_INTRODUCTION_PHRASES)
_SIGN_OFFS = _phrases(_SIGN_OFF_PHRASES)
_WEAK = _phrases(_WEAK_PHRASES)
_HONORIFICS = rf"(?:{'|'.join(_HONORIFIC_WORDS)})\.?"
# "M." is also a clothing size ("trop petit en M. Livraison lente"): it needs a known name after it.
_SHORT_HONORIFIC = r"M\."
_DASH = r"[—–\-]{1,2}[ \t]*"
_CUE_GAP = r"[ \t\u00a0]*[,:]?[ \t\u00a0]*(?:\n[ \t]*)?"

KNOWN, STRONG, MEDIUM, WEAK, DASH = 4, 3, 2, 1, 0


def _final_word(phrase: str) -> str:
    return phrase.split()[-1].rstrip(":").lower().replace("’", "'")


def _cues_by_final_word() -> dict[str, tuple[re.Pattern[str], tuple[int, ...]]]:
    """For each word a cue can end with, one regex of just those cues (anchored at the end) and their strengths.

    Trying only the cues that end with the word before a capitalised word keeps long reviews cheap.
    """
    groups: dict[str, list[tuple[int, str]]] = {}

    def add(strength: int, phrases: list[str], wrap) -> None:
        by_word: dict[str, list[str]] = {}
        for phrase in phrases:
            by_word.setdefault(_final_word(phrase), []).append(phrase)
        for word, selected in by_word.items():
            groups.setdefault(word, []).append((strength, wrap(_phrases(selected))))

    # In order of precedence when two cues end at the same place.
    add(STRONG, _RELATION_WORDS, lambda alt: rf"(?i:\b{_POSSESSIVE}[ \t]+{_ADJECTIVE}(?:{alt}))(?![\w\-]){_CUE_GAP}")
    add(STRONG, _ROLE_PHRASES, lambda alt: rf"(?i:\b{_ROLE_DETERMINERS}[ \t]+(?:{alt}))(?![\w\-]){_CUE_GAP}")
    add(STRONG, _INTRODUCTION_PHRASES, lambda alt: rf"(?i:\b(?:{alt}))(?![\w\-]){_CUE_GAP}")
    add(STRONG, _HONORIFIC_WORDS, lambda alt: rf"(?<![\w.])(?:{alt})\.?[ \t\u00a0]+")
    add(KNOWN, ["M"], lambda alt: rf"(?<![\w.]){_SHORT_HONORIFIC}[ \t\u00a0]+")
    add(MEDIUM, _SIGN_OFF_PHRASES, lambda alt: rf"(?i:\b(?:{alt}))(?![\w\-]){_CUE_GAP}")
    add(WEAK, _WEAK_PHRASES, lambda alt: rf"(?i:\b(?:{alt}))(?![\w\-])[ \t\u00a0]+")
    compiled = {}
    for word, cues in groups.items():
        union = "|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(cues))
        compiled[word] = (re.compile(f"(?:{union})\\Z"), tuple(strength for strength, _ in cues))
    return compiled


_CUES_BY_WORD = _cues_by_final_word()
_CUES_BY_WORD_BY_PATTERN = {pattern: strengths for pattern, strengths in _CUES_BY_WORD.values()}
_DASH_CUE = re.compile(rf"(?:^|(?<=[\s.!?]))(?:{_DASH})\Z", re.MULTILINE)
_CUE_WINDOW = 64
_GAP_CHARS = frozenset(" \t\u00a0\u202f\n,:.")
_CUE_WORD_CHARS = "'’-/"
_DASHES = frozenset("—–-")
_LINE_END = re.compile(r"[ \t]*[.!]*[ \t]*(?:\n|$)")
_CLOSING = re.compile(r"[ \t]*(?:[,.;:!?)]|\n|$)")

_UPPER = r"[\p{Uppercase}\p{Lt}]"


def _alternation(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _prefilter() -> str:
    """Rust-syntax superset of the rules: a known first name then a capitalised word or particle, a cue then a
    capitalised word (a known first name after a weak cue), or an all-capitals first name then a capital."""
    space = "[ \\t\\u00a0\\u202f]"
    cue_alternatives = "|".join(
        f"(?i:{core})"
        for core in (
            f"{_POSSESSIVE}[ \\t]+{_ADJECTIVE}(?:{_RELATIONS})",
            _ROLES,
            _INTRODUCTIONS,
            _SIGN_OFFS,
        )
    )
    particles = "|".join(sorted(_PARTICLES))
    return (
        f"(?:{_alternation(FIRST_NAMES)}){space}{{1,2}}(?:{_UPPER}|(?:{particles}){space})"
        f"|(?:{_alternation(_FIRST_UPPER)}){space}{{1,2}}[A-Z]"
        f"|(?:{cue_alternatives}){_CUE_GAP}{_UPPER}"
        # A weak cue ("for", "avec") only counts before a known first name.
        f"|(?i:{_WEAK})[ \\t\\u00a0]+(?:{_alternation(FIRST_NAMES)})"
        f"|(?:{_HONORIFICS}|{_SHORT_HONORIFIC}){space}+{_UPPER}"
        f"|{_DASH}{_UPPER}"
    )


class _Token:
    __slots__ = ("end", "possessive", "start", "text")

    def __init__(self, match: re.Match[str]) -> None:
        self.start, self.end, self.text = match.start(), match.end(), match.group()
        self.possessive = False
        if len(self.text) > 2 and self.text[-2] in "'’" and self.text[-1] in "sS":
            self.text = self.text[:-2]
            self.end -= 2
            self.possessive = True

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def _is_first_name(word: str) -> bool:
    if word in FIRST_NAMES:
        return True
    parts = word.split("-")
    return len(parts) == 2 and all(part in FIRST_NAMES for part in parts)


def _is_last_name(word: str) -> bool:
    return word in LAST_NAME_WORDS or (word.isupper() and word in _LAST_UPPER) or word.title() in LAST_NAME_WORDS


def _blocked(word: str) -> bool:
    """Not a name word: "Pro", "Day", "Street", "Amazon"... A surname that is also a brand ("Ford",
    "Renault") is still a surname."""
    return word in NOT_SURNAMES or (word in BRAND_WORDS and word not in LAST_NAME_WORDS)


class NameDetector:
    """Person names from Faker's name lists and context cues (see the module docstring for the rules)."""

    name = "person"
    types = frozenset({PiiType.PERSON})
    prefilter: str = _prefilter()

    def detect(self, text: str) -> list[Entity]:
        if not text:
            return []
        tokens = [_Token(m) for m in _WORD.finditer(text)]
        if not tokens:
            return []
        found: list[Entity] = []
        self._known_first_names(text, tokens, found)
        self._after_cues(text, tokens, found)
        return found

    def detect_batch(self, texts: Sequence[str]) -> list[list[Entity]]:
        return [self.detect(text) for text in texts]

    # -- name words -----------------------------------------------------------------------------------------

    @staticmethod
    def _adjacent(text: str, left: _Token, right: _Token) -> bool:
        return not left.possessive and _GAP.fullmatch(text, left.end, right.start) is not None

    def _name_word(self, text: str, tokens: list[_Token], j: int) -> int | None:
        """If a name word starts at tokens[j], the index of its last token: a capitalised word, a particle and
        what follows it ("Da Silva", "De La Fontaine", "de Gaulle"), or an initial and a word ("F. Kennedy")."""
        token = tokens[j]
        if token.text in _PARTICLES or token.text in _CAP_PARTICLES:
            following = self._next_name_word(text, tokens, j + 1)
            if following is not None or token.text in _PARTICLES:
                return following
        if not token.capitalised or _blocked(token.text):
            return None
        if len(token.text) == 1:  # an initial: only with its full stop and a word after it
            if j + 1 < len(tokens) and text[token.end : token.end + 2] == ". " and tokens[j + 1].start == token.end + 2:
                nxt = tokens[j + 1]
                if nxt.capitalised and not _blocked(nxt.text) and len(nxt.text) > 1:
                    return j + 1
            return None
        return j

    def _next_name_word(self, text: str, tokens: list[_Token], j: int) -> int | None:
        if j >= len(tokens) or not self._adjacent(text, tokens[j - 1], tokens[j]):
            return None
        return self._name_word(text, tokens, j)

    # -- rule 1 ---------------------------------------------------------------------------------------------

    def _known_first_names(self, text: str, tokens: list[_Token], found: list[Entity]) -> None:
        i = 0
        while i < len(tokens):
            first = tokens[i]
            word = first.text
            if first.possessive or not first.capitalised:
                i += 1
                continue
            if word.isupper() and len(word) > 1:
                # "JEAN DUPONT": both words must be known, capitals carry no other signal.
                if word in _FIRST_UPPER and i + 1 < len(tokens) and self._adjacent(text, first, tokens[i + 1]):
                    second = tokens[i + 1]
                    if second.text.isupper() and second.text in _LAST_UPPER:
                        found.append(Entity(PiiType.PERSON, first.start, second.end, 0.85))
                        i += 2
                        continue
                i += 1
                continue
            if not _is_first_name(word) or word in BRAND_WORDS:
                i += 1
                continue
            last = self._next_name_word(text, tokens, i + 1)
            if last is None:
                i += 1
                continue
            surname = tokens[last].text
            if word in AMBIGUOUS_FIRST_NAMES and not _is_last_name(surname):
                i += 1
                continue
            # More name words if they are known names: "Marie Claire Dupont", "Jean Martin Da Silva".
            while last - i < 4:
                more = self._next_name_word(text, tokens, last + 1)
                if more is None or not (_is_last_name(tokens[more].text) or _is_first_name(tokens[more].text)):
                    break
                last = more
            span = text[first.start : tokens[last].end]
            if span in BRAND_NAMES:
                i = last + 1
                continue
            known = any(_is_last_name(t.text) for t in tokens[i + 1 : last + 1])
            found.append(Entity(PiiType.PERSON, first.start, tokens[last].end, 0.9 if known else 0.75))
            i = last + 1

    # -- rule 2 ---------------------------------------------------------------------------------------------

    @staticmethod
    def _cue_before(text: str, start: int) -> re.Match[str] | None:
        """The cue ending right where a word starts at `start`, if any; its strength is `_strength(match)`."""
        i = start - 1
        while i >= 0 and start - i < 8 and text[i] in _GAP_CHARS:
            i -= 1
        if i < 0 or start - i >= 8:
            return None
        window = max(0, start - _CUE_WINDOW)
        if text[i] in _DASHES:
            return _DASH_CUE.search(text, window, start)
        end = i + 1
        while i >= 0 and end - i <= 20 and (text[i].isalpha() or text[i] in _CUE_WORD_CHARS):
            i -= 1
        cues = _CUES_BY_WORD.get(text[i + 1 : end].lower().replace("’", "'"))
        return cues[0].search(text, window, start) if cues else None

    @staticmethod
    def _strength(cue: re.Match[str]) -> int:
        if cue.re is _DASH_CUE:
            return DASH
        word_cues = _CUES_BY_WORD_BY_PATTERN[cue.re]
        return word_cues[int(cue.lastgroup[1:])]  # type: ignore[index]

    def _after_cues(self, text: str, tokens: list[_Token], found: list[Entity]) -> None:
        for k, token in enumerate(tokens):
            if token.start == 0 or text[token.start - 1].isalnum():
                continue
            cue = self._cue_before(text, token.start)
            if cue is None:
                continue
            strength = self._strength(cue)
            if tokens[k].text.isupper() and len(tokens[k].text) > 1:
                continue  # capitals after a cue are a shout or a brand ("Thanks, UPS"), not a name
            last = self._name_word(text, tokens, k)
            if last is None:
                continue
            words = 1
            while words < 4 and (more := self._next_name_word(text, tokens, last + 1)) is not None:
                last = more
                words += 1
            names = [t.text for t in tokens[k : last + 1] if t.text not in _PARTICLES]
            if " ".join(names) in BRAND_NAMES:
                continue
            known = any(_is_first_name(n) or _is_last_name(n) for n in names)
            # For sign-offs: a known first name, or a known surname closing two or more words ("Best Buy" is not).
            named = _is_first_name(names[0]) or (len(names) > 1 and _is_last_name(names[-1]))
            # Or two or three capitalised words closing the sentence or line: "Thanks, Bianka Miksza."
            closing = 2 <= len(names) <= 3 and _CLOSING.match(text, tokens[last].end) is not None
            if strength == STRONG:
                score = 0.85 if known else 0.7
            elif strength == KNOWN:
                if not known:
                    continue
                score = 0.8
            elif strength == MEDIUM:
                if not (named or closing) or (len(names) == 1 and names[0] in AMBIGUOUS_FIRST_NAMES):
                    continue
                score = 0.8
            elif strength == DASH:
                # "— Hélène Samson" closing a review: the name must end the line.
                if not named or _LINE_END.match(text, tokens[last].end) is None:
                    continue
                score = 0.8
            else:
                if not _is_first_name(names[0]) or names[0] in AMBIGUOUS_FIRST_NAMES:
                    continue
                if len(names) > 1 and not any(_is_last_name(n) or _is_first_name(n) for n in names[1:]):
                    last = k  # "for Emma Christmas Gift": only the first name
                score = 0.65
            found.append(Entity(PiiType.PERSON, tokens[k].start, tokens[last].end, score))


# Titles and degrees written with a name say something about the person (a doctor, an engineer, a woman): they
# go into the name's placeholder. Words that are also ordinary ("pan", "Don") count only right before a name.
_TITLE_WORDS = (
    *_HONORIFIC_WORDS,
    *_words("Dipl.-Ing. Ing Mag Dott Dott.ssa Sig Sig.ra Sr Sra Dña Don Doña Herr Frau Hr Fr Dhr Mevr pan pani"),
)
_TITLES_BEFORE = re.compile(
    rf"(?:(?<![\w.])(?:{'|'.join(re.escape(word) for word in _TITLE_WORDS)})\.?[ \t\u00a0]+)+\Z"
)
_DEGREES_AFTER = re.compile(
    r"(?:,?[ \t\u00a0]+(?:B\.Sc|M\.Sc|B\.Eng|M\.Eng|B\.A|M\.A|Ph\.D|PhD|MBA|LL\.M|Dipl\.-Ing|MdB|MdL)\.?)+(?![\w])"
)


def with_titles(text: str, entities: Sequence[Entity]) -> list[Entity]:
    """`entities` with each person's span widened over the titles just before it and the degrees just after."""
    widened = []
    for entity in entities:
        if entity.type is PiiType.PERSON:
            start, end = entity.start, entity.end
            if title := _TITLES_BEFORE.search(text, max(0, start - 40), start):
                start = title.start()
            if degree := _DEGREES_AFTER.match(text, end):
                end = degree.end()
            entity = Entity(entity.type, start, end, entity.score)
        widened.append(entity)
    return widened
