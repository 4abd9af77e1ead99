"""Values that stand for no credential at all: test fixtures' and documentation's stand-ins."""

from __future__ import annotations

import re
from typing import Optional

from credlint.finding import Severity
from credlint.settings import TEST_POLICY_IGNORE, TEST_POLICY_REPORT, RuleSettings

# Values that stand for no key at all: moto's "testing", placeholders, empty strings.
_FAKE_VALUE = re.compile(
    r"(?i)^(|test(ing)?\w*|foo(bar)?|bar|baz|fake\w*|dummy\w*|mock\w*|example\w*|sample\w*|x+|none|null|"
    r"changeme|change[-_]?me|placeholder|secret|key|password|your[-_ ]?\w*|<[^>]*>|\*+|\.\.\.|"
    r"does[-_]?not[-_]?matter|doesnt[-_]?matter|not[-_]?used|unused|ignored?|whatever|anything|local\w*)$"
)


_FAKE_WORD = re.compile(r"FAKE|DUMMY|minio", re.IGNORECASE)
# No key id, secret or token is all digits or a phrase of words joined by underscores
# (`just_to_make_boto3_imports_work`): AWS writes them in upper-case letters and digits, or base64.
_NOT_A_CREDENTIAL = re.compile(r"\d+|[a-z0-9]+(?:_[a-z0-9]+){2,}")


def looks_fake(value: str) -> bool:
    """A value no real credential has: test fixtures' and documentation's stand-ins (`AKIA_FAKE_KEY`)."""
    value = value.strip()
    if _FAKE_VALUE.match(value) or _FAKE_WORD.search(value) or _NOT_A_CREDENTIAL.fullmatch(value):
        return True
    return value.endswith(("EXAMPLE", "EXAMPLEKEY"))


def is_stand_in(settings: RuleSettings, *, fake: bool = False) -> bool:
    """A fake value, or any value in a test file: it keeps code away from real AWS on purpose (moto,
    localstack), so it follows `test-policy`, and no fix takes it out."""
    return fake or settings.test_file


def stand_in_severity(default: Severity, settings: RuleSettings, *, fake: bool = False) -> Optional[Severity]:
    """The severity of a finding on a stand-in: `test-policy` decides (info unless it says report
    or ignore). Tests use fake keys, literal MFA codes and partial credentials on purpose. None
    means the finding is not reported at all."""
    if not is_stand_in(settings, fake=fake) or settings.test_policy == TEST_POLICY_REPORT:
        return default
    return None if settings.test_policy == TEST_POLICY_IGNORE else Severity.INFO
