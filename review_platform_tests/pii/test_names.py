"""Person names from the name lists and context cues, and the guards against capitalised non-names."""

import pytest

from review_platform.contract import PiiType
from review_platform.pii.names import AMBIGUOUS_FIRST_NAMES, FIRST_NAMES, LAST_NAMES, NameDetector

DETECTOR = NameDetector()


def names(text: str) -> list[str]:
    from review_platform.pii.entities import merge_entities

    entities = merge_entities(DETECTOR.detect(text))
    assert all(e.type is PiiType.PERSON for e in entities)
    return [text[e.start : e.end] for e in entities]


def test_name_lists_come_from_both_locales():
    assert {"Jennifer", "Michael", "Hélène", "Jérôme"} <= FIRST_NAMES
    assert {"Smith", "Dupont", "Da Silva"} <= LAST_NAMES
    assert {"Rose", "Will", "Grace", "Austin"} <= AMBIGUOUS_FIRST_NAMES | {"Will"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Rule 1: known first name + capitalised word(s).
        ("Jennifer Smith at the desk was great", ["Jennifer Smith"]),
        ("Offert à Hélène Samson pour son anniversaire.", ["Hélène Samson"]),
        ("Envoyé à Marie DUPONT.", ["Marie DUPONT"]),
        ("JEAN DUPONT a signé", ["JEAN DUPONT"]),
        ("Jean-Pierre Martin-Dupont m'a aidé", ["Jean-Pierre Martin-Dupont"]),
        ("Ana Da Silva et Pierre Le Gall", ["Ana Da Silva", "Pierre Le Gall"]),
        ("John F. Kennedy airport", ["John F. Kennedy"]),
        ("Marie Claire Dupont called", ["Marie Claire Dupont"]),
        ("Erica Campbell's verdict", ["Erica Campbell"]),
        ("C'est Julie Mary qui me l'a conseillé.", ["Julie Mary"]),
        # Rule 2: cues, with any capitalised word after a strong one.
        ("My husband Zbigniew loves it.", ["Zbigniew"]),
        ("mon mari Xavier l'adore", ["Xavier"]),
        ("My name is Kenji Tanaka and I", ["Kenji Tanaka"]),
        ("Je m'appelle Aurélien et je suis déçu", ["Aurélien"]),
        ("Mme Dupont du magasin", ["Dupont"]),
        ("Mr. Okonkwo called back", ["Okonkwo"]),
        ("Thanks, Matthew Reynolds", ["Matthew Reynolds"]),
        ("Great product.\n— Hélène Samson", ["Hélène Samson"]),
        ("Cordialement,\nGeorges Valentin", ["Georges Valentin"]),
        ("Thanks, Bianka Miksza.", ["Bianka Miksza"]),  # two unknown words closing the sentence
        ("Gift for Emma, she loved it", ["Emma"]),
        ("the driver, Tomasz, left it outside", ["Tomasz"]),
        ("Contact: Mechtild Trupp, 370", ["Mechtild Trupp"]),
    ],
)
def test_names_found(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Rose gold finish is lovely",
        "Rose Gold colour, 128 GB",
        "Will buy again. Will Buy Again!",
        "Grace period for returns is 30 days",
        "Mark my words, this Apple Watch is great",
        "Cadeau parfait pour Noël",
        "Shipped to Austin in 2 days",
        "Calvin Klein jeans and a Ralph Lauren shirt",
        "Christian Dior perfume",
        "Marque Pierre Cardin",
        "Thanks, Amazon",
        "Thanks, Great Product!",
        "Bought from Best Buy.",
        "Great Value For Money",
        "Absolutely Brilliant Product, Highly Recommend",
        "Livraison avec La Poste, puis Mondial Relay",
        "trop petit en M. Livraison lente",
        "Perfect mug for Earl Grey tea",
        "Fast delivery with UPS, the tracking was great",
        "Summer Dress In Size M",
        "Jordan sneakers in the Victoria box",
        "Works with Alexa and Google Home",
        "Dr Martens boots, size 42",
    ],
)
def test_capitalised_words_that_are_not_people(text):
    assert names(text) == []


def test_offsets_are_exact_and_single_first_names_need_a_cue():
    text = "Emma loved it. My daughter Emma loved it."
    entities = DETECTOR.detect(text)
    assert [(e.start, e.end) for e in entities] == [(27, 31)]
    assert text[27:31] == "Emma"


def test_prefilter_is_a_superset_on_cued_and_listed_names():
    import polars as pl

    texts = [
        "Thanks, Matthew Reynolds",
        "My husband Zbigniew loves it.",
        "— Hélène Samson",
        "Gift for Emma",
        "JEAN DUPONT",
        "Marie de La Fontaine",
        "Mme Dupont",
    ]
    flags = pl.Series(texts).str.contains(NameDetector.prefilter).to_list()
    assert all(flags)
    assert all(DETECTOR.detect(t) for t in texts)
    assert not pl.Series(["the rose gold finish", "Fast delivery with UPS"]).str.contains(NameDetector.prefilter).any()
