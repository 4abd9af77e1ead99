"""Credential files baked into images or written by code (CL5xx, `chain-misuse`): a shared
credentials file (link 5) that wins over the container role and the instance profile."""

from __future__ import annotations

from credlint.rule_info import RuleInfo

CATEGORY = "chain-misuse"

RULES: tuple[RuleInfo, ...] = ()
