"""The SDK's credential, region and retry chains as data, and the explanations built from them.

Every fact here matches ../shared/aws-chain-reference.md (botocore 1.44.x); each table cites
its section.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class ChainLink:
    """One provider of a chain: its position, botocore's METHOD name and what it reads."""

    position: int
    method: str
    reads: str


# ref. aws-chain-reference.md section 1 (botocore credentials.py::create_credential_resolver)
CREDENTIAL_CHAIN: tuple[ChainLink, ...] = (
    ChainLink(1, "env", "AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SECURITY_TOKEN, then AWS_SESSION_TOKEN)"),
    ChainLink(2, "assume-role", "profile role_arn + source_profile / credential_source"),
    ChainLink(3, "assume-role-with-web-identity", "AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (EKS IRSA)"),
    ChainLink(4, "sso", "profile sso_* keys, ~/.aws/sso/cache"),
    ChainLink(5, "shared-credentials-file", "~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE)"),
    ChainLink(6, "login", "profile login_session"),
    ChainLink(7, "custom-process", "profile credential_process"),
    ChainLink(8, "config-file", "~/.aws/config (AWS_CONFIG_FILE)"),
    ChainLink(9, "ec2-credentials-file", "file named by AWS_CREDENTIAL_FILE"),
    ChainLink(10, "boto-config", "BOTO_CONFIG, /etc/boto.cfg, ~/.boto"),
    ChainLink(11, "container-role", "ECS task role / EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_*_URI)"),
    ChainLink(12, "iam-role", "EC2 instance profile via instance metadata (IMDS)"),
)

# The three parts of a credential, as rules name them, and as messages say them.
ACCESS_KEY_ID = "access-key-id"
SECRET_ACCESS_KEY = "secret-access-key"
SESSION_TOKEN = "session-token"
CREDENTIAL_WORDS = {
    ACCESS_KEY_ID: "access key ID",
    SECRET_ACCESS_KEY: "secret access key",
    SESSION_TOKEN: "session token",
}

# ref. aws-chain-reference.md section 1: EnvProvider (link 1) reads AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, and the token from AWS_SECURITY_TOKEN then AWS_SESSION_TOKEN.
CREDENTIAL_VARIABLES: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
    "AWS_SESSION_TOKEN": SESSION_TOKEN,
    "AWS_SECURITY_TOKEN": SESSION_TOKEN,
}

ROLE_LINKS = ("assume-role-with-web-identity", "container-role", "iam-role")

STATUS_THIS_CODE = "this code"
STATUS_NEVER_CONSULTED = "never consulted"
STATUS_SHADOWED = "shadowed"
STATUS_CONSULTED_BEFORE = "consulted before"
STATUS_WHERE_PASSED = "wherever it is passed"


@dataclass(frozen=True)
class ChainStep:
    """One row of an explanation: a link of a chain and what this code does to it."""

    position: str
    method: str
    reads: str
    status: str
    line: Optional[int] = None


@dataclass(frozen=True)
class Explanation:
    """Which link of which chain the code occupies, what that does at runtime, and the fix."""

    chain: str
    summary: str
    steps: tuple[ChainStep, ...]
    runtime: str
    fix: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def related_lines(self) -> tuple[tuple[int, str], ...]:
        """The places in the same file that the explanation points at."""
        return tuple((step.line, f"{step.method}: {step.status}") for step in self.steps if step.line is not None)


@dataclass(frozen=True)
class CredentialPlacement:
    """Where hard-coded or injected credentials enter the SDK, as credential rules describe it."""

    link: str  # "explicit", "session" or a CREDENTIAL_CHAIN method
    target: str  # e.g. "boto3.client('s3')"
    line: Optional[int]


def credential_steps(placement: CredentialPlacement, occupied_status: str = STATUS_THIS_CODE) -> tuple[ChainStep, ...]:
    """The credential chain with the occupied link marked and every later link's fate."""
    if placement.link in ("explicit", "session"):
        reads = (
            "aws_access_key_id / aws_secret_access_key arguments"
            if placement.link == "explicit"
            else "credentials given to the session"
        )
        occupied = ChainStep("0", placement.link, reads, occupied_status, placement.line)
        later = tuple(
            ChainStep(str(link.position), link.method, link.reads, STATUS_NEVER_CONSULTED) for link in CREDENTIAL_CHAIN
        )
        return (occupied, *later)
    steps = []
    seen_occupied = False
    for link in CREDENTIAL_CHAIN:
        if link.method == placement.link:
            steps.append(ChainStep(str(link.position), link.method, link.reads, STATUS_THIS_CODE, placement.line))
            seen_occupied = True
        elif seen_occupied:
            steps.append(ChainStep(str(link.position), link.method, link.reads, STATUS_SHADOWED))
        else:
            steps.append(ChainStep(str(link.position), link.method, link.reads, STATUS_CONSULTED_BEFORE))
    return tuple(steps)


def no_chain_explanation(summary: str, runtime: str, fix: str) -> Explanation:
    """An explanation for findings that sit outside every chain (a file that does not parse)."""
    return Explanation(chain="none", summary=summary, steps=(), runtime=runtime, fix=fix)
