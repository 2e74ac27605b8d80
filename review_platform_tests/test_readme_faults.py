"""The README's table of faults names the tests that prove each line: they must all exist."""

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_every_test_named_in_the_faults_table_exists():
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Faults and bad input", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(test_\w+)`", section))
    assert len(named) >= 10
    defined = {
        name
        for path in (PROJECT_ROOT / "review_platform_tests").rglob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(), flags=re.MULTILINE)
    }
    assert named - defined == set()
