"""Misuse of the credential chain (CL5xx, `chain-misuse`): credential files baked into images,
profile confusion, partial credentials, MFA session tokens, credentials printed or logged."""

from __future__ import annotations

from credlint.rule_info import RuleInfo

CATEGORY = "chain-misuse"

RULES: tuple[RuleInfo, ...] = ()
