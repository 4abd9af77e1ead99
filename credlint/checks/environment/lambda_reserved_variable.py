"""CL206: a CloudFormation or SAM template that sets a variable Lambda reserves for itself, which
Lambda refuses, so the deployment fails."""

from __future__ import annotations

from collections.abc import Mapping

from credlint.analysis.platforms import PLATFORM_LAMBDA
from credlint.analysis.stand_ins import looks_fake, stand_in_severity
from credlint.chain import CREDENTIAL_VARIABLES, ChainStep, Explanation, no_chain_explanation
from credlint.checks.environment.shadowing import env_explanation
from credlint.deployment.model import VALUE_LITERAL, DeploymentFile, EnvironmentEntry
from credlint.deployment.rule import DeploymentRule

# ref. AWS Lambda Developer Guide, "Defined runtime environment variables": the reserved keys,
# which "can't be set in your function configuration"; aws-chain-reference.md section 7. Each
# with what the runtime puts there.
LAMBDA_RESERVED_VARIABLES: Mapping[str, str] = {
    "_HANDLER": "the handler location configured on the function",
    "_X_AMZN_TRACE_ID": "the X-Ray tracing header of the current invocation",
    "AWS_DEFAULT_REGION": "the AWS Region where the function runs",
    "AWS_REGION": "the AWS Region where the function runs",
    "AWS_EXECUTION_ENV": "the runtime identifier, such as AWS_Lambda_python3.12",
    "AWS_LAMBDA_FUNCTION_NAME": "the name of the function",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "the memory available to the function, in MB",
    "AWS_LAMBDA_FUNCTION_VERSION": "the version of the function being run",
    "AWS_LAMBDA_INITIALIZATION_TYPE": (
        "how the environment was initialised: on-demand, provisioned-concurrency or snap-start"
    ),
    "AWS_LAMBDA_LOG_GROUP_NAME": "the CloudWatch Logs group of the function",
    "AWS_LAMBDA_LOG_STREAM_NAME": "the CloudWatch Logs stream of the function",
    "AWS_ACCESS_KEY": "the execution role's access key id",
    "AWS_ACCESS_KEY_ID": "the execution role's access key id",
    "AWS_SECRET_ACCESS_KEY": "the execution role's secret access key",
    "AWS_SESSION_TOKEN": "the execution role's session token",
    "AWS_LAMBDA_RUNTIME_API": "the host and port of the runtime API (custom runtimes)",
    "LAMBDA_TASK_ROOT": "the path to the function's code",
    "LAMBDA_RUNTIME_DIR": "the path to the runtime's libraries",
}
_REJECTED = (
    "Lambda refuses reserved keys in a function's configuration: CreateFunction and "
    "UpdateFunctionConfiguration fail, and CloudFormation rolls the stack back."
)
# ref. aws-chain-reference.md section 2: botocore reads AWS_DEFAULT_REGION (link 4 of the region
# chain), not AWS_REGION; Lambda sets both.
_REGION_STEPS: Mapping[str, ChainStep] = {
    "AWS_DEFAULT_REGION": ChainStep(
        "4", "AWS_DEFAULT_REGION", "set by the Lambda runtime to the function's region", "set by Lambda"
    ),
    "AWS_REGION": ChainStep(
        "-", "AWS_REGION", "not a link: botocore never reads it; Lambda sets it for the other SDKs", "set by Lambda"
    ),
}
_FIX = (
    "Remove the variable from the template: Lambda provides it. To choose a region for the "
    "function's clients, pass region_name= to them; to change what the function may do, change "
    "its execution role."
)


class LambdaReservedVariable(DeploymentRule):
    """Reserved variables in a Lambda function's Environment: the deployment is refused."""

    def check(self, document: DeploymentFile) -> None:
        for entry in document.entries:
            if entry.platform != PLATFORM_LAMBDA or entry.variable not in LAMBDA_RESERVED_VARIABLES:
                continue
            literal = entry.value if entry.value_kind == VALUE_LITERAL else None
            fake = literal is not None and entry.variable in CREDENTIAL_VARIABLES and looks_fake(literal)
            severity = stand_in_severity(self.info.severity, self.context.settings, fake=fake)
            if severity is None:
                continue
            message = (
                f"Lambda reserves {entry.variable}: {entry.where} of this {document.what} sets it, "
                "and Lambda refuses the configuration"
            )
            secret = literal if entry.variable in CREDENTIAL_VARIABLES and literal else None
            self.report(entry.span, message, _explanation(entry, document.what or ""), secret=secret, severity=severity)


def _explanation(entry: EnvironmentEntry, what: str) -> Explanation:
    holds = LAMBDA_RESERVED_VARIABLES[entry.variable]
    summary = (
        f"{entry.variable} in {entry.where} of this {what} (line {entry.span.line}) is a variable the "
        f"Lambda runtime sets itself, to {holds}."
    )
    if entry.variable in CREDENTIAL_VARIABLES:
        note = f"{_REJECTED} Were it accepted, it would replace the execution role's credentials."
        return env_explanation(summary, entry.where, entry.span.line, PLATFORM_LAMBDA, runtime_note=note, fix=_FIX)
    if entry.variable in _REGION_STEPS:
        runtime = (
            f"{_REJECTED} The runtime sets AWS_REGION and AWS_DEFAULT_REGION to the function's own "
            "region, and botocore's clients take AWS_DEFAULT_REGION (link 4 of the region chain) when "
            "the code passes no region_name."
        )
        return Explanation(
            chain="region", summary=summary, steps=(_REGION_STEPS[entry.variable],), runtime=runtime, fix=_FIX
        )
    return no_chain_explanation(summary=summary, runtime=f"{_REJECTED} The runtime sets it to {holds}.", fix=_FIX)
