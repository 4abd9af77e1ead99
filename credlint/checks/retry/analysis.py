"""The retry chain and the analysis every CL4xx rule shares: which errors a retry retries, how
often, with what delay, and what that multiplies with botocore's own retries.

A retry is a loop around a `try` whose handler lets the loop go round again, a decorator from
tenacity, backoff or retrying, or a handler that calls its own function again. What a handler
retries is decided by evaluating its paths (which end in a retry, which in raise/return/break)
on sample errors: codes it names, codes it does not name, and HTTP statuses. Conditions
credlint cannot read make the answer "maybe", and "maybe" never produces a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Optional, Union

import libcst as cst
from libcst.metadata import PositionProvider, Scope, ScopeProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import (
    BINDING_PROVIDERS,
    MAX_RESOLUTION_DEPTH,
    bound_values,
    qualified_names,
    single_bound_value,
)
from credlint.analysis.literals import fold_string
from credlint.analysis.sdk import CLIENT, RESOURCE, SDK_LIBRARIES, call_arguments, classify_call, literal_keywords
from credlint.chain import STATUS_THIS_CODE, ChainStep, Explanation
from credlint.rule import Rule
from credlint.settings import FileContext

Loop = Union[cst.For, cst.While]
FunctionNode = Union[cst.FunctionDef, cst.Lambda]
Keywords = Mapping[str, cst.BaseExpression]

# --- The SDK's own retry layer -------------------------------------------------------------
STANDARD, LEGACY, ADAPTIVE = "standard", "legacy", "adaptive"
# ref. aws-chain-reference.md section 3: default mode standard since botocore 1.44.0, legacy before.
DEFAULT_MODE_CHANGE = "1.44.0"
# ref. aws-chain-reference.md section 3: total attempts per call (botocore retries/standard.py
# DEFAULT_MAX_ATTEMPTS and _SERVICE_MAX_ATTEMPTS; data/_retry.json for legacy).
STANDARD_ATTEMPTS = 3
STANDARD_ATTEMPTS_BY_SERVICE: Mapping[str, int] = {"dynamodb": 4, "dynamodbstreams": 4}
LEGACY_ATTEMPTS = 5
LEGACY_ATTEMPTS_BY_SERVICE: Mapping[str, int] = {"dynamodb": 10}

# ref. aws-chain-reference.md section 3: standard mode's throttling codes (any status).
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
# ref. aws-chain-reference.md section 3: standard mode's transient codes.
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"})
# ref. aws-chain-reference.md section 3: legacy mode's per-service code+status pairs (data/_retry.json).
LEGACY_CODES = frozenset(
    {
        "RequestThrottled",
        "RequestLimitExceeded",
        "RequestTimeout",
        "BadDigest",
        "LimitExceededException",
        "IDPCommunicationError",
        "TransactionInProgressException",
        "ReplicatedWriteConflictException",
        "BandwidthLimitExceeded",
        "EC2ThrottledException",
        "TooManyRequestsException",
    }
)
# ref. botocore 1.44.8 data/*/*/service-2.json: error shapes whose httpStatusCode is 429 or >= 500.
# Whatever the code, botocore retries these statuses (section 3), so retrying the code is right.
MODELED_SERVER_ERROR_CODES = frozenset(
    {
        "BadGatewayException",
        "CallRateLimitExceededException",
        "CancelledByMaintenanceException",
        "CancelledByUserException",
        "ConcurrentModificationException",
        "ConcurrentResourcesLimitExceeded",
        "ConcurrentUpdatingException",
        "CreateChimeWebhookConfigurationException",
        "CreateSlackChannelConfigurationException",
        "CreateTeamsChannelConfigurationException",
        "CustomMetadataLimitExceededException",
        "DatabaseUnavailableException",
        "DeleteChimeWebhookConfigurationException",
        "DeleteMicrosoftTeamsUserIdentityException",
        "DeleteSlackChannelConfigurationException",
        "DeleteSlackUserIdentityException",
        "DeleteSlackWorkspaceAuthorizationFault",
        "DeleteTeamsChannelConfigurationException",
        "DeleteTeamsConfiguredTeamException",
        "DependencyException",
        "DependencyTimeout",
        "DependentServiceFailureException",
        "DescribeChimeWebhookConfigurationsException",
        "DescribeSlackChannelConfigurationsException",
        "DescribeSlackUserIdentitiesException",
        "DescribeSlackWorkspacesException",
        "DirectConnectServerException",
        "EC2AccessDeniedException",
        "EC2ThrottledException",
        "EC2UnexpectedException",
        "EKSRequestThrottledException",
        "ENILimitReachedException",
        "ENINotReadyException",
        "ExecutionTimeoutException",
        "FailureByQueryException",
        "GatewayTimedOutException",
        "GatewayTimeoutException",
        "GetAccountPreferencesException",
        "GetTeamsChannelConfigurationException",
        "HealthUnavailable",
        "IdempotentCallInProgress",
        "InsufficientCapacity",
        "InsufficientCapacityException",
        "InsufficientThroughputCapacity",
        "InterconnectServerException",
        "InternalDependencyException",
        "InternalError",
        "InternalErrorException",
        "InternalException",
        "InternalFailure",
        "InternalFailureException",
        "InternalServerError",
        "InternalServerErrorException",
        "InternalServerException",
        "InternalServiceError",
        "InternalServiceErrorException",
        "InternalServiceException",
        "InternalServiceFault",
        "InvalidRuntimeException",
        "InvalidSecurityGroupIDException",
        "InvalidSubnetIDException",
        "InvalidZipFileException",
        "KMSAccessDeniedException",
        "KMSDisabledException",
        "KMSInvalidStateException",
        "KMSNotFoundException",
        "LambdaThrottledException",
        "LimitExceededException",
        "ListMicrosoftTeamsConfiguredTeamsException",
        "ListMicrosoftTeamsUserIdentitiesException",
        "ListTeamsChannelConfigurationsException",
        "LoopDetectedException",
        "MemoryLimitExceededException",
        "ModelNotReadyException",
        "PolicyEvaluation",
        "PriorRequestNotComplete",
        "QueryLimitExceededException",
        "RateLimitError",
        "RequestLimitExceeded",
        "ResourceContention",
        "ResourceLimitExceededException",
        "ResourceNotReadyException",
        "ResourceQuotaExceededException",
        "ResourceUnavailableException",
        "RetryLatestCommitFailedException",
        "ServerException",
        "ServerInternalException",
        "ServerShutdownException",
        "ServiceException",
        "ServiceFailure",
        "ServiceFailureException",
        "ServiceLinkedRoleFailure",
        "ServiceQuotaExceededException",
        "ServiceUnavailable",
        "ServiceUnavailableError",
        "ServiceUnavailableException",
        "StreamUnavailable",
        "SubnetIPAddressLimitReachedException",
        "TestFunctionFailed",
        "Throttled",
        "ThrottledClientException",
        "ThrottledException",
        "ThrottledRequestException",
        "ThrottlingException",
        "TimeLimitExceededException",
        "TooManyLabelsException",
        "TooManyRequestException",
        "TooManyRequests",
        "TooManyRequestsError",
        "TooManyRequestsException",
        "TooManySubscriptionsException",
        "UpdateAccountPreferencesException",
        "UpdateChimeWebhookConfigurationException",
        "UpdateSlackChannelConfigurationException",
        "UpdateTeamsChannelConfigurationException",
        "VolumeModificationRateExceededException",
    }
)
# ref. aws-chain-reference.md section 3 ("modeled errors with the retryable trait", 248 shapes in
# 1.44.8) and botocore 1.44.8 service-2.json: the retryable codes not covered above, with the only
# services that model them so. Standard mode retries them for those services alone.
MODELED_RETRYABLE_BY_SERVICE: Mapping[str, frozenset[str]] = {
    "AccessDeniedException": frozenset({"migrationhuborchestrator"}),
    "BulkLoadIdNotFoundException": frozenset({"neptunedata"}),
    "ClientTimeoutException": frozenset({"neptunedata"}),
    "ConflictException": frozenset(
        {"elementalinference", "lambda-microvms", "mediaconnect", "migrationhuborchestrator"}
    ),
    "ConstraintViolationException": frozenset({"neptunedata"}),
    "DirectoryUnavailableException": frozenset({"ds-data"}),
    "InvalidTokenException": frozenset({"security-ir"}),
    "QueryTimeoutException": frozenset({"iottwinmaker"}),
    "RangeNotSatisfiableException": frozenset({"omics"}),
    "RetryableConflictException": frozenset({"arc-region-switch", "bedrock-agentcore", "bedrock-agentcore-control"}),
    "S3Exception": frozenset({"neptunedata"}),
    "SchemaRegistryUnavailableException": frozenset({"eventbridgev2"}),
    "StreamSessionAccessNotReadyException": frozenset({"gameliftstreams"}),
    "UnprocessableEntityException": frozenset({"accessanalyzer"}),
    "ValidationException": frozenset({"migrationhuborchestrator"}),
}
# ref. aws-chain-reference.md section 3: observed not retried, whatever one niche service models.
OBSERVED_NOT_RETRIED = frozenset({"ValidationException", "AccessDenied", "AccessDeniedException"})
# Words of client-error codes: 4xx errors that fail the same way every time. ref. botocore 1.44.8
# service-2.json (names of the error shapes modeled with a 4xx status) and the unmodeled S3, EC2,
# IAM and STS codes (AccessDenied, InvalidClientTokenId, UnauthorizedOperation). CL403 names only
# codes like these: a name in a retry list that is no AWS code at all (`EndpointConnectionError`)
# is dead, not harmful.
_CLIENT_ERROR_WORDS = re.compile(
    r"AccessDenied|NoSuch|NotFound|Invalid|Validation|AlreadyExists|AlreadyOwned|Conflict|ConditionalCheckFailed|"
    r"Malformed|Missing|Unauthori[sz]ed|NotAuthorized|Forbidden|Expired|InUse|Unsupported|NotSupported|Duplicate|"
    r"Incompatible|Precondition|TooLarge|Unrecognized|SignatureDoesNotMatch|IncompleteSignature|OptInRequired|"
    r"NotEmpty|DoesNotExist|Violation|NotPermitted|AuthFailure|Incorrect|Mismatch"
)
# Codes quoted when a retry takes every error, to make "every ClientError" concrete.
EXAMPLE_CLIENT_ERRORS = ("AccessDenied", "ValidationException", "ResourceNotFoundException")

_NUMERIC_CODE = re.compile(r"^[1-5][0-9][0-9]$")
# A code is one CamelCase word; anything else tested against str(e) is a piece of the message.
_CODE_SHAPED = re.compile(r"^[A-Za-z0-9.]+$")


def sdk_retries_status(status: int) -> bool:
    """ref. aws-chain-reference.md section 3: 429 and 5xx are the SDK's; other 4xx are never retried."""
    return status == 429 or status >= 500


def sdk_retries_code(code: str, service: Optional[str]) -> bool:
    """Whether botocore (standard or legacy mode) retries this error code for service."""
    if code in THROTTLING_CODES or code in TRANSIENT_CODES or code in LEGACY_CODES:
        return True
    if code in MODELED_SERVER_ERROR_CODES:
        return True
    if _NUMERIC_CODE.match(code):  # with no usable body, Code is the status as a string
        return sdk_retries_status(int(code))
    services = MODELED_RETRYABLE_BY_SERVICE.get(code)
    if services is None:
        return False
    if service is not None:
        return service in services
    return code not in OBSERVED_NOT_RETRIED


def is_client_error_code(code: str, service: Optional[str]) -> bool:
    """A code (or status string) that is surely a 4xx client error botocore does not retry."""
    if sdk_retries_code(code, service):
        return False
    if _NUMERIC_CODE.match(code):
        return 400 <= int(code) <= 499
    return bool(_CLIENT_ERROR_WORDS.search(code))


def sdk_attempts(mode: str, service: Optional[str]) -> int:
    if mode == LEGACY:
        return LEGACY_ATTEMPTS_BY_SERVICE.get(service or "", LEGACY_ATTEMPTS)
    return STANDARD_ATTEMPTS_BY_SERVICE.get(service or "", STANDARD_ATTEMPTS)


# --- Sample errors and three-valued conditions ---------------------------------------------
OTHER_CODE = "<any other code>"
YES, MAYBE, NO = 2, 1, 0
# Statuses every retry is tried with; a gate's own bounds are added to them.
SAMPLE_STATUSES = (400, 403, 404, 409, 429, 500, 503)


@dataclass(frozen=True)
class Probe:
    """A sample ClientError: its code and HTTP status."""

    code: str
    status: int

    def retried_by_sdk(self, service: Optional[str]) -> bool:
        if self.code != OTHER_CODE and sdk_retries_code(self.code, service):
            return True
        return sdk_retries_status(self.status)


class Pred:
    """A condition on the caught error, as far as credlint can read it."""

    def possible(self, probe: Probe, want: bool) -> int:
        """YES if the condition can have value `want` for this error, NO if not, MAYBE if unknown."""
        raise NotImplementedError

    def named_codes(self) -> Iterator[str]:
        return iter(())

    def named_statuses(self) -> Iterator[int]:
        return iter(())


@dataclass(frozen=True)
class Known(Pred):
    value: bool

    def possible(self, probe: Probe, want: bool) -> int:
        return YES if self.value == want else NO


@dataclass(frozen=True)
class Free(Pred):
    """A condition that does not depend on the error (an attempt counter): either branch may run."""

    def possible(self, probe: Probe, want: bool) -> int:
        return YES


@dataclass(frozen=True)
class Opaque(Pred):
    """A condition on the error that credlint cannot read (a message, a helper it cannot see)."""

    def possible(self, probe: Probe, want: bool) -> int:
        return MAYBE


@dataclass(frozen=True)
class CodeTest(Pred):
    values: frozenset[str]
    how: str = "equals"  # "equals", "prefix", "suffix", "contains"

    def holds(self, code: str) -> bool:
        if code == OTHER_CODE:
            return False
        if self.how == "prefix":
            return any(code.startswith(value) for value in self.values)
        if self.how == "suffix":
            return any(code.endswith(value) for value in self.values)
        if self.how == "contains":
            return any(value in code for value in self.values)
        return code in self.values

    def possible(self, probe: Probe, want: bool) -> int:
        return YES if self.holds(probe.code) == want else NO

    def named_codes(self) -> Iterator[str]:
        return iter(sorted(self.values) if self.how in ("equals", "contains") else ())


@dataclass(frozen=True)
class StatusTest(Pred):
    ranges: tuple[tuple[int, int], ...]  # inclusive

    def possible(self, probe: Probe, want: bool) -> int:
        holds = any(low <= probe.status <= high for low, high in self.ranges)
        return YES if holds == want else NO

    def named_statuses(self) -> Iterator[int]:
        for low, high in self.ranges:
            yield from (status for status in (low - 1, low, high, high + 1) if 400 <= status <= 599)


@dataclass(frozen=True)
class Not(Pred):
    operand: Pred

    def possible(self, probe: Probe, want: bool) -> int:
        return self.operand.possible(probe, not want)

    def named_codes(self) -> Iterator[str]:
        return self.operand.named_codes()

    def named_statuses(self) -> Iterator[int]:
        return self.operand.named_statuses()


@dataclass(frozen=True)
class AllOf(Pred):
    operands: tuple[Pred, ...]

    def possible(self, probe: Probe, want: bool) -> int:
        results = [operand.possible(probe, want) for operand in self.operands]
        return (min(results, default=YES)) if want else max(results, default=NO)

    def named_codes(self) -> Iterator[str]:
        return (code for operand in self.operands for code in operand.named_codes())

    def named_statuses(self) -> Iterator[int]:
        return (status for operand in self.operands for status in operand.named_statuses())


@dataclass(frozen=True)
class AnyOf(Pred):
    operands: tuple[Pred, ...]

    def possible(self, probe: Probe, want: bool) -> int:
        results = [operand.possible(probe, want) for operand in self.operands]
        return max(results, default=NO) if want else min(results, default=YES)

    def named_codes(self) -> Iterator[str]:
        return (code for operand in self.operands for code in operand.named_codes())

    def named_statuses(self) -> Iterator[int]:
        return (status for operand in self.operands for status in operand.named_statuses())


Condition = tuple[Pred, bool]  # a predicate and the value it has on a path


def path_possible(conditions: Sequence[Condition], probe: Probe) -> int:
    return min((pred.possible(probe, want) for pred, want in conditions), default=YES)


@dataclass(frozen=True)
class Verdict:
    """What a retry retries, decided on sample errors."""

    others: bool  # codes it does not name are retried: every ClientError, or all but a deny-list
    retried_codes: tuple[str, ...]  # named codes botocore does not retry, retried here
    retried_statuses: tuple[int, ...]  # named 4xx statuses (not 429) retried here
    spared: tuple[str, ...]  # named codes and statuses it does not retry
    retries_throttling: bool  # it retries (or may retry) some error botocore retries too

    @property
    def non_retryable(self) -> bool:
        return bool(self.retried_codes or self.retried_statuses)


def verdict(paths: Sequence[Sequence[Condition]], service: Optional[str]) -> Verdict:
    """Evaluate retry paths (each a conjunction of conditions) on sample errors."""
    preds = [pred for conditions in paths for pred, _ in conditions]
    codes = sorted({code for pred in preds for code in pred.named_codes()})
    statuses = sorted({*SAMPLE_STATUSES, *(status for pred in preds for status in pred.named_statuses())})
    mentioned_statuses = {status for pred in preds for status in pred.named_statuses()}

    def retried(probe: Probe) -> int:
        return max((path_possible(conditions, probe) for conditions in paths), default=NO)

    code_probes = [Probe(code, int(code) if _NUMERIC_CODE.match(code) else 400) for code in codes]
    status_probes = [Probe(OTHER_CODE, status) for status in statuses]
    results = {probe: retried(probe) for probe in (*code_probes, *status_probes)}
    retried_codes = tuple(
        probe.code for probe in code_probes if results[probe] == YES and is_client_error_code(probe.code, service)
    )
    retried_statuses = tuple(
        probe.status
        for probe in status_probes
        if probe.status in mentioned_statuses and results[probe] == YES and not probe.retried_by_sdk(service)
    )
    spared = tuple(probe.code for probe in code_probes if results[probe] == NO) + tuple(
        f"HTTP {probe.status}" for probe in status_probes if probe.status in mentioned_statuses and results[probe] == NO
    )
    return Verdict(
        others=results[Probe(OTHER_CODE, 400)] == YES,
        retried_codes=retried_codes,
        retried_statuses=retried_statuses,
        spared=spared,
        retries_throttling=any(result != NO and probe.retried_by_sdk(service) for probe, result in results.items()),
    )


# --- Exceptions -----------------------------------------------------------------------------
CLIENT_ERROR_NAMES = frozenset(
    {
        "botocore.exceptions.ClientError",
        "botocore.errorfactory.ClientError",
        "botocore.waiter.ClientError",
    }
)
BOTOCORE_ERROR_NAMES = frozenset({"botocore.exceptions.BotoCoreError", "botocore.discovery.BotoCoreError"})
BROAD_NAMES = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


@dataclass(frozen=True)
class Caught:
    """Which errors an except clause (or a retry library's exception argument) takes."""

    client_error: bool = False  # botocore's ClientError, by name
    botocore_error: bool = False  # BotoCoreError: no code, and ParamValidationError fails every time
    broad: bool = False  # bare except, Exception: AWS only when an AWS call is inside
    specific: tuple[str, ...] = ()  # modeled classes (`client.exceptions.ThrottlingException`): their codes
    unknown: bool = False  # something credlint cannot resolve

    @property
    def takes_client_errors(self) -> bool:
        return self.client_error or self.broad

    @property
    def relevant(self) -> bool:
        return self.client_error or self.botocore_error or self.broad or bool(self.specific)

    def merged(self, other: Caught) -> Caught:
        return Caught(
            self.client_error or other.client_error,
            self.botocore_error or other.botocore_error,
            self.broad or other.broad,
            self.specific + other.specific,
            self.unknown or other.unknown,
        )

    def describe(self) -> str:
        if self.broad:
            return "every exception"
        named = (("ClientError", self.client_error), ("BotoCoreError", self.botocore_error))
        names = [name for name, present in named if present]
        return " and ".join(names) if names else ", ".join(self.specific)


def caught_by(owner: cst.MetadataDependent, expr: Optional[cst.BaseExpression], depth: int = 0) -> Caught:
    """The exceptions an except clause's type expression names (None: a bare except)."""
    if expr is None:
        return Caught(broad=True)
    if depth > MAX_RESOLUTION_DEPTH:
        return Caught(unknown=True)
    if isinstance(expr, (cst.Tuple, cst.List)):
        result = Caught()
        for element in expr.elements:
            result = result.merged(caught_by(owner, element.value, depth + 1))
        return result
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return caught_by(owner, expr.left, depth + 1).merged(caught_by(owner, expr.right, depth + 1))
    names = qualified_names(owner, expr)
    if names & CLIENT_ERROR_NAMES:
        return Caught(client_error=True)
    if names & BOTOCORE_ERROR_NAMES:
        return Caught(botocore_error=True)
    if names & BROAD_NAMES:
        return Caught(broad=True)
    if (
        isinstance(expr, cst.Attribute)
        and isinstance(expr.value, cst.Attribute)
        and expr.value.attr.value == "exceptions"
        and not _is_module_path(owner, expr.value.value)
    ):
        # `client.exceptions.X`, `s3.meta.client.exceptions.X`: botocore's modeled classes
        if expr.attr.value == "ClientError":
            return Caught(client_error=True)
        return Caught(specific=(expr.attr.value,))
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        if value is not None:
            return caught_by(owner, value, depth + 1)
    return Caught(unknown=True)


def _is_module_path(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    """`botocore.exceptions.X` is a module path, not a client's `exceptions` attribute."""
    return any(name.split(".")[0] in SDK_LIBRARIES for name in qualified_names(owner, expr))


# --- Reading the error in conditions ---------------------------------------------------------
EXCEPTION, RESPONSE, ERROR, METADATA, CODE, STATUS, STATUS_TEXT, TEXT = (
    "exception",
    "response",
    "error",
    "metadata",
    "code",
    "status",
    "status-text",
    "text",
)
_SUBSCRIPT_ROLES: Mapping[tuple[str, str], str] = {
    (RESPONSE, "Error"): ERROR,
    (RESPONSE, "ResponseMetadata"): METADATA,
    (ERROR, "Code"): CODE,
    (ERROR, "Message"): TEXT,
    (METADATA, "HTTPStatusCode"): STATUS,
}
_SAME_ROLE_METHODS = frozenset({"strip"})
_PURE_BUILTINS = frozenset({"int", "float", "round", "abs", "min", "max"})
_RAISING_WORDS = ("raise", "reraise", "check", "handle", "assert", "verify", "validate", "throw", "fail", "abort")
_NON_RETURNING = frozenset(
    {
        "sys.exit",
        "builtins.exit",
        "builtins.quit",
        "os._exit",
        "os.abort",
        "pytest.fail",
        "pytest.skip",
    }
)
MAX_LIVE_PATHS = 64
MAX_HELPER_DEPTH = 3


def statements(suite: cst.BaseSuite) -> list[cst.CSTNode]:
    """The statements of a block, with simple statement lines split into their small statements."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return list(suite.body)
    found: list[cst.CSTNode] = []
    for statement in suite.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


def walk(node: cst.CSTNode, *, into_functions: bool = False) -> Iterator[cst.CSTNode]:
    """node and its descendants, not entering nested functions, classes or lambdas unless asked."""
    yield node
    for child in node.children:
        if not into_functions and isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        yield from walk(child, into_functions=into_functions)


def names_read(expr: cst.CSTNode) -> Iterator[str]:
    """The variable names an expression reads (not attribute or keyword names)."""
    if isinstance(expr, cst.Name):
        yield expr.value
        return
    if isinstance(expr, cst.Attribute):
        yield from names_read(expr.value)
        return
    if isinstance(expr, cst.Arg):
        yield from names_read(expr.value)
        return
    for child in expr.children:
        yield from names_read(child)


def source_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


def int_value(owner: cst.MetadataDependent, expr: Optional[cst.BaseExpression], depth: int = 0) -> Optional[int]:
    """An integer written here or in a module constant (`MAX_ATTEMPTS = 5`), or a parameter's default."""
    if expr is None or depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.Integer):
        value = expr.evaluated_value
        return value if isinstance(value, int) else None
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = int_value(owner, expr.expression, depth + 1)
        return -inner if inner is not None else None
    if isinstance(expr, cst.BinaryOperation):
        left, right = int_value(owner, expr.left, depth + 1), int_value(owner, expr.right, depth + 1)
        if left is None or right is None:
            return None
        if isinstance(expr.operator, cst.Add):
            return left + right
        if isinstance(expr.operator, cst.Subtract):
            return left - right
        if isinstance(expr.operator, cst.Multiply):
            return left * right
        return None
    if isinstance(expr, cst.Name):
        bound = single_bound_value(owner, expr)
        if bound is not None:
            return int_value(owner, bound, depth + 1)
        return _parameter_default(owner, expr, depth)
    return None


def _parameter_default(owner: cst.MetadataDependent, name: cst.Name, depth: int) -> Optional[int]:
    default = parameter_default(owner, name)
    return int_value(owner, default, depth + 1) if default is not None else None


def parameter_default(owner: cst.MetadataDependent, name: cst.Name) -> Optional[cst.BaseExpression]:
    """The default of the parameter a name reads, when the name is bound only as that parameter."""
    scope = owner.get_metadata(ScopeProvider, name, None)
    if not isinstance(scope, Scope):
        return None
    assignments = list(scope[name.value])
    if len(assignments) == 1:
        node = getattr(assignments[0], "node", None)
        if isinstance(node, cst.Param):
            return node.default
    return None


@dataclass
class ModuleIndex:
    """What the retry rules collect while visiting a module, for the analysis at its end."""

    functions: dict[str, list[cst.FunctionDef]] = field(default_factory=dict)
    class_constants: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    sdk_attributes: set[str] = field(default_factory=set)  # `self.s3 = boto3.client(...)` -> "s3"
    sdk_names: set[str] = field(default_factory=set)  # `async with session.client(...) as s3` -> "s3"
    loops: list[tuple[Loop, Optional[cst.FunctionDef]]] = field(default_factory=list)
    decorated: list[cst.FunctionDef] = field(default_factory=list)
    tries: list[tuple[cst.Try, cst.FunctionDef]] = field(default_factory=list)  # not inside a loop

    def function(self, name: str) -> Optional[cst.FunctionDef]:
        found = self.functions.get(name, [])
        return found[0] if len(found) == 1 else None


Controls = tuple[cst.BaseExpression, ...]  # the tests of the if/while/for statements around a binding


@dataclass(frozen=True)
class Binding:
    value: Optional[cst.BaseExpression]  # None: a loop target, an augmented assignment, a `with` target
    controls: Controls


def scan_bindings(body: Sequence[cst.CSTNode]) -> dict[str, list[Binding]]:
    """Every binding of a name in a function body, with the tests that decide whether it runs."""
    found: dict[str, list[Binding]] = {}

    def bind(target: cst.BaseExpression, value: Optional[cst.BaseExpression], controls: Controls) -> None:
        if isinstance(target, cst.Name):
            found.setdefault(target.value, []).append(Binding(value, controls))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values: list[Optional[cst.BaseExpression]] = [None] * len(target.elements)
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(target.elements):
                values = [element.value for element in value.elements]
            elif value is not None:
                controls = (*controls, value)
            for element, sub_value in zip(target.elements, values):
                bind(element.value, sub_value, controls)

    def visit(nodes: Sequence[cst.CSTNode], controls: Controls) -> None:
        for node in nodes:
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                continue
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    bind(target.target, node.value, controls)
            elif isinstance(node, cst.AnnAssign) and node.value is not None:
                bind(node.target, node.value, controls)
            elif isinstance(node, cst.AugAssign):
                bind(node.target, None, (*controls, node.value))
            elif isinstance(node, cst.If):
                visit(statements(node.body), (*controls, node.test))
                if node.orelse is not None:
                    orelse = [node.orelse] if isinstance(node.orelse, cst.If) else statements(node.orelse.body)
                    visit(orelse, (*controls, node.test))
            elif isinstance(node, cst.While):
                visit(statements(node.body), (*controls, node.test))
            elif isinstance(node, cst.For):
                bind(node.target, None, (*controls, node.iter))
                visit(statements(node.body), (*controls, node.iter))
            elif isinstance(node, cst.With):
                for item in node.items:
                    if item.asname is not None:
                        bind(item.asname.name, item.item, controls)
                visit(statements(node.body), controls)
            elif isinstance(node, cst.Try):
                visit(statements(node.body), controls)
                for handler in node.handlers:
                    visit(statements(handler.body), controls)
                if node.orelse is not None:
                    visit(statements(node.orelse.body), controls)
                if node.finalbody is not None:
                    visit(statements(node.finalbody.body), controls)

    visit(body, ())
    return found


class ErrorReader:
    """Reads conditions of one function (or handler) as predicates on the caught error."""

    def __init__(
        self,
        owner: cst.MetadataDependent,
        index: ModuleIndex,
        body: Sequence[cst.CSTNode],
        roles: Mapping[str, str],
        depth: int = 0,
    ) -> None:
        self.owner = owner
        self.index = index
        self.roles = dict(roles)
        self.depth = depth
        self.bindings = scan_bindings(body)
        self.dependent = self._dependent_names()

    def _dependent_names(self) -> set[str]:
        """Names whose value, or whether they are bound, depends on the error (a fixpoint)."""
        dependent = set(self.roles)
        changed = True
        while changed:
            changed = False
            for name, bindings in self.bindings.items():
                if name in dependent:
                    continue
                for binding in bindings:
                    reads = set(names_read(binding.value)) if binding.value is not None else set()
                    for control in binding.controls:
                        reads |= set(names_read(control))
                    if reads & dependent:
                        dependent.add(name)
                        changed = True
                        break
        return dependent

    def depends(self, expr: cst.CSTNode) -> bool:
        return any(name in self.dependent for name in names_read(expr))

    def local_value(self, name: str) -> Optional[cst.BaseExpression]:
        """The value of a local bound exactly once, unconditionally."""
        bindings = self.bindings.get(name, [])
        if len(bindings) == 1 and bindings[0].value is not None and not bindings[0].controls:
            return bindings[0].value
        return None

    def value_of(self, name: cst.Name) -> Optional[cst.BaseExpression]:
        """A local's single value, else a module constant's."""
        if name.value in self.bindings:
            return self.local_value(name.value)
        return single_bound_value(self.owner, name)

    # Roles: what part of the error an expression holds.
    def role(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[str]:
        if depth > MAX_RESOLUTION_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            if expr.value in self.roles:
                return self.roles[expr.value]
            # `code = e.response["Error"]["Code"]`, written once or in several handlers alike
            bindings = self.bindings.get(expr.value, [])
            roles = {self.role(binding.value, depth + 1) if binding.value is not None else None for binding in bindings}
            return roles.pop() if len(roles) == 1 else None
        if isinstance(expr, cst.Attribute):
            if expr.attr.value == "response" and self.role(expr.value, depth + 1) == EXCEPTION:
                return RESPONSE
            return None
        if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
            index = expr.slice[0].slice
            key = fold_string(self.owner, index.value) if isinstance(index, cst.Index) else None
            base = self.role(expr.value, depth + 1)
            return _SUBSCRIPT_ROLES.get((base or "", key or ""))
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            return self.role(expr.left, depth + 1)
        if isinstance(expr, cst.FormattedString):
            parts = [part.expression for part in expr.parts if isinstance(part, cst.FormattedStringExpression)]
            return TEXT if any(self.role(part, depth + 1) in (EXCEPTION, TEXT) for part in parts) else None
        if isinstance(expr, cst.Call):
            return self._call_role(expr, depth)
        return None

    def _call_role(self, call: cst.Call, depth: int) -> Optional[str]:
        func = call.func
        args = [arg.value for arg in call.args]
        if isinstance(func, cst.Attribute):
            base = self.role(func.value, depth + 1)
            method = func.attr.value
            if method == "get" and args:
                key = fold_string(self.owner, args[0])
                return _SUBSCRIPT_ROLES.get((base or "", key or ""))
            if method in _SAME_ROLE_METHODS and base in (CODE, TEXT):
                return base
            return None
        returned = self._returned_role(call, depth)
        if returned is not None:
            return returned
        if isinstance(func, cst.Name) and args:
            first = self.role(args[0], depth + 1)
            if func.value == "getattr" and len(args) >= 2 and fold_string(self.owner, args[1]) == "response":
                return RESPONSE if first == EXCEPTION else None
            if func.value in ("str", "repr", "format"):
                if first in (EXCEPTION, TEXT):
                    return TEXT
                if first == STATUS:
                    return STATUS_TEXT
                return CODE if first == CODE else None
            if func.value == "int" and first in (CODE, STATUS):
                return STATUS
        return None

    def _returned_role(self, call: cst.Call, depth: int) -> Optional[str]:
        """`client_error_code(e)` for `client_error_code = lambda e: e.response["Error"]["Code"]`."""
        function = self.resolve_callable(call.func)
        if function is None or self.depth >= MAX_HELPER_DEPTH:
            return None
        roles = self.argument_roles(function, call)
        if not roles:
            return None
        reader = function_reader(self.owner, self.index, function, roles, self.depth + 1)
        if isinstance(function, cst.Lambda):
            return reader.role(function.body, depth + 1)
        returned = [
            node.value for node in walk(function.body) if isinstance(node, cst.Return) and node.value is not None
        ]
        found = {reader.role(value, depth + 1) for value in returned}
        return found.pop() if len(found) == 1 else None

    # Conditions.
    def condition(self, expr: cst.BaseExpression, depth: int = 0) -> Pred:
        if depth > MAX_RESOLUTION_DEPTH:
            return self._unread(expr)
        if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
            return Known(expr.value == "True")
        if isinstance(expr, cst.Integer):
            return Known(expr.evaluated_value != 0)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
            return Not(self.condition(expr.expression, depth + 1))
        if isinstance(expr, cst.BooleanOperation):
            left, right = self.condition(expr.left, depth + 1), self.condition(expr.right, depth + 1)
            return AllOf((left, right)) if isinstance(expr.operator, cst.And) else AnyOf((left, right))
        if isinstance(expr, cst.Comparison):
            return self._comparison(expr)
        if isinstance(expr, cst.Call):
            return self._call_condition(expr, depth)
        if isinstance(expr, cst.Name) and expr.value not in self.roles:
            value = self.local_value(expr.value)
            if value is not None:
                return self.condition(value, depth + 1)
        if isinstance(expr, cst.Await):
            return self.condition(expr.expression, depth + 1)
        return self._unread(expr)

    def _unread(self, expr: cst.CSTNode) -> Pred:
        return Opaque() if self.depends(expr) else Free()

    def _comparison(self, expr: cst.Comparison) -> Pred:
        parts: list[Pred] = []
        left = expr.left
        for target in expr.comparisons:
            parts.append(self._compare(left, target.operator, target.comparator))
            left = target.comparator
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _compare(self, left: cst.BaseExpression, operator: cst.BaseCompOp, right: cst.BaseExpression) -> Pred:
        negated = isinstance(operator, (cst.NotEqual, cst.NotIn, cst.IsNot))
        left_role, right_role = self.role(left), self.role(right)
        pred: Optional[Pred] = None
        if isinstance(operator, (cst.In, cst.NotIn)):
            if left_role == CODE:
                values = self.string_values(right)
                pred = CodeTest(values) if values is not None else None
            elif left_role == STATUS:
                ranges = self.status_ranges(right)
                pred = StatusTest(ranges) if ranges is not None else None
            elif right_role in (CODE, TEXT):
                text = fold_string(self.owner, left)
                if text is not None and (right_role == CODE or _CODE_SHAPED.match(text)):
                    pred = CodeTest(frozenset({text}), "contains")
        elif isinstance(operator, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)):
            pred = self._equality(left, left_role, right, right_role)
        else:
            pred = self._ordering(left, left_role, operator, right, right_role)
        if pred is None:
            return self._unread(cst.Tuple([cst.Element(left), cst.Element(right)]))
        return Not(pred) if negated else pred

    def _equality(
        self, left: cst.BaseExpression, left_role: Optional[str], right: cst.BaseExpression, right_role: Optional[str]
    ) -> Optional[Pred]:
        for side_role, other in ((left_role, right), (right_role, left)):
            if side_role == CODE:
                text = fold_string(self.owner, other)
                return CodeTest(frozenset({text})) if text is not None else None
            if side_role == STATUS:
                status = int_value(self.owner, other)
                return StatusTest(((status, status),)) if status is not None else None
        hundreds = self._status_class(left, right) or self._status_class(right, left)
        return StatusTest(((hundreds * 100, hundreds * 100 + 99),)) if hundreds is not None else None

    def _status_class(self, divided: cst.BaseExpression, other: cst.BaseExpression) -> Optional[int]:
        """`status // 100 == 5`."""
        if (
            isinstance(divided, cst.BinaryOperation)
            and isinstance(divided.operator, cst.FloorDivide)
            and self.role(divided.left) == STATUS
            and int_value(self.owner, divided.right) == 100
        ):
            return int_value(self.owner, other)
        return None

    def _ordering(
        self,
        left: cst.BaseExpression,
        left_role: Optional[str],
        operator: cst.BaseCompOp,
        right: cst.BaseExpression,
        right_role: Optional[str],
    ) -> Optional[Pred]:
        symbols = {cst.LessThan: "<", cst.LessThanEqual: "<=", cst.GreaterThan: ">", cst.GreaterThanEqual: ">="}
        symbol = symbols.get(type(operator))
        if right_role == STATUS and left_role != STATUS:
            # `500 <= status` reads as `status >= 500`
            left, right, left_role = right, left, right_role
            symbol = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(symbol or "")
        bound = int_value(self.owner, right) if left_role == STATUS else None
        if bound is None or symbol is None:
            return None
        ranges = {"<": (0, bound - 1), "<=": (0, bound), ">": (bound + 1, 999), ">=": (bound, 999)}
        return StatusTest((ranges[symbol],))

    def _call_condition(self, call: cst.Call, depth: int) -> Pred:
        func = call.func
        args = [arg.value for arg in call.args]
        is_instance_check = isinstance(func, cst.Name) and func.value == "isinstance" and len(args) == 2
        if is_instance_check and self.role(args[0]) == EXCEPTION:
            return instance_test(caught_by(self.owner, args[1]))
        if isinstance(func, cst.Name) and func.value == "bool" and len(args) == 1:
            return self.condition(args[0], depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value in ("startswith", "endswith") and args:
            base = self.role(func.value)
            prefixes = self.string_values(args[0])
            if base == CODE and prefixes is not None:
                return CodeTest(prefixes, "prefix" if func.attr.value == "startswith" else "suffix")
            if base == STATUS_TEXT and prefixes is not None and func.attr.value == "startswith":
                return StatusTest(tuple(_prefix_range(prefix) for prefix in sorted(prefixes)))
        helper = self.helper_predicate(call, depth)
        if helper is not None:
            return helper
        return self._unread(call)

    def helper_predicate(self, call: cst.Call, depth: int) -> Optional[Pred]:
        """What a helper defined in this module returns, given the error parts passed to it."""
        function = self.resolve_callable(call.func)
        if function is None or self.depth >= MAX_HELPER_DEPTH:
            return None
        roles = self.argument_roles(function, call)
        if roles is None:
            return None
        reader = function_reader(self.owner, self.index, function, roles, self.depth + 1)
        return reader.returns_predicate(function)

    def resolve_callable(self, func: cst.BaseExpression) -> Optional[FunctionNode]:
        """A function or lambda of this module that a call or argument names."""
        if isinstance(func, cst.Lambda):
            return func
        if isinstance(func, cst.Name):
            value = self.value_of(func)
            if isinstance(value, cst.Lambda):
                return value
            return self.index.function(func.value)
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            return self.index.function(func.attr.value)
        return None

    def argument_roles(self, function: FunctionNode, call: cst.Call) -> Optional[dict[str, str]]:
        """The role each parameter gets from the call, or None when no argument carries the error."""
        params = [param.name.value for param in function.params.params]
        if params and params[0] in ("self", "cls") and isinstance(call.func, cst.Attribute):
            params = params[1:]
        roles: dict[str, str] = {}
        carried = False
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        for param, arg in zip(params, positional):
            carried |= self._pass(param, arg.value, roles)
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in params:
                carried |= self._pass(arg.keyword.value, arg.value, roles)
        return roles if carried else None

    def _pass(self, param: str, value: cst.BaseExpression, roles: dict[str, str]) -> bool:
        role = self.role(value)
        if role is not None:
            roles[param] = role
            return True
        return self.depends(value)

    # Collections written in the code.
    def string_values(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[frozenset[str]]:
        values = self.constants(expr, depth)
        if values is None or not all(isinstance(value, str) for value in values):
            return None
        return frozenset(str(value) for value in values)

    def status_ranges(self, expr: cst.BaseExpression) -> Optional[tuple[tuple[int, int], ...]]:
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "range":
            bounds = [int_value(self.owner, arg.value) for arg in expr.args]
            if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None:
                return ((bounds[0], bounds[1] - 1),)
            return None
        values = self.constants(expr)
        if values is None or not all(isinstance(value, int) for value in values):
            return None
        return tuple((int(value), int(value)) for value in sorted(values, key=int))

    def constants(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[frozenset[Union[str, int]]]:
        """The constants of a tuple, list, set, frozenset or dict (keys), written here or in a constant."""
        if depth > MAX_RESOLUTION_DEPTH:
            return None
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            found: set[Union[str, int]] = set()
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    nested = self.constants(element.value, depth + 1)
                    if nested is None:
                        return None
                    found |= nested
                    continue
                single = self._constant(element.value)
                if single is None:
                    return None
                found.add(single)
            return frozenset(found)
        if isinstance(expr, cst.Dict):
            keys: set[Union[str, int]] = set()
            for dict_element in expr.elements:
                key = self._constant(dict_element.key) if isinstance(dict_element, cst.DictElement) else None
                if key is None:
                    return None
                keys.add(key)
            return frozenset(keys)
        if (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Name)
            and len(expr.args) == 1
            and expr.func.value in ("frozenset", "set", "tuple", "list")
        ):
            return self.constants(expr.args[0].value, depth + 1)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.BitOr, cst.Add)):
            left, right = self.constants(expr.left, depth + 1), self.constants(expr.right, depth + 1)
            return left | right if left is not None and right is not None else None
        if isinstance(expr, cst.Name):
            value = self.value_of(expr)
            if value is None and expr.value not in self.bindings:
                value = parameter_default(self.owner, expr)  # `def call(fn, ignore=()):`
            return self.constants(value, depth + 1) if value is not None else None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            # `self.RETRYABLE_CODES`, `Client.RETRYABLE_CODES`: a class attribute of this module
            values = self.index.class_constants.get(expr.attr.value, [])
            return self.constants(values[0], depth + 1) if len(values) == 1 else None
        return None

    def _constant(self, expr: cst.BaseExpression) -> Optional[Union[str, int]]:
        text = fold_string(self.owner, expr)
        if text is not None:
            return text
        return int_value(self.owner, expr)

    # Paths through statements.
    def paths(self, body: Sequence[cst.CSTNode], context: PathContext) -> list[Path]:
        live: list[tuple[Condition, ...]] = [()]
        done: list[Path] = []
        for statement in body:
            following: list[tuple[Condition, ...]] = []
            for conditions in live:
                for path in self.statement_paths(statement, conditions, context):
                    if path.end == FALL:
                        if path.conditions not in following:
                            following.append(path.conditions)
                    else:
                        done.append(path)
            if len(following) > MAX_LIVE_PATHS:
                following = [((Opaque(), True),)]  # too many ways through to read: "maybe"
            live = following
            if not live:
                break
        return done + [Path(FALL, conditions) for conditions in live]

    def statement_paths(self, node: cst.CSTNode, conditions: tuple[Condition, ...], context: PathContext) -> list[Path]:
        if isinstance(node, cst.Raise):
            return [Path(STOP, conditions)]
        if isinstance(node, cst.Continue):
            return [Path(RETRY, conditions, node)]
        if isinstance(node, cst.Break):
            return [Path(STOP, conditions)]
        if isinstance(node, cst.Return):
            recursive = context.recursive_call(node.value) if node.value is not None else None
            if recursive is not None:
                return [Path(RETRY, conditions, recursive)]
            if context.function_mode:
                return [Path(RETURN, conditions, node, node.value)]
            return [Path(STOP, conditions)]
        if isinstance(node, cst.Assert):
            return [Path(FALL, (*conditions, (self.condition(node.test), True)))]
        if isinstance(node, cst.If):
            test = self.condition(node.test)
            taken = self.paths(statements(node.body), context)
            if node.orelse is None:
                skipped = [Path(FALL, ())]
            elif isinstance(node.orelse, cst.If):
                skipped = self.paths([node.orelse], context)
            else:
                skipped = self.paths(statements(node.orelse.body), context)
            return [path.after((*conditions, (test, True))) for path in taken] + [
                path.after((*conditions, (test, False))) for path in skipped
            ]
        if isinstance(node, cst.With):
            return [path.after(conditions) for path in self.paths(statements(node.body), context)]
        if isinstance(node, cst.Try):
            succeeded = [*statements(node.body), *(statements(node.orelse.body) if node.orelse else [])]
            inner = self.paths(succeeded, context)
            for handler in node.handlers:
                inner += self.paths(statements(handler.body), context)
            return [path.after(conditions) for path in inner]
        if isinstance(node, cst.Expr):
            return self._expression_paths(node.value, conditions, context)
        return [Path(FALL, conditions)]

    def _expression_paths(
        self, expr: cst.BaseExpression, conditions: tuple[Condition, ...], context: PathContext
    ) -> list[Path]:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        recursive = context.recursive_call(expr)
        if recursive is not None:
            return [Path(RETRY, conditions, recursive)]
        if not isinstance(expr, cst.Call):
            return [Path(FALL, conditions)]
        if qualified_names(self.owner, expr.func) & _NON_RETURNING or _is_test_failure(expr.func):
            return [Path(STOP, conditions)]
        function = self.resolve_callable(expr.func)
        if isinstance(function, cst.FunctionDef) and self.depth < MAX_HELPER_DEPTH:
            roles = self.argument_roles(function, expr)
            if roles is not None:
                # A helper that raises unless the error is retryable: its raise ends this path too.
                reader = function_reader(self.owner, self.index, function, roles, self.depth + 1)
                helper_paths = reader.paths(statements(function.body), PathContext(function_mode=True))
                return [
                    Path(STOP if path.end == STOP else FALL, (*conditions, *path.conditions)) for path in helper_paths
                ]
        callee = (cst.helpers.get_full_name_for_node(expr.func) or "").lower()
        if any(word in callee.rsplit(".", 1)[-1] for word in _RAISING_WORDS) and any(
            self.depends(arg.value) for arg in expr.args
        ):
            return [Path(FALL, (*conditions, (Opaque(), True)))]
        return [Path(FALL, conditions)]

    def returns_predicate(self, function: FunctionNode) -> Pred:
        """When the function returns a true value, as a predicate on the error."""
        if isinstance(function, cst.Lambda):
            return self.condition(function.body)
        options: list[Pred] = []
        for path in self.paths(statements(function.body), PathContext(function_mode=True)):
            if path.end != RETURN or path.value is None:
                continue  # falling off the end returns None; a raise is no answer
            options.append(AllOf((*(_as_pred(condition) for condition in path.conditions), self.condition(path.value))))
        return AnyOf(tuple(options)) if options else Known(False)


def _as_pred(condition: Condition) -> Pred:
    pred, want = condition
    return pred if want else Not(pred)


def _prefix_range(prefix: str) -> tuple[int, int]:
    """`str(status).startswith("5")` -> 500..599."""
    digits = prefix[:3]
    if not digits.isdigit():
        return (0, -1)
    low = int(digits.ljust(3, "0"))
    return (low, int(digits.ljust(3, "9")))


def _is_test_failure(func: cst.BaseExpression) -> bool:
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value in ("fail", "skipTest")
        and (isinstance(func.value, cst.Name) and func.value.value == "self")
    )


def instance_test(caught: Caught) -> Pred:
    """`isinstance(e, X)` for a ClientError e."""
    if caught.takes_client_errors:
        return Known(True)
    if caught.specific:
        return CodeTest(frozenset(caught.specific))
    if caught.unknown:
        return Opaque()
    return Known(False)


def function_reader(
    owner: cst.MetadataDependent,
    index: ModuleIndex,
    function: FunctionNode,
    roles: Mapping[str, str],
    depth: int,
) -> ErrorReader:
    body = statements(function.body) if isinstance(function, cst.FunctionDef) else []
    return ErrorReader(owner, index, body, roles, depth)


RETRY, STOP, FALL, RETURN = "retry", "stop", "fall", "return"


@dataclass(frozen=True)
class Path:
    """One way through a block: how it ends, under which conditions."""

    end: str
    conditions: tuple[Condition, ...]
    node: Optional[cst.CSTNode] = None  # the `continue`, recursive call or `return` that ends it
    value: Optional[cst.BaseExpression] = None  # what a RETURN returns

    def after(self, conditions: tuple[Condition, ...]) -> Path:
        return Path(self.end, (*conditions, *self.conditions), self.node, self.value)


@dataclass(frozen=True)
class PathContext:
    function_mode: bool = False  # `return x` is an answer (a helper), not the end of a retry
    function_name: Optional[str] = None  # a call to it is a recursive retry

    def recursive_call(self, expr: Optional[cst.BaseExpression]) -> Optional[cst.Call]:
        if self.function_name is None or expr is None:
            return None
        if isinstance(expr, cst.Await):
            expr = expr.expression
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        if isinstance(func, cst.Name) and func.value == self.function_name:
            return expr
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == self.function_name
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
        ):
            return expr
        return None


# --- AWS calls ------------------------------------------------------------------------------
def is_sdk_object(owner: cst.MetadataDependent, index: ModuleIndex, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """Whether expr holds a client, resource or something made from one (a table, a paginator)."""
    if depth > MAX_RESOLUTION_DEPTH:
        return False
    if isinstance(expr, cst.Await):
        return is_sdk_object(owner, index, expr.expression, depth + 1)
    if isinstance(expr, cst.Call):
        model = classify_call(owner, expr)
        if model is not None:
            return model.kind in (CLIENT, RESOURCE)
        return isinstance(expr.func, cst.Attribute) and is_sdk_object(owner, index, expr.func.value, depth + 1)
    if isinstance(expr, cst.Name):
        if expr.value in index.sdk_names:
            return True
        values = bound_values(owner, expr)
        return any(value is not None and is_sdk_object(owner, index, value, depth + 1) for value in values)
    if isinstance(expr, cst.Attribute):
        if isinstance(expr.value, cst.Name) and expr.value.value in ("self", "cls"):
            return expr.attr.value in index.sdk_attributes
        return is_sdk_object(owner, index, expr.value, depth + 1)
    return False


def aws_calls(owner: cst.MetadataDependent, index: ModuleIndex, nodes: Iterable[cst.CSTNode]) -> list[cst.Call]:
    """Calls of methods on SDK objects (requests to AWS) among nodes and their descendants."""
    found = []
    for root in nodes:
        for node in walk(root):
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and is_sdk_object(owner, index, node.func.value)
            ):
                found.append(node)
    return found


@dataclass(frozen=True)
class SdkRetries:
    """The SDK retry layer a retry sits on: the client's service and any Config(retries=...)."""

    service: Optional[str] = None
    mode: Optional[str] = None
    total_attempts: Optional[int] = None
    line: Optional[int] = None  # where Config(retries=...) is written

    def attempts(self, mode: str) -> int:
        if self.total_attempts is not None and (self.mode is None or self.mode in (mode, ADAPTIVE)):
            return self.total_attempts
        return sdk_attempts(mode, self.service)


CONFIG_NAMES = frozenset({"botocore.config.Config", "aiobotocore.config.AioConfig"})


def sdk_retries_of(owner: cst.MetadataDependent, calls: Sequence[cst.Call]) -> SdkRetries:
    """The first AWS call's client: which service it talks to and how its config sets retries."""
    for call in calls:
        assert isinstance(call.func, cst.Attribute)
        creation = _client_creation(owner, call.func.value)
        if creation is None:
            continue
        model = classify_call(owner, creation)
        if model is None:
            continue
        config = call_arguments(owner, creation, model.parameters).get("config")
        return _with_config(owner, SdkRetries(service=model.service), config)
    return SdkRetries()


def _client_creation(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Optional[cst.Call]:
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.Await):
        return _client_creation(owner, expr.expression, depth + 1)
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        return _client_creation(owner, value, depth + 1) if value is not None else None
    if isinstance(expr, cst.Call):
        model = classify_call(owner, expr)
        if model is not None and model.kind in (CLIENT, RESOURCE):
            return expr
        if isinstance(expr.func, cst.Attribute):
            return _client_creation(owner, expr.func.value, depth + 1)
    if isinstance(expr, cst.Attribute):
        return _client_creation(owner, expr.value, depth + 1)
    return None


def _with_config(owner: cst.MetadataDependent, base: SdkRetries, config: Optional[cst.BaseExpression]) -> SdkRetries:
    if isinstance(config, cst.Name):
        config = single_bound_value(owner, config)
    if not isinstance(config, cst.Call) or not qualified_names(owner, config.func) & CONFIG_NAMES:
        return base
    retries_expr = call_arguments(owner, config, ()).get("retries")
    retries = literal_keywords(owner, retries_expr) if retries_expr is not None else None
    if not retries:
        return base
    mode_expr = retries.get("mode")
    mode = fold_string(owner, mode_expr) if mode_expr is not None else None
    total = int_value(owner, retries.get("total_max_attempts"))
    if total is None:
        # ref. aws-chain-reference.md section 3: 'max_attempts' counts retries, so N+1 in total
        retries_only = int_value(owner, retries.get("max_attempts"))
        total = retries_only + 1 if retries_only is not None else None
    line = owner.get_metadata(PositionProvider, config).start.line
    return SdkRetries(base.service, mode, total, line)


# --- Delays and attempts --------------------------------------------------------------------
NO_DELAY, CONSTANT_DELAY, GROWING_DELAY, UNKNOWN_DELAY = "none", "constant", "growing", "unknown"
_DELAY_WORDS = ("backoff", "jitter", "delay", "wait")


@dataclass(frozen=True)
class Delay:
    kind: str
    text: str = ""  # how the code writes it: "time.sleep(1)", "wait_fixed(2)"
    node: Optional[cst.CSTNode] = None

    def describe(self) -> str:
        if self.kind == NO_DELAY:
            return "no delay between attempts"
        if self.kind == CONSTANT_DELAY:
            return f"a constant delay ({self.text})"
        if self.kind == GROWING_DELAY:
            return f"a growing delay ({self.text})" if self.text else "a growing delay"
        return "a delay credlint cannot read"


@dataclass(frozen=True)
class Attempts:
    count: Optional[int]
    unbounded: bool
    text: str  # where the bound comes from: "range(5)", "stop_after_attempt(3)"

    def describe(self) -> str:
        if self.count is not None:
            return f"{self.count} attempts ({self.text})" if self.text else f"{self.count} attempts"
        if self.unbounded:
            return f"no limit on attempts ({self.text})" if self.text else "no limit on attempts"
        return f"attempts not known from the code ({self.text})" if self.text else "attempts not known from the code"


def loop_delay(owner: cst.MetadataDependent, loop: Loop) -> Delay:
    """The delay a loop waits between attempts: every sleep in it, constant only if all are."""
    varying = _names_changed_in(loop)
    constant: Optional[cst.Call] = None
    for node in walk(loop.body):
        if not isinstance(node, cst.Call):
            continue
        callee = cst.helpers.get_full_name_for_node(node.func) or ""
        last = callee.rsplit(".", 1)[-1].lower()
        if last == "sleep":
            argument = node.args[0].value if node.args else None
            if argument is not None and not _constant_expression(owner, argument, varying):
                return Delay(GROWING_DELAY, source_of(node))
            constant = constant or node
        elif any(word in last for word in _DELAY_WORDS):
            return Delay(UNKNOWN_DELAY, source_of(node))
    if constant is not None:
        return Delay(CONSTANT_DELAY, source_of(constant), constant)
    return Delay(NO_DELAY)


def _names_changed_in(loop: Loop) -> set[str]:
    """Names (and `self.x` attributes) that take a new value on each attempt."""
    changed: set[str] = set()
    if isinstance(loop, cst.For):
        changed |= {node.value for node in walk(loop.target) if isinstance(node, cst.Name)}
    for node in walk(loop.body):
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For)):
            targets = [node.target]
        for target in targets:
            for name in walk(target):
                if isinstance(name, cst.Name):
                    changed.add(name.value)
            if isinstance(target, cst.Attribute):
                changed.add(source_of(target))
    return changed


def _constant_expression(owner: cst.MetadataDependent, expr: cst.BaseExpression, varying: set[str]) -> bool:
    if isinstance(expr, (cst.Integer, cst.Float)):
        return True
    if isinstance(expr, cst.Name):
        return expr.value not in varying
    if isinstance(expr, cst.Attribute):
        return source_of(expr) not in varying and _constant_expression(owner, expr.value, varying)
    if isinstance(expr, cst.BinaryOperation):
        return _constant_expression(owner, expr.left, varying) and _constant_expression(owner, expr.right, varying)
    if isinstance(expr, cst.UnaryOperation):
        return _constant_expression(owner, expr.expression, varying)
    if isinstance(expr, cst.Subscript):
        return all(name not in varying for name in names_read(expr))
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in _PURE_BUILTINS:
        return all(_constant_expression(owner, arg.value, varying) for arg in expr.args)
    return False


def loop_attempts(owner: cst.MetadataDependent, loop: Loop, handlers: Sequence[cst.ExceptHandler]) -> Attempts:
    if isinstance(loop, cst.For):
        iterable = loop.iter
        text = source_of(iterable)
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range":
            bounds = [int_value(owner, arg.value) for arg in iterable.args]
            if len(bounds) == 1 and bounds[0] is not None:
                return Attempts(max(bounds[0], 0), False, text)
            if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None:
                return Attempts(max(bounds[1] - bounds[0], 0), False, text)
            return Attempts(None, False, text)
        if qualified_names(owner, iterable.func if isinstance(iterable, cst.Call) else iterable) & {
            "itertools.count",
            "itertools.repeat",
        }:
            return _guarded(owner, handlers, text)
        sequence = iterable
        if isinstance(sequence, cst.Name):
            sequence = single_bound_value(owner, sequence) or sequence
        if isinstance(sequence, (cst.Tuple, cst.List)):
            return Attempts(len(sequence.elements), False, text)
        return Attempts(None, False, text)
    text = f"while {source_of(loop.test)}"
    bound = _while_bound(owner, loop.test)
    if bound is not None:
        return Attempts(bound, False, text)
    if isinstance(loop.test, (cst.Name, cst.Integer)) and source_of(loop.test) in ("True", "1"):
        return _guarded(owner, handlers, text)
    return Attempts(None, False, text)


def _while_bound(owner: cst.MetadataDependent, test: cst.BaseExpression) -> Optional[int]:
    """`attempts < 5`, `retries > 0`, also inside `and`: the number of passes from the start value."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _while_bound(owner, test.left) or _while_bound(owner, test.right)
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator = test.comparisons[0].operator
    counter, limit = test.left, test.comparisons[0].comparator
    if not isinstance(counter, cst.Name):
        return None
    start = _start_value(owner, counter)
    end = int_value(owner, limit)
    if start is None or end is None:
        return None
    if isinstance(operator, cst.LessThan):
        return max(end - start, 0)
    if isinstance(operator, cst.LessThanEqual):
        return max(end - start + 1, 0)
    if isinstance(operator, cst.GreaterThan):
        return max(start - end, 0)
    if isinstance(operator, cst.GreaterThanEqual):
        return max(start - end + 1, 0)
    return None


def _start_value(owner: cst.MetadataDependent, counter: cst.Name) -> Optional[int]:
    starts = [int_value(owner, value) for value in bound_values(owner, counter) if value is not None]
    known = [start for start in starts if start is not None]
    if len(known) == 1:
        return known[0]
    return _parameter_default(owner, counter, 0)


def _guarded(owner: cst.MetadataDependent, handlers: Sequence[cst.ExceptHandler], text: str) -> Attempts:
    """`while True` with `if attempt >= 5: raise` in the handler: bounded by the guard."""
    for handler in handlers:
        for node in walk(handler.body):
            if not isinstance(node, cst.If) or not isinstance(node.test, cst.Comparison):
                continue
            if not any(isinstance(inner, (cst.Raise, cst.Return, cst.Break)) for inner in walk(node.body)):
                continue
            comparison = node.test
            if len(comparison.comparisons) != 1 or not isinstance(comparison.left, cst.Name):
                continue
            operator = comparison.comparisons[0].operator
            limit = int_value(owner, comparison.comparisons[0].comparator)
            if limit is None:
                continue
            if isinstance(operator, (cst.GreaterThanEqual, cst.Equal)):
                return Attempts(limit, False, f"{text}, stops at {source_of(comparison)}")
            if isinstance(operator, cst.GreaterThan):
                return Attempts(limit + 1, False, f"{text}, stops at {source_of(comparison)}")
    return Attempts(None, True, text)


# --- Retry sites ----------------------------------------------------------------------------
LOOP, DECORATOR, RECURSION = "loop", "decorator", "recursion"


@dataclass(frozen=True)
class HandlerRetry:
    """One except clause (or a decorator's predicate) and what it retries."""

    node: cst.CSTNode  # where a finding about it is reported
    caught: Caught
    verdict: Verdict

    @property
    def specific_only(self) -> bool:
        return not (self.caught.client_error or self.caught.botocore_error or self.caught.broad)

    @property
    def retries_any_error(self) -> bool:
        """Retries codes it does not name (CL401/CL402)."""
        return not self.specific_only and self.verdict.others

    @property
    def retries_named_non_retryable(self) -> bool:
        """An allow-list that holds codes or 4xx statuses botocore does not retry (CL403)."""
        return not self.specific_only and not self.verdict.others and self.verdict.non_retryable


@dataclass(frozen=True)
class RetrySite:
    """A retry in the code, with every fact its explanation needs."""

    kind: str
    label: str  # "for attempt in range(5)", "@retry (tenacity)", "recursive call to fetch()"
    where: str  # "fetch()" or "module level"
    node: cst.CSTNode
    line: int
    handlers: tuple[HandlerRetry, ...]
    attempts: Attempts
    delay: Delay
    sdk: SdkRetries
    library: Optional[str] = None

    @property
    def retries_throttling(self) -> bool:
        return any(handler.verdict.retries_throttling for handler in self.handlers)

    @property
    def subject(self) -> str:
        if self.kind == LOOP:
            return f"Retry loop in {self.where}" if self.where != "module level" else "Retry loop at module level"
        if self.kind == DECORATOR:
            return f"{self.label} in {self.where}" if self.label.startswith("for ") else f"{self.label} on {self.where}"
        return f"Recursive retry in {self.where}"


def find_retries(owner: cst.MetadataDependent, index: ModuleIndex) -> Iterator[RetrySite]:
    """Every retry of the module: loops, decorators and recursive handlers."""
    for loop, function in index.loops:
        site = _loop_site(owner, index, loop, function)
        if site is not None:
            yield site
    for function in index.decorated:
        yield from _decorator_sites(owner, index, function)
    for try_node, function in index.tries:
        site = _recursion_site(owner, index, try_node, function)
        if site is not None:
            yield site


def _where(function: Optional[cst.FunctionDef]) -> str:
    return f"{function.name.value}()" if function is not None else "module level"


def _line(owner: cst.MetadataDependent, node: cst.CSTNode) -> int:
    return owner.get_metadata(PositionProvider, node).start.line


Blocks = tuple[Sequence[cst.CSTNode], ...]


def tries_in(block: Sequence[cst.CSTNode]) -> Iterator[tuple[cst.Try, Blocks, tuple[int, ...]]]:
    """Each try statement of a loop body (not inside nested loops), with the blocks around it and
    its position in each, outermost first."""

    def visit(
        nodes: Sequence[cst.CSTNode], blocks: Blocks, positions: tuple[int, ...]
    ) -> Iterator[tuple[cst.Try, Blocks, tuple[int, ...]]]:
        for position, node in enumerate(nodes):
            here_blocks, here_positions = (*blocks, nodes), (*positions, position)
            if isinstance(node, cst.Try):
                yield node, here_blocks, here_positions
            elif isinstance(node, cst.With):
                yield from visit(statements(node.body), here_blocks, here_positions)
            elif isinstance(node, cst.If):
                yield from visit(statements(node.body), here_blocks, here_positions)
                if isinstance(node.orelse, cst.Else):
                    yield from visit(statements(node.orelse.body), here_blocks, here_positions)

    yield from visit(block, (), ())


def _exits(nodes: Sequence[cst.CSTNode]) -> bool:
    """Whether a block leaves the loop unconditionally (break or return at its own level)."""
    for node in nodes:
        if isinstance(node, (cst.Break, cst.Return)):
            return True
        if isinstance(node, cst.With) and _exits(statements(node.body)):
            return True
    return False


def _sets_loop_flag(nodes: Sequence[cst.CSTNode], test: cst.BaseExpression) -> bool:
    """`while not done: ... done = True`, `while response is None: ... response = call()`: success
    ends the loop through its condition. A counter or a cursor moved forward does not count."""
    flags = _flag_names(test)
    for node in nodes:
        if isinstance(node, cst.With) and _sets_loop_flag(statements(node.body), test):
            return True
        if not isinstance(node, cst.Assign):
            continue
        for target in node.targets:
            if not isinstance(target.target, cst.Name) or target.target.value not in flags:
                continue
            constant = isinstance(node.value, cst.Integer) or source_of(node.value) in ("True", "False")
            if flags[target.target.value] == "none" or constant:
                return True
    return False


def _flag_names(test: cst.BaseExpression) -> dict[str, str]:
    """The names a while test checks as flags (`not done`, `done`) or as "not set yet" (`x is None`)."""
    if isinstance(test, cst.BooleanOperation):
        return {**_flag_names(test.left), **_flag_names(test.right)}
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _flag_names(test.expression)
    if isinstance(test, cst.Name):
        return {test.value: "flag"}
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and source_of(test.comparisons[0].comparator) == "None"
    ):
        return {test.left.value: "none"}
    return {}


def _leaves_after(blocks: Blocks, positions: tuple[int, ...]) -> bool:
    """Whether the statements after the try, up to the end of the loop body, leave the loop."""
    return any(_exits(block[position + 1 :]) for block, position in zip(blocks, positions))


def _loop_site(
    owner: cst.MetadataDependent, index: ModuleIndex, loop: Loop, function: Optional[cst.FunctionDef]
) -> Optional[RetrySite]:
    body = statements(loop.body)
    for try_node, blocks, positions in tries_in(body):
        candidates = [(handler, caught_by(owner, handler.type)) for handler in try_node.handlers]
        if not any(caught.relevant for _, caught in candidates):
            continue
        success = [*statements(try_node.body), *(statements(try_node.orelse.body) if try_node.orelse else [])]
        leaves_after = _leaves_after(blocks, positions)
        exits_on_success = _exits(success) or leaves_after
        if isinstance(loop, cst.While):
            exits_on_success |= _sets_loop_flag(success, loop.test)
        if not exits_on_success or not _same_call_each_time(loop, try_node):
            continue
        calls = aws_calls(owner, index, statements(try_node.body))
        sdk = sdk_retries_of(owner, calls)
        handlers = _handler_retries(
            owner, index, function, candidates, bool(calls), sdk, fall_retries=not leaves_after, recursion=None
        )
        if not handlers:
            continue
        return RetrySite(
            kind=LOOP,
            label=loop_header(loop),
            where=_where(function),
            node=loop,
            line=_line(owner, loop),
            handlers=tuple(handlers),
            attempts=loop_attempts(owner, loop, [handler for handler, _ in candidates]),
            delay=loop_delay(owner, loop),
            sdk=sdk,
        )
    return None


def loop_header(loop: Loop) -> str:
    if isinstance(loop, cst.For):
        return f"for {source_of(loop.target)} in {source_of(loop.iter)}"
    return f"while {source_of(loop.test)}"


def _same_call_each_time(loop: Loop, try_node: cst.Try) -> bool:
    """A loop retries only when each pass makes the same request: not when the loop target
    (`for region in regions`) or what a handler assigns (`key = next_key`) changes what the try
    body does. Logging those names is fine."""
    changing = {
        name.value
        for handler in try_node.handlers
        for node in walk(handler.body)
        if isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign))
        for target in (node.targets if isinstance(node, cst.Assign) else [node])
        for name in walk(target.target)
        if isinstance(name, cst.Name)
    }
    if isinstance(loop, cst.For):
        changing |= {node.value for node in walk(loop.target) if isinstance(node, cst.Name)}
    return not _reads_outside_logging(try_node.body, changing)


def _reads_outside_logging(node: cst.CSTNode, names: set[str]) -> bool:
    if isinstance(node, cst.Call) and _is_logging(node):
        return False
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return False
    if isinstance(node, cst.Name):
        return node.value in names
    if isinstance(node, cst.Attribute):
        return _reads_outside_logging(node.value, names)
    if isinstance(node, cst.Arg):
        return _reads_outside_logging(node.value, names)
    return any(_reads_outside_logging(child, names) for child in node.children)


def _is_logging(call: cst.Call) -> bool:
    callee = cst.helpers.get_full_name_for_node(call.func) or ""
    parts = callee.lower().split(".")
    return parts[-1] in ("print", "debug", "info", "warning", "warn", "error", "exception", "log") or any(
        part.startswith("log") for part in parts[:-1]
    )


def _handler_retries(
    owner: cst.MetadataDependent,
    index: ModuleIndex,
    function: Optional[cst.FunctionDef],
    candidates: Sequence[tuple[cst.ExceptHandler, Caught]],
    has_aws_call: bool,
    sdk: SdkRetries,
    *,
    fall_retries: bool,
    recursion: Optional[str],
) -> list[HandlerRetry]:
    """What each relevant except clause of one try retries."""
    found: list[HandlerRetry] = []
    body = statements(function.body) if function is not None else []
    earlier_codes: list[str] = []  # codes that earlier `except client.exceptions.X` clauses take
    context = PathContext(function_name=recursion)
    for handler, caught in candidates:
        if caught.specific and not caught.takes_client_errors:
            earlier_codes.extend(caught.specific)
        if not caught.relevant or (caught.broad and not caught.client_error and not has_aws_call):
            continue
        roles = {}
        if handler.name is not None and isinstance(handler.name.name, cst.Name):
            roles[handler.name.name.value] = EXCEPTION
        reader = ErrorReader(owner, index, body or statements(handler.body), roles)
        paths = reader.paths(statements(handler.body), context)
        retry_paths = [path.conditions for path in paths if path.end == RETRY or (path.end == FALL and fall_retries)]
        if not retry_paths:
            continue
        prior: list[Condition] = []
        if earlier_codes and caught.takes_client_errors:
            prior.append((CodeTest(frozenset(earlier_codes)), False))
        if not caught.takes_client_errors:
            # BotoCoreError has no code; specific classes retry only their own code
            prior.append((CodeTest(frozenset(caught.specific)), True) if caught.specific else (Known(True), True))
        result = verdict([(*prior, *conditions) for conditions in retry_paths], sdk.service)
        found.append(HandlerRetry(handler.type or handler, caught, result))
    return found


def _recursion_site(
    owner: cst.MetadataDependent, index: ModuleIndex, try_node: cst.Try, function: cst.FunctionDef
) -> Optional[RetrySite]:
    candidates = [(handler, caught_by(owner, handler.type)) for handler in try_node.handlers]
    if not any(caught.relevant for _, caught in candidates):
        return None
    context = PathContext(function_name=function.name.value)
    recursive_calls = [
        node
        for handler, _ in candidates
        for node in walk(handler.body)
        if isinstance(node, cst.Call) and context.recursive_call(node) is not None
    ]
    if not recursive_calls:
        return None
    calls = aws_calls(owner, index, statements(try_node.body))
    sdk = sdk_retries_of(owner, calls)
    handlers = _handler_retries(
        owner, index, function, candidates, bool(calls), sdk, fall_retries=False, recursion=function.name.value
    )
    if not handlers:
        return None
    # reported at the call that retries: the one line that makes the handler a retry
    handlers = [replace(handler, node=recursive_calls[0]) for handler in handlers]
    delay = _handler_delay(owner, function, [handler for handler, _ in candidates])
    return RetrySite(
        kind=RECURSION,
        label=f"recursive call to {function.name.value}()",
        where=_where(function),
        node=recursive_calls[0],
        line=_line(owner, recursive_calls[0]),
        handlers=tuple(handlers),
        attempts=_recursion_attempts(owner, function, recursive_calls[0]),
        delay=delay,
        sdk=sdk,
    )


def _handler_delay(
    owner: cst.MetadataDependent, function: cst.FunctionDef, handlers: Sequence[cst.ExceptHandler]
) -> Delay:
    """The delay before a recursive retry: parameters take new values on each call."""
    parameters = {param.name.value for param in function.params.params}
    for handler in handlers:
        for node in walk(handler.body):
            if isinstance(node, cst.Call):
                last = (cst.helpers.get_full_name_for_node(node.func) or "").rsplit(".", 1)[-1].lower()
                if last == "sleep":
                    argument = node.args[0].value if node.args else None
                    if argument is None or _constant_expression(owner, argument, parameters):
                        return Delay(CONSTANT_DELAY, source_of(node), node)
                    return Delay(GROWING_DELAY, source_of(node))
                if any(word in last for word in _DELAY_WORDS):
                    return Delay(UNKNOWN_DELAY, source_of(node))
    return Delay(NO_DELAY)


def _recursion_attempts(owner: cst.MetadataDependent, function: cst.FunctionDef, call: cst.Call) -> Attempts:
    """`retries - 1` passed for a parameter with a default: that many retries, plus the first call."""
    for param in function.params.params:
        default = int_value(owner, param.default) if param.default is not None else None
        if default is None:
            continue
        for arg in call.args:
            value = arg.value
            if (
                isinstance(value, cst.BinaryOperation)
                and isinstance(value.operator, cst.Subtract)
                and isinstance(value.left, cst.Name)
                and value.left.value == param.name.value
            ):
                return Attempts(default + 1, False, f"{param.name.value}={default}, counting down")
    return Attempts(None, True, "no count passed down")


# --- Retry libraries ------------------------------------------------------------------------
TENACITY, BACKOFF, RETRYING = "tenacity", "backoff", "retrying"
DECORATOR_FACTORIES: Mapping[str, str] = {
    "tenacity.retry": TENACITY,
    "backoff.on_exception": BACKOFF,
    "retrying.retry": RETRYING,
}
# Where each library takes a predicate, and the fix that uses it. ref. tenacity `retry=`, backoff
# `giveup=` (true: stop), retrying `retry_on_exception=`.
PREDICATE_ARGUMENTS: Mapping[str, tuple[str, str]] = {
    TENACITY: ("retry=", "retry=retry_if_exception(is_retryable)"),
    BACKOFF: ("giveup=", "giveup=lambda e: not is_retryable(e)"),
    RETRYING: ("retry_on_exception=", "retry_on_exception=is_retryable"),
}
TENACITY_CONSTANT_PREDICATES = frozenset({"tenacity.retry_always", "tenacity.retry_never"})
TENACITY_CONTROLLERS = frozenset({"tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.asyncio.AsyncRetrying"})
_TENACITY_GROWING_WAITS = frozenset(
    {
        "wait_exponential",
        "wait_random_exponential",
        "wait_full_jitter",
        "wait_exponential_jitter",
        "wait_random",
        "wait_incrementing",
        "wait_chain",
    }
)
# ref. retrying.py Retrying.__init__: these arguments add a wait that is not constant.
_RETRYING_GROWING_WAITS = (
    "wait_random_min",
    "wait_random_max",
    "wait_incrementing_start",
    "wait_incrementing_increment",
    "wait_exponential_multiplier",
    "wait_exponential_max",
    "wait_jitter_max",
)


@dataclass(frozen=True)
class LibraryPolicy:
    """A retry library's decorator, read into what it retries, how often and how long it waits."""

    library: str
    predicate: Pred
    caught: Caught
    attempts: Attempts
    delay: Delay


def decorator_library(owner: cst.MetadataDependent, decorator: cst.BaseExpression) -> Optional[str]:
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    for name in qualified_names(owner, target):
        if name in DECORATOR_FACTORIES:
            return DECORATOR_FACTORIES[name]
    return None


def _decorator_sites(
    owner: cst.MetadataDependent, index: ModuleIndex, function: cst.FunctionDef
) -> Iterator[RetrySite]:
    for decorator in function.decorators:
        library = decorator_library(owner, decorator.decorator)
        if library is None:
            continue
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        label = f"@{source_of(target)} ({library})"
        body = statements(function.body)
        site = library_site(owner, index, decorator.decorator, library, body, function, decorator, label)
        if site is not None:
            yield site


def library_site(
    owner: cst.MetadataDependent,
    index: ModuleIndex,
    call: cst.BaseExpression,
    library: str,
    body: Sequence[cst.CSTNode],
    function: Optional[cst.FunctionDef],
    anchor: cst.CSTNode,
    label: str,
) -> Optional[RetrySite]:
    """A retry library applied to code (a decorated function, a `for attempt in Retrying(...)` body)."""
    reader = ErrorReader(owner, index, statements(function.body) if function is not None else [], {})
    policy = _read_policy(owner, reader, library, call if isinstance(call, cst.Call) else None)
    calls = aws_calls(owner, index, body)
    if not (policy.caught.client_error or (policy.caught.broad and calls)):
        return None
    sdk = sdk_retries_of(owner, calls)
    result = verdict([[(policy.predicate, True)]], sdk.service)
    return RetrySite(
        kind=DECORATOR,
        label=label,
        where=_where(function),
        node=anchor,
        line=_line(owner, anchor),
        handlers=(HandlerRetry(anchor, policy.caught, result),),
        attempts=policy.attempts,
        delay=policy.delay,
        sdk=sdk,
        library=library,
    )


def _keywords(call: Optional[cst.Call]) -> dict[str, cst.BaseExpression]:
    if call is None:
        return {}
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


def _read_policy(
    owner: cst.MetadataDependent, reader: ErrorReader, library: str, call: Optional[cst.Call]
) -> LibraryPolicy:
    keywords = _keywords(call)
    if library == TENACITY:
        return _tenacity_policy(owner, reader, keywords)
    if library == BACKOFF:
        return _backoff_policy(owner, reader, call, keywords)
    return _retrying_policy(owner, reader, keywords)


def _callee_name(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> str:
    """The last part of a library function's qualified name: `wait_fixed`, `expo`."""
    target = expr.func if isinstance(expr, cst.Call) else expr
    names = qualified_names(owner, target)
    best = sorted(names)[0] if names else (cst.helpers.get_full_name_for_node(target) or "")
    return best.rsplit(".", 1)[-1]


def _tenacity_policy(owner: cst.MetadataDependent, reader: ErrorReader, keywords: Keywords) -> LibraryPolicy:
    # ref. tenacity BaseRetrying.__init__: stop=stop_never, wait=wait_none(), retry=retry_if_exception_type()
    retry_expr = keywords.get("retry")
    predicate: Pred
    if retry_expr is None:
        predicate, caught = Known(True), Caught(broad=True)
    else:
        predicate, caught = _tenacity_retry(owner, reader, retry_expr, 0)
    stop = keywords.get("stop")
    attempts = Attempts(None, True, "no stop=")
    if stop is not None:
        attempts = _tenacity_stop(owner, stop, 0) or Attempts(None, False, source_of(stop))
    wait = keywords.get("wait")
    delay = Delay(NO_DELAY, "no wait=") if wait is None else _tenacity_wait(owner, wait)
    return LibraryPolicy(TENACITY, predicate, caught, attempts, delay)


def _tenacity_retry(
    owner: cst.MetadataDependent, reader: ErrorReader, expr: cst.BaseExpression, depth: int
) -> tuple[Pred, Caught]:
    if depth > MAX_RESOLUTION_DEPTH:
        return Opaque(), Caught(unknown=True)
    if isinstance(expr, cst.Name) and not qualified_names(owner, expr) & TENACITY_CONSTANT_PREDICATES:
        value = single_bound_value(owner, expr)
        if value is not None:
            return _tenacity_retry(owner, reader, value, depth + 1)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.BitOr, cst.BitAnd)):
        left, left_caught = _tenacity_retry(owner, reader, expr.left, depth + 1)
        right, right_caught = _tenacity_retry(owner, reader, expr.right, depth + 1)
        combined: Pred = AnyOf((left, right)) if isinstance(expr.operator, cst.BitOr) else AllOf((left, right))
        return combined, left_caught.merged(right_caught)
    name = _callee_name(owner, expr)
    args = [arg.value for arg in expr.args] if isinstance(expr, cst.Call) else []
    if name == "retry_always":
        return Known(True), Caught(broad=True)
    if name in ("retry_never", "retry_if_result", "retry_if_not_result"):
        return Known(False), Caught()
    if name in ("retry_if_exception_type", "retry_unless_exception_type", "retry_if_not_exception_type"):
        caught = caught_by(owner, args[0]) if args else Caught(broad=True)
        test = instance_test(caught)
        if name == "retry_if_exception_type":
            return test, caught
        return Not(test), Caught(broad=True)
    if name == "retry_if_exception" and args:
        function = reader.resolve_callable(args[0])
        if function is not None:
            return _predicate_of(owner, reader, function), Caught(broad=True)
        return Opaque(), Caught(broad=True)
    if name in ("retry_any", "retry_all"):
        parts = [_tenacity_retry(owner, reader, arg, depth + 1) for arg in args]
        preds = tuple(pred for pred, _ in parts)
        caught = Caught()
        for _, part_caught in parts:
            caught = caught.merged(part_caught)
        return (AnyOf(preds) if name == "retry_any" else AllOf(preds)), caught
    return Opaque(), Caught(unknown=True)


def _predicate_of(owner: cst.MetadataDependent, reader: ErrorReader, function: FunctionNode) -> Pred:
    """A predicate function given the exception as its first parameter."""
    params = [param.name.value for param in function.params.params]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    if not params:
        return Opaque()
    predicate_reader = function_reader(owner, reader.index, function, {params[0]: EXCEPTION}, reader.depth + 1)
    return predicate_reader.returns_predicate(function)


def _tenacity_stop(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int) -> Optional[Attempts]:
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return _tenacity_stop(owner, expr.left, depth + 1) or _tenacity_stop(owner, expr.right, depth + 1)
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        if value is not None:
            return _tenacity_stop(owner, value, depth + 1)
    name = _callee_name(owner, expr)
    if name == "stop_after_attempt" and isinstance(expr, cst.Call) and expr.args:
        count = int_value(owner, expr.args[0].value)
        return Attempts(count, False, source_of(expr)) if count is not None else None
    if name == "stop_never":
        return Attempts(None, True, source_of(expr))
    return None


def _tenacity_wait(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Delay:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        parts = [_tenacity_wait(owner, expr.left), _tenacity_wait(owner, expr.right)]
        if any(part.kind == GROWING_DELAY for part in parts):
            return Delay(GROWING_DELAY, source_of(expr))
        if all(part.kind in (CONSTANT_DELAY, NO_DELAY) for part in parts):
            return Delay(CONSTANT_DELAY, source_of(expr), expr)
        return Delay(UNKNOWN_DELAY, source_of(expr))
    name = _callee_name(owner, expr)
    if name == "wait_fixed":
        return Delay(CONSTANT_DELAY, source_of(expr), expr)
    if name == "wait_none":
        return Delay(NO_DELAY, source_of(expr), expr)
    if name in _TENACITY_GROWING_WAITS:
        return Delay(GROWING_DELAY, source_of(expr))
    return Delay(UNKNOWN_DELAY, source_of(expr))


def _backoff_policy(
    owner: cst.MetadataDependent, reader: ErrorReader, call: Optional[cst.Call], keywords: Keywords
) -> LibraryPolicy:
    # ref. backoff on_exception(wait_gen, exception, max_tries=None, max_time=None,
    # jitter=full_jitter, giveup=lambda e: False, ...): no limit and no give-up by default.
    arguments = call_arguments(owner, call, ("wait_gen", "exception")) if call is not None else None
    exception = arguments.get("exception") if arguments is not None else None
    caught = caught_by(owner, exception) if exception is not None else Caught(unknown=True)
    predicate: Pred = instance_test(caught)
    giveup = keywords.get("giveup")
    if giveup is not None:
        function = reader.resolve_callable(giveup)
        gives_up = _predicate_of(owner, reader, function) if function is not None else Opaque()
        predicate = AllOf((predicate, Not(gives_up)))
    max_tries = keywords.get("max_tries")
    if max_tries is not None:
        count = int_value(owner, max_tries)
        attempts = Attempts(count, False, f"max_tries={source_of(max_tries)}")
    elif "max_time" in keywords:
        attempts = Attempts(None, False, f"max_time={source_of(keywords['max_time'])}")
    else:
        attempts = Attempts(None, True, "no max_tries=")
    wait_gen = arguments.get("wait_gen") if arguments is not None else None
    delay = Delay(UNKNOWN_DELAY)
    if wait_gen is not None:
        name = _callee_name(owner, wait_gen)
        jitter = keywords.get("jitter")
        if name == "constant" and isinstance(jitter, cst.Name) and jitter.value == "None":
            delay = Delay(CONSTANT_DELAY, f"{source_of(wait_gen)}, jitter=None", wait_gen)
        elif name in ("expo", "fibo", "constant", "decay"):
            # backoff jitters every wait by default (full_jitter): a "constant" wait is random
            delay = Delay(GROWING_DELAY, source_of(wait_gen))
    return LibraryPolicy(BACKOFF, predicate, caught, attempts, delay)


def _retrying_policy(owner: cst.MetadataDependent, reader: ErrorReader, keywords: Keywords) -> LibraryPolicy:
    # ref. retrying.py Retrying.__init__: retry_on_exception defaults to always_reject (every
    # exception); no stop_max_* means never stop; no wait_* means no sleep.
    retry_on_exception = keywords.get("retry_on_exception")
    predicate: Pred = Known(True)
    if retry_on_exception is not None:
        function = reader.resolve_callable(retry_on_exception)
        predicate = _predicate_of(owner, reader, function) if function is not None else Opaque()
    if "stop_max_attempt_number" in keywords:
        expr = keywords["stop_max_attempt_number"]
        attempts = Attempts(int_value(owner, expr), False, f"stop_max_attempt_number={source_of(expr)}")
    elif "stop_max_delay" in keywords or "stop_func" in keywords or "stop" in keywords:
        attempts = Attempts(None, False, "a time or custom stop")
    else:
        attempts = Attempts(None, True, "no stop_max_attempt_number=")
    if any(name in keywords for name in _RETRYING_GROWING_WAITS):
        delay = Delay(GROWING_DELAY)
    elif "wait_func" in keywords or "wait" in keywords:
        delay = Delay(UNKNOWN_DELAY)
    elif "wait_fixed" in keywords:
        delay = Delay(CONSTANT_DELAY, f"wait_fixed={source_of(keywords['wait_fixed'])} ms", keywords["wait_fixed"])
    else:
        delay = Delay(NO_DELAY, "no wait_*=")
    return LibraryPolicy(RETRYING, predicate, Caught(broad=True), attempts, delay)


def controller_site(
    owner: cst.MetadataDependent, index: ModuleIndex, loop: cst.For, function: Optional[cst.FunctionDef]
) -> Optional[RetrySite]:
    """`for attempt in Retrying(...): with attempt: ...`: tenacity's retry as a loop."""
    if not isinstance(loop.iter, cst.Call) or not qualified_names(owner, loop.iter.func) & TENACITY_CONTROLLERS:
        return None
    label = f"for ... in {source_of(loop.iter.func)}(...) ({TENACITY})"
    return library_site(owner, index, loop.iter, TENACITY, statements(loop.body), function, loop.iter, label)


# --- Explanations ---------------------------------------------------------------------------
def _quote(items: Sequence[str]) -> str:
    quoted = [item if item.startswith("HTTP ") else repr(item) for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def retried_phrase(site: RetrySite, handler: HandlerRetry) -> str:
    """What the retry retries, in the words of a message: "every ClientError", "'AccessDenied'"."""
    result = handler.verdict
    caught = handler.caught.describe()
    if result.others:
        base = "every exception (ClientError included)" if handler.caught.broad else f"every {caught}"
        spared = [item for item in result.spared]
        return f"{base} except {_quote(spared)}" if spared else base
    named = [*result.retried_codes, *(f"HTTP {status}" for status in result.retried_statuses)]
    return _quote(named)


def any_error_message(site: RetrySite, handler: HandlerRetry) -> str:
    """CL401/CL402's message: no check at all, or a deny-list that lets every other code through."""
    retried = retried_phrase(site, handler)
    if handler.verdict.spared:
        still = [code for code in EXAMPLE_CLIENT_ERRORS if code not in handler.verdict.spared][:2]
        return f"{site.subject} retries {retried}: {', '.join(still)} and other 4xx codes too"
    return f"{site.subject} retries {retried} without checking the error code"


def _sdk_steps(sdk: SdkRetries) -> list[ChainStep]:
    retried = "throttling and transient codes, 429, 500/502/503/504"
    if sdk.mode is not None or sdk.total_attempts is not None:
        mode = sdk.mode or STANDARD
        attempts = sdk.attempts(mode if mode != ADAPTIVE else STANDARD)
        reads = f"{attempts} attempts per call; {retried}"
        return [ChainStep("1", f"botocore {mode} mode", reads, "set by Config", sdk.line)]
    service = f" ({sdk.service})" if sdk.service else ""
    standard = f"{sdk.attempts(STANDARD)} attempts per call{service}; {retried}"
    legacy = f"{sdk.attempts(LEGACY)} attempts per call{service}; same codes, also 509"
    return [
        ChainStep("1", "botocore standard mode", standard, f"default >= {DEFAULT_MODE_CHANGE}"),
        ChainStep("1", "botocore legacy mode", legacy, "default <= 1.43.x"),
    ]


def _modes(sdk: SdkRetries) -> list[tuple[str, int]]:
    if sdk.mode is not None or sdk.total_attempts is not None:
        mode = sdk.mode or STANDARD
        return [(mode, sdk.attempts(mode if mode != ADAPTIVE else STANDARD))]
    return [(STANDARD, sdk.attempts(STANDARD)), (LEGACY, sdk.attempts(LEGACY))]


def worst_case(site: RetrySite) -> str:
    """The requests one call can cost when both layers retry, per SDK mode."""
    modes = _modes(site.sdk)
    count = site.attempts.count
    if count is not None:
        return ", ".join(f"{count} x {attempts} = {count * attempts} requests ({mode})" for mode, attempts in modes)
    if site.attempts.unbounded:
        return "unbounded: this code never gives up, and each attempt costs " + " or ".join(
            f"{attempts} requests ({mode})" for mode, attempts in modes
        )
    return "N x " + " or ".join(f"{attempts} ({mode})" for mode, attempts in modes) + ", N not known from the code"


def _sdk_runtime(sdk: SdkRetries) -> str:
    # ref. aws-chain-reference.md section 3
    if sdk.mode is not None or sdk.total_attempts is not None:
        mode = sdk.mode or STANDARD
        attempts = sdk.attempts(mode if mode != ADAPTIVE else STANDARD)
        statuses = "500/502/503/504/509" if mode == LEGACY else "500/502/503/504"
        return (
            f"Each call already goes through botocore's retry layer, set here to {mode} mode with {attempts} "
            f"attempts per call, which retries throttling and transient codes, 429 and {statuses} with "
            "exponential backoff and jitter. "
        )
    dynamo = " (DynamoDB 4)" if sdk.service not in ("dynamodb", "dynamodbstreams") else ""
    legacy_dynamo = " (DynamoDB 10)" if sdk.service != "dynamodb" else ""
    return (
        "Each call already goes through botocore's retry layer: standard mode, the default since botocore "
        f"{DEFAULT_MODE_CHANGE}, makes up to {sdk.attempts(STANDARD)} attempts{dynamo}; legacy mode, the default "
        f"up to 1.43.x, up to {sdk.attempts(LEGACY)}{legacy_dynamo}. Both retry only throttling and transient "
        "codes, 429 and 500/502/503/504 (legacy also 509; standard also modeled retryable errors), with "
        "exponential backoff and jitter (AWS_RETRY_MODE and AWS_MAX_ATTEMPTS change this). "
    )


def explain(site: RetrySite, handler: HandlerRetry, focus: str) -> Explanation:
    """The retry chain for one finding: the SDK's layer, this code's layer, the product, the fix."""
    retried = retried_phrase(site, handler)
    code_reads = f"{site.attempts.describe()}; {site.delay.describe()}; retries {retried}"
    steps = [
        *_sdk_steps(site.sdk),
        ChainStep("2", site.label, code_reads, STATUS_THIS_CODE, site.line),
        ChainStep("=", "worst case per call", worst_case(site), "throttling or 5xx"),
    ]
    loop_attempts = site.attempts.count
    repeats = (
        f"{loop_attempts} times"
        if loop_attempts is not None
        else ("forever" if site.attempts.unbounded else "as many times as the code allows")
    )
    fourxx = ""
    if focus != "backoff" and (handler.verdict.others or handler.verdict.non_retryable):
        if handler.verdict.others:
            examples = [code for code in EXAMPLE_CLIENT_ERRORS if code not in handler.verdict.spared]
        else:
            examples = [*handler.verdict.retried_codes, *(f"HTTP {s}" for s in handler.verdict.retried_statuses)]
        fourxx = (
            f" A 4xx error ({', '.join(examples)}) is not retried by botocore: this code sends the same failing "
            f"request {repeats} and reports the real error only after every delay, hiding permission and "
            "validation bugs."
        )
    runtime = (
        f"{_sdk_runtime(site.sdk)}This code retries on top of it: during throttling or an outage, when the "
        f"service is already overloaded, one call can cost {worst_case(site)}.{fourxx}"
    )
    summary = _summary(site, handler, focus, retried)
    fix = _fix(site, handler, focus)
    return Explanation(chain="retry", summary=summary, steps=tuple(steps), runtime=runtime, fix=fix)


def _summary(site: RetrySite, handler: HandlerRetry, focus: str, retried: str) -> str:
    where = f"{site.subject} (line {site.line})"
    if focus == "any":
        return (
            f"{where} retries {retried} without checking the error code or HTTP status: it sits on top of "
            "botocore's own retry layer and repeats errors the SDK deliberately does not retry."
        )
    if focus == "codes":
        return (
            f"{where} checks the error but retries {retried}, which botocore deliberately does not retry: "
            "a 4xx client error fails the same way on every attempt."
        )
    return (
        f"{where} retries with {site.delay.describe()}: every client retries at the same moments, "
        "so retries arrive in bursts while the service is throttling; AWS guidance is exponential backoff with jitter."
    )


def _fix(site: RetrySite, handler: HandlerRetry, focus: str) -> str:
    config = (
        'delete the retry and set Config(retries={"mode": "standard" or "adaptive", "total_max_attempts": N}) '
        "on the client ('max_attempts' counts retries, so N-1)"
    )
    if focus == "backoff":
        return (
            "Wait with exponential backoff and full jitter, e.g. time.sleep(random.uniform(0, min(20, 0.5 * 2 ** "
            f"attempt))) (tenacity: wait_random_exponential; backoff: backoff.expo) — or {config}: botocore waits "
            "rand * min(base * 2^i, 20 s) itself and adaptive mode also rate-limits the client."
        )
    if focus == "codes":
        named = _quote([*handler.verdict.retried_codes, *(f"HTTP {s}" for s in handler.verdict.retried_statuses)])
        return (
            f"Stop retrying {named}: retry only throttling and transient codes and status >= 500 or 429, and "
            f"re-raise the rest — or {config}. If the code waits for a resource that was just created "
            "(eventual consistency), use the client's waiter (client.get_waiter(...)) or bound the wait and "
            "suppress this finding with the reason."
        )
    if site.kind == DECORATOR:
        library_fix = PREDICATE_ARGUMENTS.get(site.library or "", ("", "a predicate"))[1]
        return (
            f"Give the decorator a predicate, {library_fix}, where is_retryable checks "
            "e.response['Error']['Code'] against throttling and transient codes (or the status is >= 500 or "
            f"429) — or {config}."
        )
    return (
        "Re-raise codes that are not retryable: `if e.response['Error']['Code'] not in RETRYABLE_CODES: raise` "
        f"(throttling and transient codes, or status >= 500 or 429) — or {config}. If this waits for a "
        "resource to appear, use the client's waiter (client.get_waiter(...))."
    )


# --- The rule base --------------------------------------------------------------------------
RETRY_RULE_PROVIDERS: Sequence[ProviderT] = (PositionProvider, *BINDING_PROVIDERS)


class RetryRule(Rule):
    """Collects loops, decorated functions and handlers while visiting; analyses them at the end."""

    METADATA_DEPENDENCIES = RETRY_RULE_PROVIDERS

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.index = ModuleIndex()
        self._functions: list[cst.FunctionDef] = []
        self._classes: list[cst.ClassDef] = []
        self._loop_depth: list[int] = [0]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.index.functions.setdefault(node.name.value, []).append(node)
        if node.decorators:
            self.index.decorated.append(node)
        self._functions.append(node)
        self._loop_depth.append(0)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()
        self._loop_depth.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)
        for statement in statements(node.body):
            if isinstance(statement, cst.Assign):
                for target in statement.targets:
                    if isinstance(target.target, cst.Name):
                        self.index.class_constants.setdefault(target.target.value, []).append(statement.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def _function(self) -> Optional[cst.FunctionDef]:
        return self._functions[-1] if self._functions else None

    def visit_For(self, node: cst.For) -> None:
        self.index.loops.append((node, self._function()))
        self._loop_depth[-1] += 1

    def leave_For(self, original_node: cst.For) -> None:
        self._loop_depth[-1] -= 1

    def visit_While(self, node: cst.While) -> None:
        self.index.loops.append((node, self._function()))
        self._loop_depth[-1] += 1

    def leave_While(self, original_node: cst.While) -> None:
        self._loop_depth[-1] -= 1

    def visit_Try(self, node: cst.Try) -> None:
        function = self._function()
        if function is not None and self._loop_depth[-1] == 0:
            self.index.tries.append((node, function))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and is_sdk_object(self, self.index, node.value):
                self.index.sdk_attributes.add(target.target.attr.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        asname = node.asname.name if node.asname is not None else None
        if isinstance(asname, cst.Name) and is_sdk_object(self, self.index, node.item):
            self.index.sdk_names.add(asname.value)

    def leave_Module(self, original_node: cst.Module) -> None:
        for site in self.sites():
            self.check(site)

    def sites(self) -> Iterator[RetrySite]:
        yield from find_retries(self, self.index)
        for loop, function in self.index.loops:
            if isinstance(loop, cst.For):
                site = controller_site(self, self.index, loop, function)
                if site is not None:
                    yield site

    def check(self, site: RetrySite) -> None:
        raise NotImplementedError
