"""Misuse of the credential chain (CL5xx, `chain-misuse`): credential files baked into images,
profile confusion, partial credentials, MFA session tokens, credentials printed or logged."""

from __future__ import annotations

from credlint.checks.chain.candidates import (
    lines_of_credential_arguments,
    lines_of_profile_choices,
    lines_of_sts_arguments,
    may_confuse_profiles,
    may_pass_literal_sts_arguments,
    may_pass_partial_credentials,
)
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "chain-misuse"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# fmt: off
RULES: tuple[RuleInfo, ...] = (
    # The credential arguments are read by keyword (or from a dict spread whose keys are written out).
    RuleInfo("CL501", "partial-credentials", CATEGORY, W, "SDK client or session given a key id without its secret, a secret without its key id, or only a session token", (b"aws_access_key_id", b"aws_secret_access_key", b"aws_session_token"), f"{__name__}.partial_credentials:PartialCredentials", may_pass_partial_credentials, seeds=lines_of_credential_arguments),
    # profile_name / profile arguments, and the AWS_PROFILE / AWS_DEFAULT_PROFILE variables.
    RuleInfo("CL502", "profile-confusion", CATEGORY, W, "Profile chosen in a way botocore overrides: profile_name next to keys written into the environment, or AWS_PROFILE beside AWS_DEFAULT_PROFILE", (b"AWS_ACCESS_KEY_ID", b"AWS_DEFAULT_PROFILE"), f"{__name__}.profile_confusion:ProfileConfusion", may_confuse_profiles, seeds=lines_of_profile_choices),
    RuleInfo("CL505", "mfa-session-token", CATEGORY, W, "STS MFA call given a one-time TokenCode written in the source, or a DurationSeconds STS does not accept", (b"TokenCode", b"DurationSeconds"), f"{__name__}.mfa_session_token:MfaSessionToken", may_pass_literal_sts_arguments, seeds=lines_of_sts_arguments),
)
# fmt: on
