"""Values that stand for no credential at all: test fixtures' and documentation's stand-ins."""

from __future__ import annotations

import re

# Values that stand for no key at all: moto's "testing", placeholders, empty strings.
_FAKE_VALUE = re.compile(
    r"(?i)^(|test(ing)?\w*|foo(bar)?|bar|baz|fake\w*|dummy\w*|mock\w*|example\w*|sample\w*|x+|none|null|"
    r"changeme|change[-_]?me|placeholder|secret|key|password|your[-_ ]?\w*|<[^>]*>|\*+|\.\.\.|"
    r"does[-_]?not[-_]?matter|doesnt[-_]?matter|not[-_]?used|unused|ignored?|whatever|anything|local\w*)$"
)


_FAKE_WORD = re.compile(r"FAKE|DUMMY|minio", re.IGNORECASE)


def looks_fake(value: str) -> bool:
    """A value no real credential has: test fixtures' and documentation's stand-ins (`AKIA_FAKE_KEY`)."""
    value = value.strip()
    return bool(_FAKE_VALUE.match(value) or _FAKE_WORD.search(value)) or value.endswith(("EXAMPLE", "EXAMPLEKEY"))
