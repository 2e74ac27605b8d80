"""Anonymise a stream of JSON lines: one `{"text": ...}` in, one `{"text": <redacted>, "entities": [...]}` out.

For a CLI or a service: lines are processed in order and in small batches (so a model detector sees batches),
a line that cannot be read becomes `{"error": "..."}`, and nothing a line contains makes the stream stop.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from review_platform.pii.entities import Entity, clean_text, merge_entities
from review_platform.pii.normalise import map_entities, normalise
from review_platform.pii.operators import apply_operators
from review_platform.pii.redact import DEFAULT_CONFIG, RedactionConfig, redact_text

BATCH_LINES = 256


def _read(line: str | bytes) -> str | dict:
    """The text of a line, or {"error": why}."""
    if isinstance(line, bytes | bytearray):
        try:
            line = bytes(line).decode("utf-8")
        except UnicodeDecodeError as error:
            return {"error": f"invalid UTF-8 at byte {error.start}"}
    if not isinstance(line, str):
        return {"error": f"expected a str or bytes line, got {type(line).__name__}"}
    if not line.strip():
        return {"error": "empty line"}
    try:
        document = json.loads(line)
    except (ValueError, RecursionError) as error:
        return {"error": f"invalid JSON: {error}"[:200]}
    if not isinstance(document, dict):
        return {"error": "expected a JSON object"}
    if "text" not in document:
        return {"error": 'missing "text"'}
    text = document["text"]
    if not isinstance(text, str):
        return {"error": f'"text" must be a string, got {type(text).__name__ if text is not None else "null"}'}
    return clean_text(text)


def _anonymise_batch(texts: list[str], config: RedactionConfig) -> list[tuple[str, list[Entity]]]:
    detectors = config.detectors
    # The detectors read the normalised texts, as `redact.detect` does; entities are mapped back to the input.
    normalised = [normalise(text) for text in texts]
    per_detector = [detector.detect_batch([n.text for n in normalised]) for detector in detectors]
    out = []
    for i, text in enumerate(texts):
        entities = merge_entities(e for found in per_detector for e in found[i] if e.type in config.types)
        if normalised[i].changed:
            entities = merge_entities(map_entities(normalised[i], entities))
        redacted = apply_operators(text, entities, config.operators, config.default_operator)
        if entities:
            # Anything redacting brought together is redacted too, as redact_texts does.
            redacted, _ = redact_text(redacted, config)
        out.append((redacted, entities))
    return out


def anonymise_json_lines(
    lines: Iterable[str | bytes], config: RedactionConfig | None = None, batch_lines: int = BATCH_LINES
) -> Iterator[str]:
    """One output line (no trailing newline) per input line, in order.

    `{"text": <redacted>, "entities": [{"type", "start", "end", "score"}]}` where offsets point into the input
    text, or `{"error": "..."}` for a line that is not valid UTF-8 (when given bytes), not JSON, not an object,
    or has no string "text". Never raises for a line's content; read bytes (a file opened in "rb") to get
    per-line UTF-8 errors rather than a decoding error from the file object itself.
    """
    config = config or DEFAULT_CONFIG
    pending: list[str | dict] = []

    def results_for(texts: list[str]) -> list[tuple[str, list[Entity]] | str]:
        try:
            return list(_anonymise_batch(texts, config))
        except Exception:
            out: list[tuple[str, list[Entity]] | str] = []
            for text in texts:
                try:
                    out.extend(_anonymise_batch([text], config))
                except Exception as error:
                    out.append(f"anonymisation failed: {type(error).__name__}")
            return out

    def flush() -> Iterator[str]:
        results = iter(results_for([item for item in pending if isinstance(item, str)]))
        for item in pending:
            if isinstance(item, dict):
                yield json.dumps(item, ensure_ascii=False)
                continue
            result = next(results)
            if isinstance(result, str):
                yield json.dumps({"error": result})
                continue
            redacted, entities = result
            yield json.dumps({"text": redacted, "entities": [e.to_dict() for e in entities]}, ensure_ascii=False)
        pending.clear()

    for line in lines:
        pending.append(_read(line))
        if len(pending) >= batch_lines:
            yield from flush()
    if pending:
        yield from flush()
