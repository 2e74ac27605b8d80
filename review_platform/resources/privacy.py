"""The pseudonymisation key. Production passes it as `dg.EnvVar`; the embedded demo points at a generated file."""

from __future__ import annotations

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
