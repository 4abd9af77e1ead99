"""Credentials exposed at runtime (CL5xx, `exposure`): resolved credentials printed or logged."""

from __future__ import annotations

from credlint.rule_info import RuleInfo

CATEGORY = "exposure"

RULES: tuple[RuleInfo, ...] = ()
