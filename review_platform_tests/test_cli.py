"""The JSON-lines commands, run as a user would: bytes on stdin, lines on stdout."""

import json
import subprocess
import sys
from pathlib import Path

REVIEW_PLATFORM = str(Path(sys.executable).parent / "review-platform")


def run(command: str, stdin: bytes) -> list[dict]:
    result = subprocess.run([REVIEW_PLATFORM, command], input=stdin, capture_output=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert b"Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_anonymise_keeps_order_and_answers_every_line():
    stdin = (
        b'{"text": "Call Marie Dupont at 06 12 34 56 78 or marie@example.fr"}\n'
        b"not json\n"
        b'{"text": null}\n'
        b"\xff\xfe broken bytes\n"
        b'{"text": "Great lamp, 25 euros, size 42"}\n'
    )
    out = run("anonymise", stdin)
    assert len(out) == 5
    assert out[0]["text"] == "Call <PERSON> at <PHONE> or <EMAIL>"
    assert [entity["type"] for entity in out[0]["entities"]] == ["PERSON", "PHONE", "EMAIL"]
    first = out[0]["entities"][0]
    assert "Call Marie Dupont"[first["start"] : first["end"]] == "Marie Dupont"
    assert "error" in out[1] and "error" in out[2] and "UTF-8" in out[3]["error"]
    assert out[4] == {"text": "Great lamp, 25 euros, size 42", "entities": []}


def test_categorise_keeps_order_and_answers_every_line():
    stdin = (
        b'{"text": "The parcel arrived two weeks late and the box was crushed", "rating": 1}\n'
        b"{broken\n"
        b'{"text": "Super produit, je recommande", "rating": 5}\n'
        b'{"text": "<PERSON>"}\n'
    )
    out = run("categorise", stdin)
    assert len(out) == 4
    assert out[0]["topic"] == "delivery" and out[0]["sentiment"] == "negative" and out[0]["language"] == "en"
    assert "error" in out[1]
    assert out[2]["sentiment"] == "positive" and out[2]["language"] == "fr"
    assert out[3]["nlp_error"] is not None and out[3]["topic"] == "other"
    assert all(line.get("model_name") for line in (out[0], out[2], out[3]))
