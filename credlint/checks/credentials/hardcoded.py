"""What a hard-coded credential does to the credential chain, for every CL1xx explanation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable, Optional, Protocol

import libcst as cst

from credlint.analysis.bindings import scope_of
from credlint.analysis.credential_slots import (
    PLACEMENT_ENV,
    PLACEMENT_EXPLICIT,
    PLACEMENT_SESSION,
    PLACEMENT_UNUSED,
    SDK_PARAMETER_SLOTS,
    CredentialSlot,
    CredentialUse,
    credential_uses,
    literals_in_slots,
)
from credlint.analysis.key_ids import key_id_note
from credlint.analysis.literal_spans import text_span
from credlint.analysis.literals import StringPiece, literal_sources
from credlint.analysis.sdk import CLIENT, RESOURCE, SESSION, SdkCall
from credlint.chain import (
    ACCESS_KEY_ID,
    CREDENTIAL_WORDS,
    SESSION_TOKEN,
    STATUS_WHERE_PASSED,
    CredentialPlacement,
    Explanation,
    credential_steps,
)
from credlint.checks.credentials.string_roots import node_for_span
from credlint.finding import REMOVE_CREDENTIAL_ARGUMENTS, REMOVE_CREDENTIALS_DESCRIPTION, UNSAFE, Fix
from credlint.rule import Rule
from credlint.secrets import find_access_key_ids, is_documentation_example

# ref. aws-chain-reference.md section 1: explicit keys build Credentials(method='explicit') and
# the chain is not consulted for that client; session keys override profile_name.
_RUNTIME_BY_LINK = {
    PLACEMENT_EXPLICIT: (
        "botocore builds Credentials(method='explicit') for {target} and never consults the "
        "provider chain for it: on every laptop, CI runner, EC2 instance, ECS task and Lambda "
        "function, its requests are signed as the IAM user that owns this key. AWS_PROFILE, "
        "~/.aws/credentials, SSO, the container (task) role and the instance profile are all ignored."
    ),
    PLACEMENT_SESSION: (
        "{target} takes these keys as the credentials of the whole session and they override "
        "profile_name for credentials (the profile still supplies region); every client made from "
        "the session signs as the IAM user that owns this key, and the provider chain (env, shared "
        "files, SSO, container role, instance profile) is never consulted."
    ),
}
# ref. aws-chain-reference.md sections 1 and 7: EnvProvider is link 1; Lambda fills these
# variables from the execution role.
_RUNTIME_ENV = (
    "The key is put into the process environment by {target}: botocore's env provider (link 1) "
    "answers first, so every client created without explicit keys signs as the key's IAM user; "
    "web identity, SSO, shared files, the container role and the instance profile are shadowed. "
    "On Lambda these variables hold the execution role's credentials: overwriting them replaces the role."
)
_RUNTIME_UNPLACED = (
    "This value is not passed to the SDK in this file, but it is in the source and in its history. "
    "Wherever it reaches the SDK it wins over the roles: as an argument it takes the explicit link "
    "ahead of the whole chain; exported as an environment variable it takes link 1 (env), ahead of "
    "web identity (3), the container role (11) and the instance profile (12)."
)
_TOKEN_ALONE = (
    " Passed without an access key id, a session token is ignored by botocore and the chain "
    "is used instead (observed in botocore 1.44): the literal is useless as well as exposed."
)
FIX = (
    "Delete the value from the code and let the chain resolve credentials: a profile or SSO on "
    "developer machines (AWS_PROFILE), the task role, instance profile or IRSA in AWS. Then "
    "deactivate and rotate the key in IAM: it stays in the repository's history after this line "
    "is removed."
)
SDK_LINKS = (PLACEMENT_EXPLICIT, PLACEMENT_SESSION)


def best_use(uses: tuple[CredentialUse, ...]) -> Optional[CredentialUse]:
    return uses[0] if uses else None


ProjectUses = Mapping[cst.CSTNode, tuple[CredentialUse, ...]]


def project_uses(rule: Rule, module: cst.Module) -> ProjectUses:
    """The literals of this module's constants that other modules pass to SDK credential
    parameters, each with those uses (project/index.py found them)."""
    reaches = rule.context.settings.project.constants
    scope = scope_of(rule, module) if reaches else None
    if scope is None:
        return {}
    found: dict[cst.CSTNode, list[CredentialUse]] = {}
    for reach in reaches:
        kind = SESSION if reach.link == PLACEMENT_SESSION else CLIENT
        placement = CredentialPlacement(reach.link, f"{reach.target} at {reach.target_place}", None)
        sdk_call = SdkCall(kind, "boto3", reach.target)
        credential = SDK_PARAMETER_SLOTS[reach.parameter]
        for binding in scope[reach.name]:
            value = binding.value
            if value is None or binding.node is None or rule.line_of(binding.node) != reach.line:
                continue
            slot = CredentialSlot(credential, reach.parameter, value, placement, sdk_call, True)
            for text, node in literal_sources(rule, value):
                found.setdefault(node, []).append(CredentialUse(text, slot))
    return {node: tuple(uses) for node, uses in found.items()}


def with_project_uses(
    uses: tuple[CredentialUse, ...], node: cst.CSTNode, reached: ProjectUses
) -> tuple[CredentialUse, ...]:
    """A literal's uses in this module and in others, most telling first."""
    extra = reached.get(node, ())
    return tuple(sorted((*uses, *extra), key=lambda use: -use.slot.rank)) if extra else uses


def where_phrase(use: Optional[CredentialUse]) -> str:
    """How a message says where the literal goes, without the value."""
    if use is None:
        return ""
    slot = use.slot
    if slot.sdk_call is not None or slot.placement.link == PLACEMENT_ENV:
        return f" passed as {slot.name} to {slot.placement.target}"
    if slot.placement.target.startswith("the default of"):
        return f" as {slot.placement.target}"
    if slot.placement.target.endswith("(...)"):
        return f" passed as {slot.name} to {slot.placement.target}"
    return f" under {slot.name!r}"


def hardcoded_explanation(credential: str, use: Optional[CredentialUse], line: int, *, key_id: str = "") -> Explanation:
    """key_id: the access key id reported, whose type (and account) the explanation names."""
    word = CREDENTIAL_WORDS[credential]
    link = use.slot.placement.link if use is not None else PLACEMENT_UNUSED
    if use is not None and link in SDK_LINKS:
        placement = use.slot.placement
        where = f" (line {placement.line})" if placement.line is not None else ""
        summary = (
            f"A hard-coded {word} is passed as {use.slot.name} to {placement.target}"
            f"{where}: the {placement.link} link, which ends credential resolution before the "
            "provider chain starts."
        )
        runtime = _RUNTIME_BY_LINK[placement.link].format(target=placement.target)
        steps = credential_steps(placement)
    elif use is not None and link == PLACEMENT_ENV:
        placement = use.slot.placement
        summary = (
            f"A hard-coded {word} is written into the environment variable {use.slot.name} by "
            f"{placement.target} (line {placement.line}): link 1 (env) of the credential chain."
        )
        runtime = _RUNTIME_ENV.format(target=placement.target)
        steps = credential_steps(CredentialPlacement("env", placement.target, placement.line))
    else:
        summary = f"A hard-coded {word} is written in the source (line {line}){where_phrase(use)}."
        runtime = _RUNTIME_UNPLACED
        unplaced = CredentialPlacement(PLACEMENT_EXPLICIT, "wherever it is passed", None)
        steps = credential_steps(unplaced, STATUS_WHERE_PASSED)
    runtime += key_id_note(key_id)
    if credential == SESSION_TOKEN and use is not None and _token_without_key(use):
        runtime += _TOKEN_ALONE
    return Explanation(chain="credential", summary=summary, steps=steps, runtime=runtime, fix=FIX)


def _token_without_key(use: CredentialUse) -> bool:
    call = use.slot.sdk_call
    return call is not None and call.kind in (CLIENT, RESOURCE) and ACCESS_KEY_ID not in use.slot.given_with


class Explainer(Protocol):
    def __call__(
        self, credential: str, use: Optional[CredentialUse], line: int, *, key_id: str = ""
    ) -> Explanation: ...


def report_key_ids(
    rule: Rule,
    root: cst.BaseExpression,
    text: str,
    pieces: list[StringPiece],
    *,
    examples: bool,
    label: str,
    explain: Explainer,
    reached: Optional[ProjectUses] = None,
) -> None:
    """Report each access key id in a string expression: the documentation ones or the others.
    reached: the uses other modules make of this module's literals."""
    for match in find_access_key_ids(text):
        key_id = match.group()
        if is_documentation_example(key_id) != examples:
            continue
        node = node_for_span(root, pieces, match.start(), match.end())
        if node is None:
            continue
        use = best_use(with_project_uses(credential_uses(rule, root), root, reached or {}))
        report_key_id(rule, node, key_id, use, label=label, explain=explain, fixable=not examples)


def report_key_id(
    rule: Rule,
    node: cst.CSTNode,
    key_id: str,
    use: Optional[CredentialUse],
    *,
    label: str,
    explain: Explainer,
    fixable: bool = False,
) -> None:
    """One access key id finding, spanning the key itself where it is written literally.
    fixable: it offers to take the credentials out of the SDK call it is passed to."""
    rule.report(
        node,
        f"{label}{where_phrase(use)}",
        explain(ACCESS_KEY_ID, use, rule.line_of(node), key_id=key_id),
        secret=key_id,
        span=text_span(rule, node, key_id),
        fix=credentials_fix(rule, use) if fixable else None,
    )


def credentials_fix(rule: Rule, use: Optional[CredentialUse]) -> Optional[Fix]:
    """Taking the explicit credentials out of the SDK call of this module a literal is passed to
    by keyword; a positional one would shift the arguments after it."""
    slot = use.slot if use is not None else None
    if slot is None or not slot.keyword:
        return None
    return rule.fix_at(slot.expr, UNSAFE, REMOVE_CREDENTIAL_ARGUMENTS, REMOVE_CREDENTIALS_DESCRIPTION)


def report_slot_literals(
    rule: Rule,
    module: cst.Module,
    credential: str,
    *,
    accept: Callable[[str], bool],
    label: str,
    explain: Explainer,
    fixable: bool = False,
) -> None:
    """Report each literal that reaches a slot for credential, here or in another module, and that
    accept() takes. fixable: each offers to take the credentials out of its SDK call."""
    reached = project_uses(rule, module)
    found = dict(literals_in_slots(rule, module, credential))
    for node in reached:
        own = credential_uses(rule, node)
        matching = [use for use in with_project_uses(own, node, reached) if use.slot.credential == credential]
        if matching:
            found[node] = matching[0]
    for node, use in found.items():
        if accept(use.value):
            rule.report(
                node,
                f"{label}{where_phrase(use)}",
                explain(credential, use, rule.line_of(node)),
                secret=use.value,
                span=text_span(rule, node, use.value),
                fix=credentials_fix(rule, use) if fixable else None,
            )
