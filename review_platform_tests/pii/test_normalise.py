"""Normalisation before detection: invisible and look-alike characters do not hide personal data, and offsets
(hence redaction) are those of the original text."""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from review_platform.contract import PiiType
from review_platform.pii import normalise as normalise_module
from review_platform.pii.entities import Entity
from review_platform.pii.normalise import (
    INVISIBLE,
    SPACES,
    Normalised,
    changing_chars_class,
    map_entities,
    normalise,
)
from review_platform.pii.redact import _PREFILTER_MIN_ROWS, DEFAULT_DETECTORS, _scan, detect, redact_text, redact_texts
from review_platform_tests.source_strategies import PROPERTY_SETTINGS, any_char, pii_texts

ZWSP, SHY, WJ, BOM = "\u200b", "\u00ad", "\u2060", "\ufeff"
# Removed characters beyond the listed ones: marks for text direction, bidi isolates, a tag character.
OTHER_FORMAT_CHARS = "\u200e\u200f\u202a\u2066\u2069\U000e0041"


def reference(char: str) -> str:
    """What `normalise` turns one character into, written independently of its tables."""
    if char in INVISIBLE or unicodedata.category(char) == "Cf":
        return ""
    if char in SPACES:
        return " "
    return unicodedata.normalize("NFKC", char)


# ---------------------------------------------------------------------------------------------------------------
# The mapping, on crafted strings
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "plain ascii text, 06 12 34 56 78", "Élodie, café, Straße, œuvre, 😀 ✓ « »"])
def test_text_without_special_characters_comes_back_as_is_with_the_identity_map(text: str) -> None:
    normalised = normalise(text)
    assert normalised == Normalised(text) and not normalised.changed
    assert normalised.text is text
    assert normalised.original_span(0, len(text)) == (0, len(text))
    entities = [Entity(PiiType.EMAIL, 0, len(text))]
    assert map_entities(normalised, entities) == entities


def test_removed_character_at_the_start_of_a_value_stays_outside_its_span() -> None:
    normalised = normalise(f"x {ZWSP}ab")
    assert normalised.text == "x ab"
    assert normalised.origin == (0, 1, 3, 4, 5)
    assert normalised.original_span(2, 4) == (3, 5)  # "ab": the invisible character before it is not part of it


def test_removed_characters_in_the_middle_of_a_value_are_inside_its_span() -> None:
    normalised = normalise(f"a{ZWSP}{SHY}{WJ}b c")
    assert normalised.text == "ab c"
    assert normalised.original_span(0, 2) == (0, 5)
    assert normalised.original_span(1, 2) == (4, 5)
    assert normalised.original_span(0, 1) == (0, 1)
    assert normalised.original_span(3, 4) == (6, 7)


def test_removed_character_at_the_end_of_a_value_stays_outside_its_span() -> None:
    normalised = normalise(f"ab{BOM}")
    assert normalised.text == "ab"
    assert normalised.original_span(0, 2) == (0, 2)
    assert normalised.original_span(2, 2) == (3, 3)  # the end of the normalised text is the end of the original


def test_a_text_of_removed_characters_only_normalises_to_nothing() -> None:
    normalised = normalise(INVISIBLE + OTHER_FORMAT_CHARS)
    assert normalised.text == ""
    assert normalised.original_span(0, 0) == (len(INVISIBLE + OTHER_FORMAT_CHARS),) * 2


def test_nfkc_expansions_map_every_produced_character_to_its_source() -> None:
    normalised = normalise("ﬁn ﬃ")  # "ﬁ" -> "fi", "ﬃ" -> "ffi"
    assert normalised.text == "fin ffi"
    assert normalised.origin == (0, 0, 1, 2, 3, 3, 3, 4)
    assert normalised.original_span(0, 3) == (0, 2)
    # Part of an expansion maps to the whole source character: spans grow, never shrink.
    assert normalised.original_span(1, 2) == (0, 1)
    assert normalised.original_span(5, 7) == (3, 4)


def test_full_width_digits_letters_and_superscripts_become_ascii_one_for_one() -> None:
    text = "０６ １２ ｍａｒｉｅ＠ｘ．ｆｒ m² H₂O"
    normalised = normalise(text)
    assert normalised.text == "06 12 marie@x.fr m2 H2O"
    assert normalised.origin == (*range(len(text)), len(text))


@pytest.mark.parametrize("space", list(SPACES))
def test_every_space_variant_becomes_a_space(space: str) -> None:
    normalised = normalise(f"Jean{space}Dupont")
    assert normalised.text == "Jean Dupont"
    assert normalised.original_span(0, 11) == (0, 11)


def test_astral_characters_are_kept_or_replaced_like_the_others() -> None:
    assert not normalise("Top 😀👍").changed  # emoji stay: the identity map
    normalised = normalise(f"😀{ZWSP}\U0001d7ce😀")  # mathematical bold zero -> "0"
    assert normalised.text == "😀0😀"
    assert normalised.origin == (0, 2, 3, 4)


def test_other_characters_keep_their_case_and_accents() -> None:
    normalised = normalise(f"Élodie{ZWSP} DUPONT, Straße, ça")
    assert normalised.text == "Élodie DUPONT, Straße, ça"


def test_map_entities_maps_each_span_and_keeps_type_and_score() -> None:
    normalised = normalise(f"tel 06{ZWSP}12 34 56 78, ﬁn")
    assert normalised.text == "tel 0612 34 56 78, fin"
    # "0612 34 56 78" (4-17) came from 4-18; "fin" (19-22) and its "i" alone (20-21) from "ﬁn" (20-22) and "ﬁ".
    entities = [Entity(PiiType.PHONE, 4, 17, 0.95), Entity(PiiType.PERSON, 19, 22, 0.5), Entity(PiiType.URL, 20, 21)]
    assert map_entities(normalised, entities) == [
        Entity(PiiType.PHONE, 4, 18, 0.95),
        Entity(PiiType.PERSON, 20, 22, 0.5),
        Entity(PiiType.URL, 20, 21),
    ]


def test_the_character_class_matches_exactly_the_changed_characters_in_python_and_polars() -> None:
    samples = [
        *INVISIBLE,
        *OTHER_FORMAT_CHARS,
        *SPACES,
        "ﬁ",
        "０",
        "²",
        "…",
        "\U0001d7ce",
        "a",
        "é",
        "😀",
        "\ufffd",
        "\n",
    ]
    expected = [reference(c) != c for c in samples]
    pattern = re.compile(changing_chars_class())
    assert [pattern.search(c) is not None for c in samples] == expected
    assert pl.Series(samples).str.contains(changing_chars_class()).to_list() == expected


def test_the_scanned_planes_hold_every_character_normalisation_changes() -> None:
    # `_SCANNED` skips the unassigned and private-use planes; this checks that nothing there changes.
    scanned = {code_point for block in normalise_module._SCANNED for code_point in block}
    skipped = (cp for cp in range(0x110000) if cp not in scanned and not 0xD800 <= cp <= 0xDFFF)
    assert [hex(cp) for cp in skipped if reference(chr(cp)) != chr(cp)] == []


# ---------------------------------------------------------------------------------------------------------------
# End to end: one text, and a column through the polars prefilters
# ---------------------------------------------------------------------------------------------------------------

# (text before, value with invisible or look-alike characters, text after, type)
HIDDEN_VALUES = [
    ("Write to ", f"marie{ZWSP}.dupont@gmail.com", " please", PiiType.EMAIL),
    ("Write to ", f"marie.dupont@gm{SHY}ail.com", " please", PiiType.EMAIL),
    ("Write to ", f"m{WJ}arie.dupont{BOM}@gmail.co{ZWSP}m", " please", PiiType.EMAIL),
    ("Write to ", "ｍａｒｉｅ．ｄｕｐｏｎｔ＠ｇｍａｉｌ．ｃｏｍ", " please", PiiType.EMAIL),
    ("Appelez le ", f"06{ZWSP}12 34 56 78", " svp", PiiType.PHONE),
    ("Appelez le ", f"06{SHY}12 34 56 78", " svp", PiiType.PHONE),
    ("Appelez le ", f"0{WJ}6 12 34 56 7{ZWSP}8", " svp", PiiType.PHONE),
    ("Appelez le ", "０６ １２ ３４ ５６ ７８", " svp", PiiType.PHONE),
    ("Appelez le ", "06\u200912\u200934\u200956\u200978", " svp", PiiType.PHONE),
    ("Appelez le ", "+33\u20036\u300012 34 56 78", " svp", PiiType.PHONE),
    ("IBAN ", f"FR76{ZWSP}3000 6000 0112 3456 7890 189", " merci", PiiType.IBAN),
    ("IBAN ", f"FR76 3000 6000 0112 3456 7890 1{SHY}89", " merci", PiiType.IBAN),
    ("IBAN ", "ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９", " merci", PiiType.IBAN),
    ("card ", f"41{ZWSP}11 1111 1111 1111", " was charged", PiiType.CARD),
    ("card ", f"4111 1111 1111 11{WJ}11", " was charged", PiiType.CARD),
    ("card ", f"4111111111{SHY}111111", " was charged", PiiType.CARD),
    ("card ", "４１１１ １１１１ １１１１ １１１１", " was charged", PiiType.CARD),
]
HIDDEN_IDS = [f"{t.value}-{i}" for i, (_, _, _, t) in enumerate(HIDDEN_VALUES)]
# Personal data written plainly, and text with nothing to redact: (text, spans, redacted text), as before.
PLAIN_TEXTS = [
    ("Appelez le 06 12 34 56 78 svp", [(PiiType.PHONE, 11, 25)], "Appelez le <PHONE> svp"),
    ("Write to jean.dupont@exemple.fr please", [(PiiType.EMAIL, 9, 31)], "Write to <EMAIL> please"),
    ("Great kettle, works well. Très bien 👍", [], "Great kettle, works well. Très bien 👍"),
]


def spans(entities: list[Entity]) -> list[tuple[PiiType, int, int]]:
    return [(e.type, e.start, e.end) for e in entities]


def redacted(before: str, after: str, pii_type: PiiType) -> str:
    return f"{before}<{pii_type.value}>{after}"


def assert_nothing_survives(value: str, output: str) -> None:
    """No invisible or look-alike character is left (the texts around the values have none), and no run of
    letters or digits of the value either."""
    assert not normalise(output).changed
    outside = re.sub(r"<[A-Z_]+>", " ", output)
    assert [part for part in re.findall(r"[^\W_]{2,}", normalise(value).text) if part in outside] == []


@pytest.mark.parametrize(("before", "value", "after", "pii_type"), HIDDEN_VALUES, ids=HIDDEN_IDS)
def test_redact_text_replaces_the_whole_hidden_value(before: str, value: str, after: str, pii_type: PiiType) -> None:
    text, entities = redact_text(before + value + after)
    assert text == redacted(before, after, pii_type)
    assert spans(entities) == [(pii_type, len(before), len(before) + len(value))]
    assert_nothing_survives(value, text)


def test_invisible_characters_bordering_a_value_are_left_in_place() -> None:
    assert redact_text(f"Appelez le {ZWSP}06 12 34 56 78{SHY} svp")[0] == f"Appelez le {ZWSP}<PHONE>{SHY} svp"


def test_a_name_written_with_an_unusual_space_is_found() -> None:
    assert redact_text("Merci, Jean\u2009Dupont.")[0] == "Merci, <PERSON>."


@pytest.mark.parametrize(("text", "expected_spans", "expected"), PLAIN_TEXTS)
def test_plain_text_keeps_its_offsets(text: str, expected_spans: list[tuple[PiiType, int, int]], expected: str) -> None:
    assert not normalise(text).changed
    assert spans(detect(text)) == expected_spans
    redacted_text, entities = redact_text(text)
    assert (redacted_text, spans(entities)) == (expected, expected_spans)


def column_frame() -> tuple[pl.DataFrame, list[str]]:
    """Hidden values and plain texts among enough filler rows that `redact_texts` takes the prefilter path."""
    hidden = [before + value + after for before, value, after, _ in HIDDEN_VALUES]
    texts = [*hidden, *(text for text, _, _ in PLAIN_TEXTS), *["Nice lamp, bright enough."] * _PREFILTER_MIN_ROWS, None]
    return pl.DataFrame({"text": texts}, schema={"text": pl.String}), hidden


def test_redact_texts_replaces_hidden_values_through_the_prefilter_path() -> None:
    frame, hidden = column_frame()
    assert frame.height > _PREFILTER_MIN_ROWS
    out = redact_texts(frame, ["text"])
    got = out["text"].to_list()
    for i, (before, value, after, pii_type) in enumerate(HIDDEN_VALUES):
        assert got[i] == redacted(before, after, pii_type), HIDDEN_IDS[i]
        assert_nothing_survives(value, got[i])
    # Rows without special characters come back as before; those without personal data, unchanged.
    rest = frame["text"].to_list()[len(hidden) :]
    assert got[len(hidden) :] == [expected for _, _, expected in PLAIN_TEXTS] + rest[len(PLAIN_TEXTS) :]
    assert out["pii_redactions"].to_list()[: len(hidden)] == [1] * len(hidden)


def test_the_column_scan_reports_offsets_into_the_original_texts() -> None:
    frame, _ = column_frame()
    texts = frame["text"].to_list()
    found = _scan(frame["text"], DEFAULT_DETECTORS, frozenset(PiiType))
    assert found == {i: detect(text) for i, text in enumerate(texts) if detect(text)}
    for i, (_, expected_spans, _) in enumerate(PLAIN_TEXTS, start=len(HIDDEN_VALUES)):
        assert spans(found.get(i, [])) == expected_spans


# ---------------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------------

special_chars = st.sampled_from(
    [*INVISIBLE, *OTHER_FORMAT_CHARS, *SPACES, "ﬁ", "ﬃ", "０", "Ａ", "²", "½", "…", "™", "\U0001d7ce", "😀", "é"]
)
mixed_texts = st.text(st.one_of(special_chars, any_char, st.sampled_from("ab 0@.")), max_size=40)
removed_chars = st.sampled_from([*INVISIBLE, *OTHER_FORMAT_CHARS])


@PROPERTY_SETTINGS
@given(mixed_texts)
def test_every_mapped_span_lies_in_the_original_and_covers_what_it_should(text: str) -> None:
    normalised = normalise(text)
    assert normalised.text == "".join(reference(c) for c in text)
    # Which original character each normalised one came from, computed the slow way.
    source = [i for i, char in enumerate(text) for _ in reference(char)]
    n = len(normalised.text)
    for start in range(n + 1):
        for end in range(start, n + 1):
            begin, stop = normalised.original_span(start, end)
            assert 0 <= begin <= stop <= len(text)
            if end == start:
                assert begin == stop
                continue
            # Exactly from the first source character to the last, removed characters between them included.
            assert (begin, stop) == (source[start], source[end - 1] + 1)
            assert normalised.text[start:end] in normalise(text[begin:stop]).text


@PROPERTY_SETTINGS
@given(pii_texts, st.lists(st.tuples(st.integers(0, 200), removed_chars), max_size=6))
def test_inserted_invisible_characters_change_only_the_offsets(text: str, insertions: list[tuple[int, str]]) -> None:
    polluted = text
    for position, char in insertions:
        position %= len(polluted) + 1
        polluted = polluted[:position] + char + polluted[position:]

    def values(source: str, entities: list[Entity]) -> list[tuple[PiiType, str]]:
        return [(e.type, normalise(source[e.start : e.end]).text) for e in entities]

    expected = values(text, detect(text))
    found = detect(polluted)
    assert values(polluted, found) == expected
    # The column path, through the prefilters, agrees with the one-text path.
    column = pl.Series([polluted, text, *["Nice lamp."] * _PREFILTER_MIN_ROWS], dtype=pl.String)
    scanned = _scan(column, DEFAULT_DETECTORS, frozenset(PiiType))
    assert scanned.get(0, []) == found and scanned.get(1, []) == detect(text)


def test_the_json_lines_anonymiser_sees_through_invisible_characters_too():
    import json

    from review_platform.pii.json_lines import anonymise_json_lines

    lines = [json.dumps({"text": "tel 06\u200b12 34 56 78 ou marie\u200b.dupont@gmail.com"})]
    [out] = [json.loads(line) for line in anonymise_json_lines(lines)]
    assert out["text"] == "tel <PHONE> ou <EMAIL>"
    assert [entity["type"] for entity in out["entities"]] == ["PHONE", "EMAIL"]
