"""The platform's errors: one base class whose messages say what failed and what to do.

The CLI prints any `PlatformError` as one line, without a traceback; everything else is a bug and keeps its
traceback. Messages never carry credentials or personal data.
"""

from __future__ import annotations


class PlatformError(RuntimeError):
    """A failure the message fully explains: which system, what state the data was left in, what to do."""


class ServiceUnavailableError(PlatformError):
    """A system (source, lake, warehouse, Mongo) could not be reached or refused the connection."""


def first_line(error: BaseException | str, limit: int = 300, fallback: str | None = None) -> str:
    """The first line of an error's message for a one-line report; `fallback` (default: the error's type name)
    when the message is empty. Drivers often append pages of context after the first line."""
    lines = str(error).strip().splitlines()
    if lines:
        return lines[0][:limit]
    return (type(error).__name__ if fallback is None else fallback)[:limit]
