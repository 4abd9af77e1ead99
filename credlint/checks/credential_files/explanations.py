"""What a credential file baked into an image, or written by code, does to the credential chain."""

from __future__ import annotations

from typing import Optional

from credlint.chain import CREDENTIAL_CHAIN, CredentialPlacement, Explanation, credential_steps
from credlint.checks.credential_files.chain_files import (
    AWS_DIRECTORY,
    BOTO_CONFIG,
    CONFIG,
    EC2_CREDENTIALS,
    SHARED_CREDENTIALS,
    CredentialFile,
)


def link_number(method: str) -> int:
    return next(link.position for link in CREDENTIAL_CHAIN if link.method == method)


# ref. aws-chain-reference.md section 1: the roles a container or a host gets come last, as the
# container-role (link 11) and iam-role (link 12) providers.
_ROLES_LATER = (
    "the ECS task role or EKS Pod Identity (container-role, link 11) and the EC2 instance profile "
    "(iam-role, link 12) come later, so they are never consulted"
)
# ref. aws-chain-reference.md section 1: what each file's provider reads.
_READS: dict[CredentialFile, str] = {
    SHARED_CREDENTIALS: (
        "The shared-credentials-file provider (link 5) reads the profile's keys (`default`, or the one "
        "AWS_PROFILE names) from ~/.aws/credentials of the user the container runs as, or from the file "
        "AWS_SHARED_CREDENTIALS_FILE names: every client created without explicit keys signs as that IAM "
        f"user, and {_ROLES_LATER}. Only keys in the environment (link 1), web identity (link 3) and a profile "
        "that assumes a role or uses SSO (links 2 and 4) come before it."
    ),
    AWS_DIRECTORY: (
        "The directory holds the shared credentials file, read by the shared-credentials-file provider "
        "(link 5), and the config file, read by the config-file provider (link 8), and may hold SSO tokens "
        "(~/.aws/sso/cache): when it is the home directory's .aws of the user the container runs as, a profile "
        f"with keys answers and {_ROLES_LATER}."
    ),
    CONFIG: (
        "The config file is read by several links before the roles: keys in a profile (config-file, link 8), "
        "role_arn with source_profile (assume-role, link 2), sso_* settings (link 4) and credential_process "
        f"(link 7); when one of them answers, {_ROLES_LATER}. A config file that sets only region and output "
        "changes no credentials, but credlint cannot open the file to tell."
    ),
    EC2_CREDENTIALS: (
        "The ec2-credentials-file provider (link 9) reads keys from the file AWS_CREDENTIAL_FILE names, and "
        f"{_ROLES_LATER}."
    ),
    BOTO_CONFIG: (
        "The boto-config provider (link 10) reads keys from the file BOTO_CONFIG names, else /etc/boto.cfg "
        f"or ~/.boto, and {_ROLES_LATER}; gsutil keeps its own keys in the same file."
    ),
}
# ref. Dockerfile reference and Docker build cache docs: every instruction's files stay in its layer.
_LAYERS = (
    "Docker keeps every layer: anyone who can pull the image can take the file out (docker save, docker cp), "
    "and a later `RUN rm` only hides it in a new layer."
)
_NOT_IN_IMAGE = (
    "This build stage is not part of the image the Dockerfile builds, which holds the file only if a later "
    "COPY --from takes it; but the stage's layers stay in the builder's cache, in any image built with "
    "--target, and in a registry cache exported with mode=max."
)
_DOCKER_FIX = (
    "Remove the {instruction} and add .aws (and any credentials file) to .dockerignore. In AWS give the task or "
    "pod its own role (taskRoleArn, IRSA, EKS Pod Identity); on a developer machine mount ~/.aws read-only when "
    "the container starts (docker run -v ~/.aws:/root/.aws:ro). A build step that needs AWS reads a BuildKit "
    "secret, which is never stored in a layer: RUN --mount=type=secret,id=aws,target=/root/.aws/credentials, "
    "with docker build --secret id=aws,src=$HOME/.aws/credentials."
)
_CONFIG_FIX = " A config file kept for its region is better replaced by ENV AWS_DEFAULT_REGION."
_ROTATE = " Rotate any key the file held: images already pushed keep it."


def baked_explanation(
    kind: CredentialFile,
    instruction: str,
    target: str,
    line: int,
    *,
    in_image: bool,
    named_by: Optional[str] = None,
    written: bool = False,
) -> Explanation:
    """A credential file copied (or written, by a RUN) into an image at line: the link that reads it
    wins over the roles."""
    steps = credential_steps(CredentialPlacement(kind.link, target, line))
    where = "every container started from the image" if in_image else "every container started from this build stage"
    named = f", the file {named_by} names," if named_by else ""
    summary = (
        f"{kind.what[0].upper()}{kind.what[1:]}{named} {'written' if written else 'copied'} into the image at line "
        f"{line} is read by botocore's "
        f"{kind.link} provider, link {link_number(kind.link)} of the credential chain, in {where}: before the "
        "container role (link 11) and the instance profile (link 12)."
    )
    runtime = f"{_READS[kind]} {_LAYERS}" + ("" if in_image else f" {_NOT_IN_IMAGE}")
    fix = _DOCKER_FIX.format(instruction=instruction) + (_CONFIG_FIX if kind is CONFIG else "") + _ROTATE
    return Explanation(chain="credential", summary=summary, steps=steps, runtime=runtime, fix=fix)


# ref. aws-chain-reference.md section 1: botocore.Session.get_credentials caches the first result.
_WRITTEN_RUNTIME = (
    "From then on every process of this user on the machine or in the container finds the keys at link 5, "
    f"until the file is deleted: {_ROLES_LATER}. Sessions that already resolved credentials keep them "
    "(botocore caches the first result), so the change shows only in later sessions and processes."
)
_WRITTEN_FIX = (
    "Keep credentials in memory: pass the temporary credentials of sts.assume_role to boto3.Session("
    "aws_access_key_id=..., aws_secret_access_key=..., aws_session_token=...), or give the profile a "
    "role_arn with credential_source in ~/.aws/config so the SDK assumes the role itself. On servers and in "
    "containers let the chain find the role. A login helper for developer machines that must write the "
    "file, as `aws configure` does, can suppress this finding."
)


def written_explanation(shown: str, target: str, line: int) -> Explanation:
    """Code that writes the shared credentials file: link 5 answers for every later process."""
    steps = credential_steps(CredentialPlacement(SHARED_CREDENTIALS.link, target, line))
    summary = (
        f"The code writes {shown} (line {line}), which botocore's shared-credentials-file provider, link 5 of "
        "the credential chain, reads before the container role (link 11) and the instance profile (link 12)."
    )
    return Explanation(chain="credential", summary=summary, steps=steps, runtime=_WRITTEN_RUNTIME, fix=_WRITTEN_FIX)
