"""Request signing (CL5xx, `signing`): SigV2 signature versions, pre-signed URLs written in code,
hand-rolled SigV4 with literal keys."""

from __future__ import annotations

from credlint.rule_info import RuleInfo

CATEGORY = "signing"

RULES: tuple[RuleInfo, ...] = ()
