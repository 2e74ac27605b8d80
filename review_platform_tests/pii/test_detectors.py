"""Each rule-based detector: what it finds (with exact offsets), what it must leave alone, and its checksums."""

import pytest

from review_platform.contract import PiiType
from review_platform.pii.detectors import (
    AddressDetector,
    CardDetector,
    EmailDetector,
    IbanDetector,
    IpAddressDetector,
    PhoneDetector,
    UrlDetector,
    ean13_valid,
    iban_valid,
    luhn_valid,
)
from review_platform.pii.redact import RedactionConfig, detect, redact_text


def found(text: str, pii_type: PiiType | None = None) -> list[str]:
    """The values `detect` finds (of `pii_type` if given), checked to be exact slices of the text."""
    values = []
    for entity in detect(text):
        assert 0 <= entity.start < entity.end <= len(text)
        value = text[entity.start : entity.end]
        assert value == value.strip(), f"span {value!r} has surrounding whitespace"
        if pii_type is None or entity.type is pii_type:
            values.append(value)
    return values


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Write to jean.dupont+avis@exemple.fr please", "jean.dupont+avis@exemple.fr"),
        ("mail: J.Doe@Mail.Example.co.uk.", "J.Doe@Mail.Example.co.uk"),
        ("écrivez à jérôme.müller@exemple.fr, merci", "jérôme.müller@exemple.fr"),
        ("(contact:anna_b-92@sub.domain.io)", "anna_b-92@sub.domain.io"),
        ("...marc@free.fr", "marc@free.fr"),
    ],
)
def test_email(text, value):
    assert found(text, PiiType.EMAIL) == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Appelez le 06 12 34 56 78 svp", "06 12 34 56 78"),
        ("ou 06.12.34.56.78.", "06.12.34.56.78"),
        ("tel 06-12-34-56-78", "06-12-34-56-78"),
        ("fixe 0145678901", "0145678901"),
        ("+33 6 12 34 56 78 le soir", "+33 6 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "+33 (0)6 12 34 56 78"),
        ("0033 6 12 34 56 78", "0033 6 12 34 56 78"),
        ("+33612345678", "+33612345678"),
        ("06\u00a012\u00a034\u00a056\u00a078", "06\u00a012\u00a034\u00a056\u00a078"),
        ("call (415) 555-0134 now", "(415) 555-0134"),
        ("call 415.555.0134", "415.555.0134"),
        ("+1-415-555-0134!", "+1-415-555-0134"),
        ("desk (415) 555-0134 ext. 22", "(415) 555-0134 ext. 22"),
        ("UK +44 20 7946 0958 office", "+44 20 7946 0958"),
        ("mobile +44 7700 900123", "+44 7700 900123"),
        ("Berlin +49 30 12345678", "+49 30 12345678"),
        ("my number is 4155550134", "4155550134"),
    ],
)
def test_phone(text, value):
    assert found(text, PiiType.PHONE) == [value]


def test_ten_bare_digits_need_a_phone_word():
    assert found("Order 4155550134 arrived", PiiType.PHONE) == []
    assert found("Call me on 4155550134", PiiType.PHONE) == ["4155550134"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("card 4111 1111 1111 1111 was charged", "4111 1111 1111 1111"),
        ("card 4111-1111-1111-1111.", "4111-1111-1111-1111"),
        ("4111111111111111", "4111111111111111"),
        ("amex 3782 822463 10005 ok", "3782 822463 10005"),
        ("mc 5555555555554444, merci", "5555555555554444"),
        ("card 4111 1111 1111 1111 123 (CVV)", "4111 1111 1111 1111"),  # the card, not its CVV
        ("ref 12 4111 1111 1111 1111", "4111 1111 1111 1111"),  # an unrelated number before it
    ],
)
def test_card(text, value):
    assert found(text, PiiType.CARD) == [value]


def test_luhn_rejects_and_accepts():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("1234567812345678")
    # One digit wrong: not a card, and nothing else either.
    assert found("card 4111 1111 1111 1112 was charged") == []


@pytest.mark.parametrize(
    "text",
    [
        "Order 402-8812345-1234567 arrived",  # Amazon-style order number
        "EAN 4065067473354 on the box",  # a valid EAN-13 barcode that also passes Luhn
        "tracking 1Z999AA10123456784 updated",
        "0000 0000 0000 0000",  # Luhn-valid but not an issuer range
        "SIRET 732 829 320 00074",
    ],
)
def test_card_look_alikes(text):
    assert found(text, PiiType.CARD) == []


def test_thirteen_digit_visa_that_is_also_an_ean_needs_a_card_word():
    number = "4065067473354"
    assert luhn_valid(number) and ean13_valid(number)
    assert found(f"Barcode {number}", PiiType.CARD) == []
    assert found(f"They charged my card {number} twice", PiiType.CARD) == [number]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "FR76 3000 6000 0112 3456 7890 189"),
        ("to DE89370400440532013000.", "DE89370400440532013000"),
        ("GB82 WEST 1234 5698 7654 32 SVP", "GB82 WEST 1234 5698 7654 32"),  # stops at the country's length
        ("be: BE68 5390 0754 7034", "BE68 5390 0754 7034"),
        ("lowercase fr7630006000011234567890189 too", "fr7630006000011234567890189"),
    ],
)
def test_iban(text, value):
    assert found(text, PiiType.IBAN) == [value]


def test_iban_checksum_and_length_reject():
    assert iban_valid("FR7630006000011234567890189")
    assert not iban_valid("FR7630006000011234567890188")  # mod-97 fails
    assert not iban_valid("FR763000600001123456789018")  # one character short for France
    assert not iban_valid("XX7630006000011234567890189")  # no such country
    assert found("IBAN FR76 3000 6000 0112 3456 7890 188") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("from 192.168.1.23 yesterday", "192.168.1.23"),
        ("IP 8.8.8.8.", "8.8.8.8"),
        ("v6 2001:db8::8a2e:370:7334 blocked", "2001:db8::8a2e:370:7334"),
        ("fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"),
        ("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
    ],
)
def test_ip_address(text, value):
    assert found(text, PiiType.IP_ADDRESS) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "firmware v2.1.0.4 fixed it",
        "Version 1.2.3.4 is out",
        "999.168.1.1 is no address",
        "at 10:30:45 sharp",
        "score 12::30",
        "1.2.3.4.5 is a section number",
    ],
)
def test_ip_look_alikes(text):
    assert found(text, PiiType.IP_ADDRESS) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("see https://shop.example.com/users/jdupont42 please", "https://shop.example.com/users/jdupont42"),
        ("(https://example.com/account?email=a%40b.fr).", "https://example.com/account?email=a%40b.fr"),
        ("www.example.org/profile/marie-durand, look", "www.example.org/profile/marie-durand"),
        ("https://x.io/track?order=12&user=jd92", "https://x.io/track?order=12&user=jd92"),
        ("https://social.example/@jdupont", "https://social.example/@jdupont"),
        ("http://example.com/unsubscribe?name=Marie+Dupont", "http://example.com/unsubscribe?name=Marie+Dupont"),
        ("https://example.com/account/48213/orders", "https://example.com/account/48213/orders"),
    ],
)
def test_personal_url(text, value):
    assert found(text, PiiType.URL) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "https://www.example.com/dp/B08XYZ1234",
        "compare https://shop.example.fr/produit/mixeur-pro-500 first",
        "www.example.org/help/returns",
        "https://shop.example.com/search?q=kettle&page=2",
        "https://example.com/account/orders",
    ],
)
def test_product_urls_stay(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Livré au 12 rue de la Paix, 75002 Paris au lieu de chez moi", "12 rue de la Paix, 75002 Paris"),
        ("Livré au 12 rue de la Paix au lieu de chez moi", "12 rue de la Paix"),
        ("au 3 bis avenue Foch.", "3 bis avenue Foch"),
        ("adresse : 12, rue Victor Hugo, 69003 Lyon", "12, rue Victor Hugo, 69003 Lyon"),
        ("au 8 rue de la gare, 69003 Lyon merci", "8 rue de la gare, 69003 Lyon"),
        ("send it to 742 Evergreen Terrace, Springfield, IL 62704.", "742 Evergreen Terrace, Springfield, IL 62704"),
        ("221B Baker Street.", "221B Baker Street"),
        ("to 10 Downing Street, London SW1A 2AA today", "10 Downing Street, London SW1A 2AA"),
        ("9390 Yvonne Route Suite 858, Boston, MA 02110", "9390 Yvonne Route Suite 858, Boston, MA 02110"),
        ("at 350 5th Avenue", "350 5th Avenue"),
        ("at 4132 Mary Vista, please", "4132 Mary Vista"),
    ],
)
def test_address(text, value):
    assert found(text, PiiType.ADDRESS) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "3 cours de cuisine offerts avec l'appareil",
        "Il reste 2 places dans le coffret",
        "I bought 2 Solar Garden Lights",
        "Set of 4 Park Benches",
        "size 42, 3 rue",
        "Ordered 3 Family Board Games",
    ],
)
def test_address_look_alikes(text):
    assert found(text, PiiType.ADDRESS) == []


@pytest.mark.parametrize(
    "text",
    [
        "Paid 25.99 euros, size 42, arrived after 2 weeks",
        "Model 2024 with 3 speeds, 1200 W",
        "Order 12345 arrived on 12/11/2026",
        "Livré le 06.11.2026 à 14h30, commande n° 171-2345678-9012345",
        "Prix passé de 1 299,99 € à 999,99 €",
        "Battery 5000 mAh, charges in 2 hours, 3.5 mm jack",
        "Model SM-G991B, WH-1000XM4, RTX 4090",
        "Dimensions 40 x 55 x 22 cm, 2.6 kg, date 2026-11-02",
    ],
)
def test_ordinary_numbers_are_not_pii(text):
    assert found(text) == []


def test_every_detector_reports_only_its_types_and_exact_offsets():
    text = (
        "Marie Dupont, 12 rue de la Paix, 75002 Paris, marie@exemple.fr, 06 12 34 56 78, "
        "4111 1111 1111 1111, FR76 3000 6000 0112 3456 7890 189, 192.168.1.23, https://x.io/users/md"
    )
    expected = {
        "Marie Dupont": PiiType.PERSON,
        "12 rue de la Paix, 75002 Paris": PiiType.ADDRESS,
        "marie@exemple.fr": PiiType.EMAIL,
        "06 12 34 56 78": PiiType.PHONE,
        "4111 1111 1111 1111": PiiType.CARD,
        "FR76 3000 6000 0112 3456 7890 189": PiiType.IBAN,
        "192.168.1.23": PiiType.IP_ADDRESS,
        "https://x.io/users/md": PiiType.URL,
    }
    entities = detect(text)
    assert {text[e.start : e.end]: e.type for e in entities} == expected
    for value, pii_type in expected.items():
        start = text.index(value)
        assert any(e.start == start and e.end == start + len(value) and e.type is pii_type for e in entities)
    detectors = [EmailDetector(), PhoneDetector(), CardDetector(), IbanDetector(), IpAddressDetector()]
    detectors += [UrlDetector(), AddressDetector()]
    for detector in detectors:
        assert all(e.type in detector.types for e in detector.detect(text))
        assert all(0.0 < e.score <= 1.0 for e in detector.detect(text))


@pytest.mark.parametrize(
    "text, value",
    [
        ("call (+33) 6 12 34 56 78 tonight", "(+33) 6 12 34 56 78"),
        ("ring 07700 900123 after six", "07700 900123"),
        ("Sweden: +46 (0)70 123 45 67", "+46 (0)70 123 45 67"),
        ("my number is 780 6326", "780 6326"),
        ("tél. 070.123.57.91", "070.123.57.91"),
        ("joignable au 512341332 le soir", "512341332"),
        ("appelez-moi au 0121 234 8302", "0121 234 8302"),
        ("0046 70 123 45 67 is my mobile", "0046 70 123 45 67"),
        ("le (+33) 6 12 34 53 78 2ème roman", "(+33) 6 12 34 53 78"),
        # A year or a count written right after the number is not part of it.
        ("joignable au (+46) 70 123 70 01 1946 et publié", "(+46) 70 123 70 01"),
        # Nordic eight-digit numbers: dotted pairs (not an IP address), or grouped with a trunk 0.
        ("un tournant 32.12.60.12 dans notre histoire", "32.12.60.12"),
        ("These 08-12 78 65 are great", "08-12 78 65"),
    ],
)
def test_phones_of_many_regions_and_formats_are_found_whole(text: str, value: str):
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [(PiiType.PHONE, value)]


@pytest.mark.parametrize(
    "text",
    [
        "Order #4829301 arrived",
        "ref. 12345678 lot 4",
        "paid €12.50 on 12/03/2024",
        "size 38, 34B",
        "lot 612345678",
        "delivered 08.12.2024, on time",
        "ordered 02/11/2024",
        "sizes 36 38 40 42 all fit",
    ],
)
def test_order_numbers_prices_and_dates_are_not_phones(text: str):
    assert [e for e in detect(text) if e.type is PiiType.PHONE] == []


def test_a_number_written_after_a_card_is_read_on_its_own():
    text = "joignable au 5101-2247-7715-6681 21.234.3188"
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [
        (PiiType.CARD, "5101-2247-7715-6681"),
        (PiiType.PHONE, "21.234.3188"),
    ]


@pytest.mark.parametrize(
    "text, value",
    [
        # Dotted pairs that are also a valid Danish number stay an address where the words say so.
        ("Tentatives de connexion depuis 98.76.68.94 : ce n'était pas moi.", "98.76.68.94"),
        ("logged in from 10.20.30.40 twice", "10.20.30.40"),
    ],
)
def test_dotted_pairs_after_an_address_word_stay_an_ip_address(text: str, value: str):
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [(PiiType.IP_ADDRESS, value)]


@pytest.mark.parametrize(
    "text, value",
    [
        ("write marie.dupont[at]gmail.com please", "marie.dupont[at]gmail.com"),
        ("mail: jean (at) free (dot) fr", "jean (at) free (dot) fr"),
        ("john dot doe at gmail dot com", "john dot doe at gmail dot com"),
        ("contact koehler [at] example.org", "koehler [at] example.org"),
    ],
)
def test_obfuscated_emails_are_found(text: str, value: str):
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [(PiiType.EMAIL, value)]


def test_a_spelled_out_at_needs_a_spelled_out_dot():
    assert detect("I had a look at amazon.com and at the shop dot") == []


@pytest.mark.parametrize(
    "value",
    ["4111.1111.1111.1111", "4222 2222 2222 2", "3056 9309 0259 04", "6759 6498 2648", "1800 414913 59333"],
)
def test_cards_with_any_separator_and_issuer_lengths_are_found(value: str):
    text = f"charged on card {value} twice"
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [(PiiType.CARD, value)]


def test_a_bare_twelve_digit_barcode_is_not_a_card():
    assert detect("barcode 036000291452 on the box") == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("I live at Hauptstraße 12, 10115 Berlin now", "Hauptstraße 12, 10115 Berlin"),
        ("ship to Calle Mayor 5, 28013 Madrid please", "Calle Mayor 5, 28013 Madrid"),
        ("Kerkstraat 5, 1017 GB Amsterdam", "Kerkstraat 5, 1017 GB Amsterdam"),
        ("adres: ul. Długa 5/3, 00-950 Warszawa", "ul. Długa 5/3, 00-950 Warszawa"),
        ("Via Roma, 12, 00184 Roma (RM)", "Via Roma, 12, 00184 Roma (RM)"),
        ("Rua Augusta 100, 1100-053 Lisboa", "Rua Augusta 100, 1100-053 Lisboa"),
        ("Storgatan 12, 111 22 Stockholm", "Storgatan 12, 111 22 Stockholm"),
        ("Vesterbrogade 3", "Vesterbrogade 3"),
    ],
)
def test_streets_written_name_first_with_postcode_and_town_are_found(text: str, value: str):
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [(PiiType.ADDRESS, value)]


def test_the_flat_after_a_street_is_redacted_with_it():
    text = "9 Main St, Apt. 392 and 10 Elm Road Suite 501"
    redacted, _ = redact_text(text)
    assert "392" not in redacted and "501" not in redacted and "Apt" not in redacted


@pytest.mark.parametrize(
    "text", ["The Ring 3 was great", "I walked along the Ring 3 times", "Via Roma is lovely", "size 12, apt for work"]
)
def test_street_like_phrases_are_not_addresses(text: str):
    assert [e for e in detect(text) if e.type is PiiType.ADDRESS] == []


@pytest.mark.parametrize(
    "text, value",
    [
        # British: the flat or studio first, the street on the same line or the next, then town and postcode.
        ("I live at Flat 6, Olivia Road, Stephenberg, DH36 0HE and", "Flat 6, Olivia Road, Stephenberg, DH36 0HE"),
        ("livraison : Studio 3\nRoberts Views, apt 32 merci", "Studio 3\nRoberts Views, apt 32"),
        # US military mail: a ship or a unit and box, then FPO / APO / DPO and the "state" AA, AE or AP.
        ("send it to USS Horn, FPO AE 57820 love", "USS Horn, FPO AE 57820"),
        ("livré au Unit 7869 Box 1458, DPO AE 63419 par erreur", "Unit 7869 Box 1458, DPO AE 63419"),
        # French streets named without their number, with what makes them an address.
        ("livraison : boulevard de Descamps, 72113 Dufour merci", "boulevard de Descamps, 72113 Dufour"),
        ("envoyez-le au rue Emmanuel Gay, Bât. B, 15e étage", "rue Emmanuel Gay, Bât. B, 15e étage"),
        ("ship to: chemin Fleury a little", "chemin Fleury"),
    ],
)
def test_streets_without_a_house_number_before_them_are_found(text: str, value: str):
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [(PiiType.ADDRESS, value)]


@pytest.mark.parametrize(
    "text",
    [
        "le roman se passe rue Lepic à Paris",
        "I went to Place Vendôme yesterday",
        "Le Chemin des Dames est un roman",
        "la rue de la Paix est belle",
        "Studio 54, the film, is great",
    ],
)
def test_a_street_named_in_a_story_is_not_an_address(text: str):
    assert [e for e in detect(text) if e.type is PiiType.ADDRESS] == []


def test_a_street_and_the_flat_after_it_become_one_placeholder():
    assert redact_text("envoyez au 12 rue de la Paix, Apt. 3 merci")[0] == "envoyez au <ADDRESS> merci"


@pytest.mark.parametrize(
    "text, redacted",
    [
        ("Merci au Dr Kerry Reynolds pour", "Merci au <PERSON> pour"),
        ("signed: Prof. Emma Mogensen", "signed: <PERSON>"),
        ("Thanks, Ina Seip B.Sc.", "Thanks, <PERSON>"),
        ("mon voisin pan Patryk Albin est", "mon voisin <PERSON> est"),
        # A title word is taken only right before a name.
        ("I cooked with a pan and it was fine, Dr approved", "I cooked with a pan and it was fine, Dr approved"),
    ],
)
def test_titles_and_degrees_go_into_the_names_placeholder(text: str, redacted: str):
    config = RedactionConfig.from_options(spacy_names=True)
    assert redact_text(text, config)[0] == redacted
