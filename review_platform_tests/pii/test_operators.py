"""Operators (placeholder, mask, keyed hash, drop), per-type configuration, and overlap merging."""

import polars as pl
import pytest

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity, merge_entities
from review_platform.pii.operators import Drop, KeyedHash, Mask, Placeholder, apply_operators, operator_from_name
from review_platform.pii.redact import RedactionConfig, detect, find_pii, redact_text, redact_texts

TEXT = "Mail marie@exemple.fr or call 06 12 34 56 78."


def redacted_with(config: RedactionConfig, text: str = TEXT) -> str:
    return redact_text(text, config)[0]


def test_placeholder_is_the_default_and_typed():
    assert redact_text(TEXT)[0] == "Mail <EMAIL> or call <PHONE>."
    custom = RedactionConfig(default_operator=Placeholder("[{type}]"))
    assert redacted_with(custom) == "Mail [EMAIL] or call [PHONE]."


def test_mask_keeps_the_length_or_uses_a_fixed_mask():
    assert redacted_with(RedactionConfig(default_operator=Mask())) == "Mail " + "*" * 16 + " or call " + "*" * 14 + "."
    assert redacted_with(RedactionConfig(default_operator=Mask("#"))).count("#") == 30
    assert redacted_with(RedactionConfig(default_operator=Mask(fixed="[redacted]"))) == (
        "Mail [redacted] or call [redacted]."
    )
    with pytest.raises(ValueError, match="one character"):
        Mask("**")


def test_keyed_hash_is_stable_per_value_and_key_and_hides_the_value():
    key = b"k" * 32
    operator = KeyedHash(key)
    token = operator.replacement(PiiType.EMAIL, "marie@exemple.fr")
    assert token.startswith("<EMAIL:") and token.endswith(">")
    assert operator.replacement(PiiType.EMAIL, "marie@exemple.fr") == token
    assert operator.replacement(PiiType.EMAIL, "MARIE@exemple.fr") == token  # e-mails compare case-blind
    assert operator.replacement(PiiType.EMAIL, "jean@exemple.fr") != token
    assert KeyedHash(b"other key").replacement(PiiType.EMAIL, "marie@exemple.fr") != token
    # Formatting does not make a second token for the same phone number.
    assert operator.replacement(PiiType.PHONE, "06 12 34 56 78") == operator.replacement(PiiType.PHONE, "0612345678")
    assert "marie" not in token and not any(c.isdigit() for c in token)
    with pytest.raises(ValueError, match="non-empty key"):
        KeyedHash(b"")


def test_keyed_hash_tokens_are_the_same_across_rows():
    config = RedactionConfig(operators={PiiType.EMAIL: KeyedHash(b"secret")})
    frame = pl.DataFrame({"text": ["from a@b.fr", "again a@b.fr", "other c@d.fr"]})
    out = redact_texts(frame, ["text"], config)["text"].to_list()
    assert out[0].removeprefix("from ") == out[1].removeprefix("again ") != out[2].removeprefix("other ")
    assert find_pii(pl.DataFrame({"text": out}), ["text"]).is_empty()


def test_drop_removes_the_span():
    assert redacted_with(RedactionConfig(default_operator=Drop())) == "Mail  or call ."


def test_operators_per_type_and_type_selection():
    config = RedactionConfig(operators={PiiType.PHONE: Mask(), PiiType.EMAIL: Drop()})
    assert redacted_with(config) == "Mail  or call **************."
    only_phone = RedactionConfig(types=frozenset({PiiType.PHONE}))
    assert redacted_with(only_phone) == "Mail marie@exemple.fr or call <PHONE>."


def test_config_from_plain_options():
    config = RedactionConfig.from_options({"EMAIL": "hash", "phone": "mask", "*": "drop"}, hash_key=b"s3cret")
    assert isinstance(config.operator_for(PiiType.EMAIL), KeyedHash)
    assert isinstance(config.operator_for(PiiType.PHONE), Mask)
    assert isinstance(config.operator_for(PiiType.PERSON), Drop)
    with pytest.raises(ValueError, match="needs a key"):
        RedactionConfig.from_options({"EMAIL": "hash"})
    with pytest.raises(ValueError, match="unknown operator"):
        operator_from_name("shred")
    with pytest.raises(ValueError):
        RedactionConfig.from_options({"SSN": "mask"})


def test_apply_operators_uses_exact_offsets():
    text = "abc DEF ghi"
    entities = [Entity(PiiType.PERSON, 4, 7)]
    assert apply_operators(text, entities, {}, Placeholder()) == "abc <PERSON> ghi"
    assert apply_operators(text, [], {}, Placeholder()) == text


def test_merge_takes_the_union_and_the_longest_spans_type():
    merged = merge_entities(
        [
            Entity(PiiType.PERSON, 10, 20, 0.9),
            Entity(PiiType.ADDRESS, 5, 40, 0.8),  # longest: wins, covers the union
            Entity(PiiType.PHONE, 50, 60, 0.9),
            Entity(PiiType.CARD, 50, 60, 1.0),  # same length: higher priority (card) wins
            Entity(PiiType.EMAIL, 60, 70, 1.0),  # touches, does not overlap: kept apart
            Entity(PiiType.PERSON, 38, 45, 0.6),  # overlaps the address: extends the union
        ]
    )
    assert merged == [
        Entity(PiiType.ADDRESS, 5, 45, 0.8),
        Entity(PiiType.CARD, 50, 60, 1.0),
        Entity(PiiType.EMAIL, 60, 70, 1.0),
    ]
    assert merge_entities([]) == []
    assert merge_entities([Entity(PiiType.EMAIL, 3, 3)]) == []  # empty spans vanish


def test_overlapping_detections_in_real_text():
    # A URL carrying an e-mail stays one URL; a street named after a person stays one address.
    text = "See https://x.io/account?email=marie@exemple.fr and 12 rue Victor Hugo, 69003 Lyon"
    entities = detect(text)
    assert [(e.type, text[e.start : e.end]) for e in entities] == [
        (PiiType.URL, "https://x.io/account?email=marie@exemple.fr"),
        (PiiType.ADDRESS, "12 rue Victor Hugo, 69003 Lyon"),
    ]


@pytest.mark.parametrize("operator", [Placeholder(), Mask(), KeyedHash(b"key"), Drop(), Mask(fixed="XXX")])
def test_no_operator_output_is_detected_again(operator):
    text = (
        "Thanks, Marie Dupont, 12 rue de la Paix, 75002 Paris, marie@exemple.fr, +33 6 12 34 56 78, "
        "4111 1111 1111 1111, FR76 3000 6000 0112 3456 7890 189, 10.0.0.1, https://x.io/users/md"
    )
    redacted = redacted_with(RedactionConfig(default_operator=operator), text)
    assert detect(redacted) == []
    assert "Dupont" not in redacted and "4111" not in redacted
