"""The pseudonymisation key. Production passes it as `dg.EnvVar`; the embedded demo points at a generated file."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import dagster as dg


class PseudonymKeyResource(dg.ConfigurableResource):
    """Holds the HMAC key for buyer pseudonyms. The key is never logged or put in metadata."""

    key: str = ""
    key_file: str = ""

    def secret(self) -> bytes:
        if self.key:
            return self.key.encode()
        if self.key_file and Path(self.key_file).exists():
            return Path(self.key_file).read_text().strip().encode()
        raise RuntimeError(
            "no pseudonymisation key: set REVIEW_PLATFORM_PSEUDONYM_KEY, or run `review-platform demo` once to "
            "generate a demo key in the state folder"
        )

    def fingerprint(self) -> str:
        """Names the key without revealing it (an HMAC of a fixed label): the erasure register records it, so a
        run with another key is refused rather than silently letting erased buyers back in."""
        return hmac.new(self.secret(), b"review_platform erasure register", hashlib.sha256).hexdigest()[:16]
