"""The region chain as data, and the explanations of CL301-CL303."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from credlint.analysis.environment_writes import EnvironmentWrite
from credlint.chain import ChainLink, ChainStep, Explanation
from credlint.checks.region.global_services import GlobalService
from credlint.checks.region.sources import AWS_REGION_VARIABLE, ClientWithoutRegion, RegionFromEnvironment
from credlint.rule import Rule

# ref. aws-chain-reference.md section 2 (botocore Session.create_client -> _resolve_region_name):
# 1 region_name, 2 Config(region_name), 3 the session's region: Session(region_name), then
# AWS_DEFAULT_REGION, then the profile's region; otherwise none. No default region exists.
REGION_CHAIN: tuple[ChainLink, ...] = (
    ChainLink(1, "region_name", "region_name= (or 2nd positional) of client()/resource()/create_client()"),
    ChainLink(2, "Config(region_name)", "config=Config(region_name=...) given to the client"),
    ChainLink(3, "session region_name", "the session's own region: Session(region_name=...)"),
    ChainLink(4, "AWS_DEFAULT_REGION", "environment variable of the process (AWS_REGION is not read)"),
    ChainLink(5, "profile region", "region of the profile in ~/.aws/config (AWS_CONFIG_FILE)"),
)
CHAIN_NAME = "region"
STATUS_ABSENT = "absent in code"
STATUS_SET = "set in code"
STATUS_RUNTIME = "decided at runtime"

# ref. aws-chain-reference.md section 2: regional services raise NoRegionError at client creation
# (observed with botocore 1.44.8, also with endpoint_url); the us-east-1 belief is wrong for them.
_NO_REGION_OUTCOME = (
    "botocore resolves the region when the client is created, and {service} has no partition-wide "
    "endpoint: where neither AWS_DEFAULT_REGION nor the profile's region is set (a CI runner, a "
    "container or cron job with a clean environment, a new laptop), creating the client raises "
    "NoRegionError ('You must specify a region.'), even with endpoint_url. There is no default "
    "region: the belief that the SDK falls back to us-east-1 holds only for S3 and the global "
    "services. Where one is set, the client follows that machine's choice, so the same code reaches "
    "different regions on different machines."
)
_ENVIRONMENT_PREFIXES = {
    # ref. aws-chain-reference.md sections 2 and 7: Lambda sets AWS_REGION and AWS_DEFAULT_REGION.
    "lambda": (
        "This module is a Lambda function's code ({where}): the Lambda runtime sets AWS_DEFAULT_REGION "
        "(and AWS_REGION) to the function's region, so in Lambda link 4 answers and the client uses "
        "the function's region. Imported anywhere else (tests, scripts, a container): "
    ),
    "setting": (
        "The project states with {where} that every process it runs gets AWS_DEFAULT_REGION: where "
        "that holds, link 4 answers. Where it does not (a test run, a script, another deployment): "
    ),
    "declared": (
        "The project sets AWS_DEFAULT_REGION in {where}: where the code runs with that configuration, "
        "link 4 answers. Run any other way (tests, scripts, another image or workflow): "
    ),
}
_IGNORED_AWS_REGION = (
    " AWS_REGION, which this code sets at line {lines}, is not read by botocore for a client's region "
    "(other AWS SDKs read it)."
)
_MISSING_REGION_FIX = (
    "Pass region_name='<region>' where the client is created (or config=Config(region_name=...)), "
    "or create it from boto3.Session(region_name=...). To take the region from the environment on "
    "purpose, set AWS_DEFAULT_REGION (not AWS_REGION) wherever the code runs and say so with "
    '[tool.credlint] region-from = "environment".'
)
_ENVIRONMENT_FIX = (
    "Nothing breaks where AWS_DEFAULT_REGION is provided. To make the module safe to import "
    "elsewhere, pass region_name= (for example os.environ['AWS_DEFAULT_REGION'], which fails "
    "clearly when it is missing)."
)
_GLOBAL_OUTCOME = (
    "botocore resolves the region when the client is created. Where neither AWS_DEFAULT_REGION nor "
    "the profile's region is set, it does not fail: {service} has a partition endpoint, so the "
    "client's region becomes {region_name} and requests go to {endpoint}."
)
_REGIONALIZED = (
    " Where a region is set, the client uses that region's endpoint instead: the endpoint depends on the machine."
)
# ref. aws-chain-reference.md section 2: non-regionalized services use the global endpoint even
# with a region; the partition change was observed with region_name='cn-north-1' for iam.
_NOT_REGIONALIZED = (
    " {service} is not regionalized: a region found at runtime does not change the endpoint, it only "
    "selects the partition (a China or GovCloud region moves the client to that partition's global "
    "endpoint)."
)
# ref. botocore 1.44.8 utils.py S3RegionRedirectorv2 (redirect_from_error, get_bucket_region,
# redirect_from_cache), registered on the client's 'needs-retry.s3' event: requests sent only.
_S3_REDIRECTS = (
    " A bucket in another region is reached by a detour: the request goes to s3.amazonaws.com "
    "signed for us-east-1, S3 answers with an error (301 PermanentRedirect, 400 "
    "AuthorizationHeaderMalformed, or a bare 400/301 to HEAD), botocore reads the bucket's region "
    "from the x-amz-bucket-region header (or the error body, or an extra HeadBucket call), "
    "re-resolves the endpoint and sends the request again: an extra round trip per bucket for every "
    "new client, since the region is cached inside the client only. Presigned URLs are built without "
    "a request, so no redirect ever happens for them: they stay signed for us-east-1 whatever the "
    "bucket's region."
)
# ref. aws-chain-reference.md section 2: STS regional endpoints are the default since botocore 1.40.0.
_STS_ENDPOINTS = (
    " sts_regional_endpoints (AWS_STS_REGIONAL_ENDPOINTS) defaults to 'regional' since botocore "
    "1.40.0: with a region STS uses sts.<region>.amazonaws.com, with none the global sts.amazonaws.com."
)
_SERVICE_NOTES = {"s3": _S3_REDIRECTS, "sts": _STS_ENDPOINTS}
_GLOBAL_FIXES = {
    "s3": (
        "Pass region_name= the bucket's region (one client per region when buckets live in several): "
        "requests then go straight to the bucket's regional endpoint and presigned URLs are signed "
        "for the right region."
    ),
    "sts": (
        "Pass region_name= (usually the region the code runs in) to use the regional STS endpoint, "
        "as botocore does whenever it finds a region."
    ),
}
_GLOBAL_FIX = (
    "Pass region_name='{region}' to make the endpoint explicit and independent of each machine's "
    "settings; in the aws partition it stays {endpoint}."
)
_AWS_REGION_ONLY_OUTCOME = (
    "botocore's region chain is region_name, Config(region_name), then the session's region: "
    "Session(region_name), AWS_DEFAULT_REGION, the profile's region. AWS_REGION is not part of it "
    "(botocore 1.44.8; boto3 issue #3620), though other AWS SDKs read it, which is why this write "
    "looks right. Where neither AWS_DEFAULT_REGION nor a profile region is set, {consequences}."
)
_AWS_REGION_IN_ENVIRONMENT = {
    "lambda": (
        " In Lambda ({where}) the runtime sets AWS_DEFAULT_REGION to the function's region: this write "
        "does not change the region botocore uses, so the clients stay in the function's region "
        "whatever value is written here."
    ),
    "setting": " Where AWS_DEFAULT_REGION is provided ({where}), it wins: the value written here is not used.",
    "declared": " Where the project's AWS_DEFAULT_REGION applies ({where}), it wins: the value written is not used.",
}
_AWS_REGION_ONLY_FIX = (
    "Set AWS_DEFAULT_REGION instead of (or as well as) AWS_REGION, or better pass region_name= to "
    "each client or build them from boto3.Session(region_name=...)."
)
_SESSION_READS = {
    "default": "boto3's default session: setup_default_session(region_name=...)",
    "boto3": "the session it comes from: boto3.Session(region_name=...)",
    "botocore": "the botocore session: set_config_variable('region', ...)",
}


def region_steps(
    owner: Rule,
    client: Optional[ClientWithoutRegion],
    environment: Optional[RegionFromEnvironment],
    aws_region_writes: Sequence[EnvironmentWrite],
) -> tuple[ChainStep, ...]:
    """The five links, each absent in code or decided at runtime, and any AWS_REGION write beside them."""
    argument, config, session, variable, profile = REGION_CHAIN
    config_reads, config_line = config.reads, None
    session_reads, session_line = session.reads, None
    if client is not None:
        session_reads, session_line = _SESSION_READS[client.session_kind], client.session_line
        if client.config_line is not None:
            config_reads, config_line = "config= is given, but that Config has no region_name", client.config_line
    variable_reads = variable.reads if environment is None else f"{variable.reads}; provided: {environment.where}"
    steps = [
        ChainStep(str(argument.position), argument.method, argument.reads, STATUS_ABSENT),
        ChainStep(str(config.position), config.method, config_reads, STATUS_ABSENT, config_line),
        ChainStep(str(session.position), session.method, session_reads, STATUS_ABSENT, session_line),
        ChainStep(str(variable.position), variable.method, variable_reads, STATUS_RUNTIME),
    ]
    steps.extend(
        ChainStep("-", AWS_REGION_VARIABLE, "not a link: botocore never reads it", STATUS_SET, owner.line_of(w.node))
        for w in aws_region_writes
    )
    steps.append(ChainStep(str(profile.position), profile.method, profile.reads, STATUS_RUNTIME))
    return tuple(steps)


def _summary(client: ClientWithoutRegion) -> str:
    config = (
        f"the Config it is given (line {client.config_line}) has no region_name"
        if client.config_line is not None
        else "no Config(region_name=...)"
    )
    if client.session_kind != "default":
        session = f"the session it comes from (line {client.session_line}) has none"
    elif client.session_line is not None:
        session = f"boto3's default session has none (setup_default_session at line {client.session_line} sets none)"
    else:
        session = "boto3's default session has none"
    return (
        f"{client.sdk_call.label} (line {client.line}) is created with no region in code: no "
        f"region_name argument, {config}, {session}, and the code does not set AWS_DEFAULT_REGION. "
        "The region is left to links 4 and 5, decided by whatever machine runs it."
        + _imported_service(client)
        + _call_sites(client)
    )


def _imported_service(client: ClientWithoutRegion) -> str:
    """For a service taken from another module's constant: where that module binds it."""
    value = client.imported_service
    return f" Its service is {value.written}, bound to {value.text!r} at {value.place}." if value else ""


MAX_SITES_LISTED = 5


def _call_sites(client: ClientWithoutRegion) -> str:
    """For a factory's client call: the call sites that give it its service and no region."""
    if not client.sites:
        return ""
    listed = ", ".join(f"{site.label} at {site.place}" for site in client.sites[:MAX_SITES_LISTED])
    more = len(client.sites) - MAX_SITES_LISTED
    others = f" and {more} more" if more > 0 else ""
    return (
        f" The service and the region come from the function's callers, and these pass a service "
        f"but no region: {listed}{others}."
    )


def _ignored_aws_region(owner: Rule, aws_region_writes: Sequence[EnvironmentWrite]) -> str:
    if not aws_region_writes:
        return ""
    return _IGNORED_AWS_REGION.format(lines=", ".join(str(owner.line_of(w.node)) for w in aws_region_writes))


def missing_region_explanation(
    owner: Rule,
    client: ClientWithoutRegion,
    environment: Optional[RegionFromEnvironment],
    aws_region_writes: Sequence[EnvironmentWrite],
) -> Explanation:
    """CL301: a regional client that raises NoRegionError wherever links 4 and 5 are empty."""
    outcome = _NO_REGION_OUTCOME.format(service=client.service)
    if environment is not None:
        outcome = _ENVIRONMENT_PREFIXES[environment.kind].format(where=environment.where) + outcome
    return Explanation(
        chain=CHAIN_NAME,
        summary=_summary(client),
        steps=region_steps(owner, client, environment, aws_region_writes),
        runtime=outcome + _ignored_aws_region(owner, aws_region_writes),
        fix=_MISSING_REGION_FIX if environment is None else _ENVIRONMENT_FIX,
    )


def global_endpoint_phrase(service: GlobalService) -> str:
    signing = f", signed for {service.signing_region}" if service.signing_region else ""
    return f"https://{service.endpoint}{signing}"


def global_service_explanation(
    owner: Rule, client: ClientWithoutRegion, service: GlobalService, aws_region_writes: Sequence[EnvironmentWrite]
) -> Explanation:
    """CL302: a global-service client that falls back to its partition endpoint, and what that means."""
    outcome = _GLOBAL_OUTCOME.format(
        service=service.name, region_name=service.region_name, endpoint=global_endpoint_phrase(service)
    )
    outcome += _REGIONALIZED if service.regionalized else _NOT_REGIONALIZED.format(service=service.name)
    outcome += _SERVICE_NOTES.get(service.name, "")
    fix = _GLOBAL_FIXES.get(service.name) or _GLOBAL_FIX.format(
        region=service.signing_region or "us-east-1", endpoint=service.endpoint
    )
    return Explanation(
        chain=CHAIN_NAME,
        summary=_summary(client),
        steps=region_steps(owner, client, None, aws_region_writes),
        runtime=outcome + _ignored_aws_region(owner, aws_region_writes),
        fix=fix,
    )


def aws_region_only_explanation(
    owner: Rule,
    write: EnvironmentWrite,
    clients: Sequence[ClientWithoutRegion],
    environment: Optional[RegionFromEnvironment],
) -> Explanation:
    """CL303: AWS_REGION written, AWS_DEFAULT_REGION not, and clients that still have no region."""
    regional = sorted({client.service for client in clients if client.global_service is None})
    global_ones = sorted({client.service for client in clients if client.global_service is not None})
    consequences = []
    if regional:
        consequences.append(f"the regional clients ({', '.join(regional)}) raise NoRegionError when created")
    if global_ones:
        consequences.append(f"the global ones ({', '.join(global_ones)}) fall back to their global endpoint")
    outcome = _AWS_REGION_ONLY_OUTCOME.format(consequences=" and ".join(consequences))
    if environment is not None:
        outcome += _AWS_REGION_IN_ENVIRONMENT[environment.kind].format(where=environment.where)
    listed = ", ".join(f"{client.sdk_call.label} line {client.line}" for client in clients)
    summary = (
        f"{write.label} (line {owner.line_of(write.node)}) sets AWS_REGION, which botocore does not read "
        "for a client's region, and the code never sets AWS_DEFAULT_REGION: the clients created here "
        f"without a region ({listed}) still depend on AWS_DEFAULT_REGION (link 4) and the profile's "
        "region (link 5)."
    )
    return Explanation(
        chain=CHAIN_NAME,
        summary=summary,
        steps=region_steps(owner, None, environment, [write]),
        runtime=outcome,
        fix=_AWS_REGION_ONLY_FIX,
    )
