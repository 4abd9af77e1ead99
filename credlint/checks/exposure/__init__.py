"""Credentials exposed at runtime (CL5xx, `exposure`): resolved credentials printed or logged."""

from __future__ import annotations

from credlint.checks.exposure.candidates import (
    TRIGGERS,
    lines_logging_sources,
    lines_of_lambda_handlers,
    may_log_credentials,
)
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "exposure"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# fmt: off
RULES: tuple[RuleInfo, ...] = (
    RuleInfo("CL508", "credentials-logged", CATEGORY, E, "Resolved, environment or STS-issued AWS credentials printed or logged", TRIGGERS, f"{__name__}.credentials_logged:CredentialsLogged", may_log_credentials, seeds=lines_logging_sources, module_facts=lines_of_lambda_handlers),
)
# fmt: on
