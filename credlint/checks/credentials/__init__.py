"""Hard-coded credentials (CL1xx): access key ids, secret keys and session tokens written in code."""

from __future__ import annotations

from credlint.checks.credentials.candidates import (
    lines_of_imports,
    lines_with_credentials,
    may_hold_access_key_id,
    may_hold_example_key,
    may_hold_secret_access_key,
    may_hold_session_token,
)
from credlint.checks.credentials.text_scan import STS_TOKEN_HEADERS
from credlint.finding import Severity
from credlint.rule_info import RuleInfo
from credlint.secrets import ACCESS_KEY_TRIGGERS

CATEGORY = "hardcoded-credential"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# Credentials can also be passed by position, to calls that these name (b"ession": a session).
SDK_TRIGGERS = (b"boto", b"ession", b"Credentials", b"set_credentials")
# In other files a secret or token is found by its name or beside a key id; tokens by their header.
PAIRING_TRIGGERS = (*ACCESS_KEY_TRIGGERS, *(header.encode() for header in STS_TOKEN_HEADERS))

# fmt: off
RULES = (
    RuleInfo("CL101", "hardcoded-access-key-id", CATEGORY, E, "AWS access key ID written in the code or any other file", ACCESS_KEY_TRIGGERS, f"{__name__}.hardcoded_access_key_id:HardcodedAccessKeyId", may_hold_access_key_id, seeds=lines_with_credentials, module_facts=lines_of_imports, text_implementation=f"{__name__}.hardcoded_access_key_id_in_text:HardcodedAccessKeyIdInText"),
    RuleInfo("CL102", "hardcoded-secret-access-key", CATEGORY, E, "AWS secret access key written in the code or any other file", (b"ecret", b"ECRET", *SDK_TRIGGERS, *PAIRING_TRIGGERS), f"{__name__}.hardcoded_secret_access_key:HardcodedSecretAccessKey", may_hold_secret_access_key, seeds=lines_with_credentials, module_facts=lines_of_imports, text_implementation=f"{__name__}.hardcoded_secret_access_key_in_text:HardcodedSecretAccessKeyInText"),
    RuleInfo("CL103", "hardcoded-session-token", CATEGORY, W, "AWS session token written in the code or any other file", (b"oken", b"OKEN", *SDK_TRIGGERS, *PAIRING_TRIGGERS), f"{__name__}.hardcoded_session_token:HardcodedSessionToken", may_hold_session_token, seeds=lines_with_credentials, module_facts=lines_of_imports, text_implementation=f"{__name__}.hardcoded_session_token_in_text:HardcodedSessionTokenInText"),
    RuleInfo("CL104", "documentation-example-key", CATEGORY, INFO, "AWS documentation example key (...EXAMPLE) written in the code or any other file", (*ACCESS_KEY_TRIGGERS, b"EXAMPLE"), f"{__name__}.documentation_example_key:DocumentationExampleKey", may_hold_example_key, seeds=lines_with_credentials, module_facts=lines_of_imports, text_implementation=f"{__name__}.documentation_example_key_in_text:DocumentationExampleKeyInText"),
)
# fmt: on
