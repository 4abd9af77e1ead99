"""What credentials in the environment do to the credential chain: shared by every CL2xx rule.

Free of LibCST, so that the deployment-configuration rules can use it on YAML, Dockerfiles and
dotenv files without paying for a Python parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

from credlint.analysis.platforms import (
    PLATFORM_ANY,
    PLATFORM_CONTAINER,
    PLATFORM_ECS,
    PLATFORM_GITHUB_ACTIONS,
    PLATFORM_HOST,
    PLATFORM_KUBERNETES,
    PLATFORM_LAMBDA,
)
from credlint.chain import (
    CredentialPlacement,
    Explanation,
    credential_steps,
)

# ref. aws-chain-reference.md sections 1 and 7: links 3, 11 and 12 are the roles the platforms
# provide; Lambda fills AWS_ACCESS_KEY_ID and friends from the execution role itself.
_LAMBDA_ROLE = (
    "On Lambda these variables already hold the execution role's temporary credentials (the "
    "runtime sets them, and the env provider reads them): writing them replaces the role."
)
SHADOWED_ROLES: Mapping[str, str] = {
    PLATFORM_ANY: (
        "Shadowed: IRSA web identity (link 3), the ECS task role or EKS Pod Identity (container-role, "
        "link 11) and the EC2 instance profile (iam-role, link 12). " + _LAMBDA_ROLE
    ),
    PLATFORM_LAMBDA: _LAMBDA_ROLE,
    PLATFORM_ECS: (
        "Shadowed: the ECS task role, which the agent serves through AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
        "(container-role, link 11), and the instance profile of the EC2 host (iam-role, link 12)."
    ),
    PLATFORM_KUBERNETES: (
        "Shadowed: IRSA (assume-role-with-web-identity, link 3) and EKS Pod Identity (container-role, "
        "link 11), and the node's instance profile (iam-role, link 12). This holds even when the value "
        "comes from a Kubernetes Secret: the variable is set all the same."
    ),
    PLATFORM_CONTAINER: (
        "Shadowed wherever the container runs: the ECS task role (container-role, link 11), IRSA or EKS "
        "Pod Identity on Kubernetes (links 3 and 11), and the host's instance profile (iam-role, link 12)."
    ),
    PLATFORM_HOST: (
        "Shadowed: the EC2 instance profile (iam-role, link 12), and any role a profile or SSO would give."
    ),
    PLATFORM_GITHUB_ACTIONS: (
        "Shadowed: the role the job could assume through GitHub's OIDC provider "
        "(aws-actions/configure-aws-credentials with role-to-assume and `permissions: id-token: write`), "
        "which needs no stored key and expires with the job."
    ),
}

_ENV_WINS = (
    "botocore's env provider (link 1) answers first when AWS_ACCESS_KEY_ID is non-empty, so every "
    "client created without explicit keys signs as the IAM user that owns these keys, and no later "
    "link is consulted."
)

FIX_BY_PLATFORM: Mapping[str, str] = {
    PLATFORM_ANY: (
        "Do not put keys in the environment: let the chain find the platform's role (task role, "
        "instance profile, IRSA, execution role) and use a profile or SSO on developer machines. "
        "To act as another role, call sts.assume_role and pass its temporary credentials to a "
        "boto3.Session, not to os.environ."
    ),
    PLATFORM_LAMBDA: "Remove the variable: grant the permissions to the function's execution role instead.",
    PLATFORM_ECS: (
        "Remove the variable and the secret from the task definition; give the task a taskRoleArn "
        "with the permissions it needs."
    ),
    PLATFORM_KUBERNETES: (
        "Remove the variable; annotate the service account with an IAM role (IRSA) or create an EKS "
        "Pod Identity association."
    ),
    PLATFORM_CONTAINER: (
        "Remove the variable from the image or service; in AWS use the task or pod role, locally "
        "mount ~/.aws read-only or pass a profile (AWS_PROFILE) instead of keys."
    ),
    PLATFORM_HOST: (
        "Remove the variable; attach an instance profile to the host (or use IAM Roles Anywhere "
        "outside AWS) and let the chain find it."
    ),
    PLATFORM_GITHUB_ACTIONS: (
        "Delete the stored keys: add GitHub's OIDC provider to the account, give the job "
        "`permissions: id-token: write` and use aws-actions/configure-aws-credentials with "
        "role-to-assume."
    ),
}

ROTATE = " If a real key was written, deactivate and rotate it in IAM: it stays in the repository's history."


def env_explanation(
    summary: str, target: str, line: Optional[int], platform: str, *, runtime_note: str = "", fix: str = ""
) -> Explanation:
    """The credential chain with link 1 (env) taken by target and the platform's roles shadowed."""
    steps = credential_steps(CredentialPlacement("env", target, line))
    runtime = f"{_ENV_WINS} {SHADOWED_ROLES[platform]}"
    if runtime_note:
        runtime = f"{runtime} {runtime_note}"
    return Explanation(
        chain="credential",
        summary=summary,
        steps=steps,
        runtime=runtime,
        fix=(fix or FIX_BY_PLATFORM[platform]) + ROTATE,
    )
