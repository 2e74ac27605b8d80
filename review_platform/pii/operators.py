"""What a detected value becomes: a typed placeholder, a mask, a keyed hash, or nothing.

Every operator's output is chosen so that no detector finds personal data in it again (placeholders and hash
tokens are `<TYPE>` / `<TYPE:letters>`, masks are `*`), which is what lets the leak guard run on redacted text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity


@runtime_checkable
class Operator(Protocol):
    def replacement(self, pii_type: PiiType, value: str) -> str: ...


@dataclass(frozen=True)
class Placeholder:
    """`<EMAIL>`, `<PERSON>`... (`template` receives the type's value as `{type}`)."""

    template: str = "<{type}>"

    def replacement(self, pii_type: PiiType, value: str) -> str:
        return self.template.format(type=pii_type.value)


@dataclass(frozen=True)
class Mask:
    """As many `char` as the value has characters, or the `fixed` string whatever the value."""

    char: str = "*"
    fixed: str | None = None

    def __post_init__(self) -> None:
        if self.fixed is None and len(self.char) != 1:
            raise ValueError("a mask character is exactly one character")

    def replacement(self, pii_type: PiiType, value: str) -> str:
        return self.fixed if self.fixed is not None else self.char * len(value)


# Hex digits spelled as letters: a token made of digits could look like a phone number to the leak guard.
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


@dataclass(frozen=True)
class KeyedHash:
    """`<EMAIL:kfhbpa...>`: HMAC-SHA256 of the normalised value under `key`; the same value (whatever its
    spacing, and for e-mails its case) always gives the same token, and without the key it cannot be reversed
    or recomputed."""

    key: bytes = field(repr=False)
    length: int = 16

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("the keyed-hash operator needs a non-empty key")
        if not 8 <= self.length <= 64:
            raise ValueError("the token length must be between 8 and 64")

    def replacement(self, pii_type: PiiType, value: str) -> str:
        digest = hmac.new(self.key, f"{pii_type.value}\x00{normalise(pii_type, value)}".encode(), hashlib.sha256)
        return f"<{pii_type.value}:{digest.hexdigest()[: self.length].translate(_LETTERS)}>"


@dataclass(frozen=True)
class Drop:
    """Removes the value altogether."""

    def replacement(self, pii_type: PiiType, value: str) -> str:
        return ""


_NOT_DIGIT_OR_PLUS = re.compile(r"[^0-9+]")
_NOT_ALNUM = re.compile(r"[\W_]")
_SPACES = re.compile(r"\s+")


def normalise(pii_type: PiiType, value: str) -> str:
    """The form a value is hashed in: formatting differences do not make two tokens for one value."""
    if pii_type in (PiiType.PHONE, PiiType.CARD):
        return _NOT_DIGIT_OR_PLUS.sub("", value)
    if pii_type is PiiType.IBAN:
        return _NOT_ALNUM.sub("", value).upper()
    if pii_type in (PiiType.EMAIL, PiiType.IP_ADDRESS, PiiType.SOCIAL_HANDLE):
        return value.strip().lower()
    return _SPACES.sub(" ", value.strip())


OPERATOR_NAMES = ("placeholder", "mask", "hash", "drop")


def operator_from_name(name: str, hash_key: bytes | None = None) -> Operator:
    """ "placeholder", "mask", "hash" (needs `hash_key`) or "drop": the names a config file or CLI flag uses."""
    match name.strip().lower():
        case "placeholder":
            return Placeholder()
        case "mask":
            return Mask()
        case "hash":
            if not hash_key:
                raise ValueError("the 'hash' operator needs a key")
            return KeyedHash(hash_key)
        case "drop":
            return Drop()
    raise ValueError(f"unknown operator {name!r}; expected one of {', '.join(OPERATOR_NAMES)}")


def apply_operators(
    text: str,
    entities: Iterable[Entity],
    operators: Mapping[PiiType, Operator],
    default: Operator,
) -> str:
    """`text` with every entity (disjoint, as `merge_entities` returns them) replaced by its operator's output."""
    parts: list[str] = []
    pos = 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.start < pos:
            continue  # not disjoint: the earlier span already covers it
        parts.append(text[pos : entity.start])
        operator = operators.get(entity.type, default)
        parts.append(operator.replacement(entity.type, text[entity.start : entity.end]))
        pos = entity.end
    parts.append(text[pos:])
    return "".join(parts)
