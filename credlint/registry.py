"""Every rule, by code, collected from the rule families.

Each family package under credlint/checks declares its rules in its `RULES`; adding a rule is
one line there, adding a family is one line in FAMILIES.
"""

from __future__ import annotations

from collections.abc import Mapping

from credlint.checks import (
    chain,
    credential_files,
    credentials,
    environment,
    exposure,
    metadata,
    region,
    retry,
    signing,
)
from credlint.file_kinds import DEPLOYMENT_KINDS, PYTHON_KINDS
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

FAMILIES = (credentials, environment, region, retry, chain, credential_files, metadata, signing, exposure)

# The engine's own finding: a file that does not parse.
PARSE_ERROR_RULE = RuleInfo(
    "CL000",
    "parse-error",
    "parse-error",
    Severity.ERROR,
    "File could not be parsed",
    (),
    "",
    kinds=PYTHON_KINDS | DEPLOYMENT_KINDS,
)


def _collect() -> Mapping[str, RuleInfo]:
    rules: dict[str, RuleInfo] = {PARSE_ERROR_RULE.code: PARSE_ERROR_RULE}
    for family in FAMILIES:
        for info in family.RULES:
            if info.code in rules:
                raise ValueError(f"rule code {info.code} is declared twice")
            rules[info.code] = info
    return dict(sorted(rules.items()))


RULES: Mapping[str, RuleInfo] = _collect()
