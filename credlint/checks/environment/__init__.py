"""Environment credentials that shadow roles (CL2xx), in Python and in deployment files."""

from __future__ import annotations

from operator import attrgetter

from credlint.checks.environment.candidates import (
    attributes_followed,
    lines_giving_credentials,
    lines_touching_environment,
    may_pass_env_credentials,
    may_start_child_with_environment,
    may_write_environment,
)
from credlint.file_kinds import DEPLOYMENT_KINDS
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "env-shadowing"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# ref. aws-chain-reference.md section 1: the variables botocore's env provider (link 1) reads.
CREDENTIAL_VARIABLE_TRIGGERS = (
    b"AWS_ACCESS_KEY_ID",
    b"AWS_SECRET_ACCESS_KEY",
    b"AWS_SESSION_TOKEN",
    b"AWS_SECURITY_TOKEN",
)

PASSES_IMPORTED_READS = attrgetter("env_reads")

# fmt: off
RULES = (
    # Variable names may come from constants, so the Python rules trigger on the AWS_ prefix alone.
    RuleInfo("CL201", "env-credentials-written", CATEGORY, W, "Code writes AWS credential variables into its own environment", (b"AWS_",), f"{__name__}.env_credentials_written:EnvCredentialsWritten", may_write_environment, seeds=lines_touching_environment),
    RuleInfo("CL202", "env-credentials-passed-explicitly", CATEGORY, W, "Credentials read from the environment are passed explicitly to the SDK", (b"environ", b"getenv", b"dotenv", b"decouple", b"BaseSettings"), f"{__name__}.env_credentials_passed_explicitly:EnvCredentialsPassedExplicitly", may_pass_env_credentials, seeds=lines_giving_credentials, by_member=attributes_followed, reached_by_view=PASSES_IMPORTED_READS),
    RuleInfo("CL203", "credentials-in-child-environment", CATEGORY, W, "AWS credential variables put into a child process's environment", (b"AWS_",), f"{__name__}.credentials_in_child_environment:CredentialsInChildEnvironment", may_start_child_with_environment, seeds=lines_touching_environment),
    RuleInfo("CL204", "dotenv-credentials-loaded", CATEGORY, W, "A .env file that defines AWS credentials is loaded", (b"dotenv", b"read_env"), f"{__name__}.dotenv_credentials_loaded:DotenvCredentialsLoaded"),
    RuleInfo("CL205", "deployment-env-credentials", CATEGORY, W, "Deployment configuration sets AWS credential variables for the process", (*CREDENTIAL_VARIABLE_TRIGGERS, b"aws-access-key-id"), f"{__name__}.deployment_env_credentials:DeploymentEnvCredentials", kinds=DEPLOYMENT_KINDS),
    RuleInfo("CL206", "lambda-reserved-variable", CATEGORY, E, "CloudFormation or SAM template sets a variable Lambda reserves", (b"AWS::Lambda::Function", b"AWS::Serverless::Function"), f"{__name__}.lambda_reserved_variable:LambdaReservedVariable", kinds=DEPLOYMENT_KINDS),
)
# fmt: on
