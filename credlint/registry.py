"""Every rule, by code, as light data: listing rules or prefiltering files imports no LibCST.

Adding a rule is one line here, its module in credlint/checks and its page in rules/.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from credlint.file_kinds import DEPLOYMENT_KINDS, PYTHON_KINDS
from credlint.finding import Severity
from credlint.prefilter import (
    FileProbe,
    may_hold_access_key_id,
    may_hold_example_key,
    may_hold_secret_access_key,
    may_hold_session_token,
    may_pass_env_credentials,
    may_start_child_with_environment,
    may_write_environment,
)
from credlint.region_candidates import may_create_client_without_region
from credlint.retry_candidates import may_hold_retry
from credlint.secrets import ACCESS_KEY_TRIGGERS

if TYPE_CHECKING:
    from credlint.deployment.rule import DeploymentRule
    from credlint.rule import Rule

HARDCODED_CREDENTIAL = "hardcoded-credential"
ENV_SHADOWING = "env-shadowing"
MISSING_REGION = "missing-region"
RETRY_4XX = "retry-4xx"
PARSE_ERROR = "parse-error"


@dataclass(frozen=True)
class RuleInfo:
    """What a rule is called and when it runs; its behaviour lives in `implementation`."""

    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    triggers: tuple[bytes, ...]  # one must occur in a file's bytes for the rule to run
    implementation: str  # "module:Class" under credlint.checks; "" for findings the engine makes
    # A second, still cheap check on the file (see prefilter.py) for files the triggers pass.
    candidate: Optional[Callable[[FileProbe], bool]] = None
    kinds: frozenset[str] = PYTHON_KINDS  # the file kinds (file_kinds.py) the rule reads

    def triggered_by(self, probe: FileProbe) -> bool:
        if self.triggers and not any(trigger in probe.source for trigger in self.triggers):
            return False
        return self.candidate is None or self.candidate(probe)

    def load(self) -> type[Rule] | type[DeploymentRule]:
        module_name, class_name = self.implementation.split(":")
        rule_class: type[Rule] | type[DeploymentRule] = getattr(
            importlib.import_module(f"credlint.checks.{module_name}"), class_name
        )
        rule_class.info = self
        return rule_class


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# ref. aws-chain-reference.md section 1: the variables botocore's env provider (link 1) reads.
CREDENTIAL_VARIABLE_TRIGGERS = (
    b"AWS_ACCESS_KEY_ID",
    b"AWS_SECRET_ACCESS_KEY",
    b"AWS_SESSION_TOKEN",
    b"AWS_SECURITY_TOKEN",
)
# Credentials can also be passed by position, to calls that these name (b"ession": a session).
SDK_TRIGGERS = (b"boto", b"ession", b"Credentials", b"set_credentials")
# fmt: off
RULES: Mapping[str, RuleInfo] = {info.code: info for info in (
    RuleInfo("CL000", "parse-error", PARSE_ERROR, E, "File could not be parsed", (), "", kinds=PYTHON_KINDS | DEPLOYMENT_KINDS),
    RuleInfo("CL101", "hardcoded-access-key-id", HARDCODED_CREDENTIAL, E, "AWS access key ID written in the code", ACCESS_KEY_TRIGGERS, "hardcoded_access_key_id:HardcodedAccessKeyId", may_hold_access_key_id),
    RuleInfo("CL102", "hardcoded-secret-access-key", HARDCODED_CREDENTIAL, E, "AWS secret access key written in the code", (b"ecret", b"ECRET", *SDK_TRIGGERS), "hardcoded_secret_access_key:HardcodedSecretAccessKey", may_hold_secret_access_key),
    RuleInfo("CL103", "hardcoded-session-token", HARDCODED_CREDENTIAL, W, "AWS session token written in the code", (b"oken", b"OKEN", *SDK_TRIGGERS), "hardcoded_session_token:HardcodedSessionToken", may_hold_session_token),
    RuleInfo("CL104", "documentation-example-key", HARDCODED_CREDENTIAL, INFO, "AWS documentation example key (...EXAMPLE) written in the code", (*ACCESS_KEY_TRIGGERS, b"EXAMPLEKEY"), "documentation_example_key:DocumentationExampleKey", may_hold_example_key),
    # Variable names may come from constants, so the Python rules trigger on the AWS_ prefix alone.
    RuleInfo("CL201", "env-credentials-written", ENV_SHADOWING, W, "Code writes AWS credential variables into its own environment", (b"AWS_",), "env_credentials_written:EnvCredentialsWritten", may_write_environment),
    RuleInfo("CL202", "env-credentials-passed-explicitly", ENV_SHADOWING, W, "Credentials read from the environment are passed explicitly to the SDK", (b"environ", b"getenv", b"dotenv", b"decouple"), "env_credentials_passed_explicitly:EnvCredentialsPassedExplicitly", may_pass_env_credentials),
    RuleInfo("CL203", "credentials-in-child-environment", ENV_SHADOWING, W, "AWS credential variables put into a child process's environment", (b"AWS_",), "credentials_in_child_environment:CredentialsInChildEnvironment", may_start_child_with_environment),
    RuleInfo("CL204", "dotenv-credentials-loaded", ENV_SHADOWING, W, "A .env file that defines AWS credentials is loaded", (b"dotenv",), "dotenv_credentials_loaded:DotenvCredentialsLoaded"),
    RuleInfo("CL205", "deployment-env-credentials", ENV_SHADOWING, W, "Deployment configuration sets AWS credential variables for the process", (*CREDENTIAL_VARIABLE_TRIGGERS, b"aws-access-key-id"), "deployment_env_credentials:DeploymentEnvCredentials", kinds=DEPLOYMENT_KINDS),
    RuleInfo("CL206", "lambda-reserved-variable", ENV_SHADOWING, E, "CloudFormation or SAM template sets a variable Lambda reserves", (b"AWS::Lambda::Function", b"AWS::Serverless::Function"), "lambda_reserved_variable:LambdaReservedVariable", kinds=DEPLOYMENT_KINDS),
    # A client is reported only when it is built on a session or factory imported from an SDK
    # library, so the file holds "boto"; region_candidates then looks for a call without a region.
    RuleInfo("CL301", "missing-region", MISSING_REGION, W, "Client for a regional service created with no region the code controls", (b"boto",), "missing_region:MissingRegion", may_create_client_without_region),
    RuleInfo("CL302", "global-service-without-region", MISSING_REGION, INFO, "Client for a global service (s3, iam, sts...) created with no region", (b"boto",), "global_service_without_region:GlobalServiceWithoutRegion", may_create_client_without_region),
    RuleInfo("CL303", "aws-region-only", MISSING_REGION, W, "Code sets AWS_REGION, which botocore ignores, and creates clients without a region", (b"REGION",), "aws_region_only:AwsRegionOnly", may_create_client_without_region),
    RuleInfo("CL401", "retry-any-client-error", RETRY_4XX, W, "Retry loop retries every ClientError without checking the error code", (b"ClientError", b"BotoCoreError", b"exceptions.", b"Exception", b"except:", b"except :", b"tenacity", b"backoff", b"retrying"), "retry_any_client_error:RetryAnyClientError", may_hold_retry),
    RuleInfo("CL402", "retry-decorator-without-predicate", RETRY_4XX, W, "Retry decorator or recursive handler retries every ClientError without a predicate", (b"ClientError", b"BotoCoreError", b"exceptions.", b"Exception", b"except:", b"except :", b"tenacity", b"backoff", b"retrying"), "retry_decorator_without_predicate:RetryDecoratorWithoutPredicate", may_hold_retry),
    RuleInfo("CL403", "retry-non-retryable-code", RETRY_4XX, W, "Retry on error codes or 4xx statuses that botocore deliberately does not retry", (b"ClientError", b"BotoCoreError", b"exceptions.", b"Exception", b"except:", b"except :", b"tenacity", b"backoff", b"retrying"), "retry_non_retryable_code:RetryNonRetryableCode", may_hold_retry),
    RuleInfo("CL404", "retry-without-backoff", RETRY_4XX, INFO, "Retry of throttling or server errors with no delay or a constant delay between attempts", (b"ClientError", b"BotoCoreError", b"exceptions.", b"Exception", b"except:", b"except :", b"tenacity", b"backoff", b"retrying"), "retry_without_backoff:RetryWithoutBackoff", may_hold_retry),
)}
# fmt: on
PARSE_ERROR_RULE = RULES["CL000"]
