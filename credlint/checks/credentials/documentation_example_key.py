"""CL104: AWS documentation example keys (`AKIAIOSFODNN7EXAMPLE`), kept apart from real keys."""

from __future__ import annotations

from typing import Callable, Optional

import libcst as cst

from credlint.analysis.credential_slots import CREDENTIAL_RULE_PROVIDERS, CredentialUse
from credlint.analysis.literals import StringPiece
from credlint.chain import CREDENTIAL_WORDS, SECRET_ACCESS_KEY, SESSION_TOKEN, Explanation
from credlint.checks.credentials.hardcoded import (
    ProjectUses,
    hardcoded_explanation,
    project_uses,
    report_key_ids,
    report_slot_literals,
)
from credlint.checks.credentials.string_roots import StringRootRule
from credlint.secrets import is_documentation_example, looks_like_secret_access_key, looks_like_session_token

# ref. aws-chain-reference.md section 6: keys ending in EXAMPLE are documentation placeholders.
_EXAMPLE_RUNTIME = (
    "This is a key from the AWS documentation: it authenticates nowhere, so requests signed with "
    "it fail with InvalidClientTokenId or SignatureDoesNotMatch. It still takes the link shown: "
    "a code path that keeps it never reaches the role the platform provides."
)
_EXAMPLE_FIX = (
    "In tests, this is expected (moto and botocore's Stubber accept any key); keep it or suppress "
    "with `# credlint: ignore[CL104]`. In application code, delete it and let the chain resolve "
    "credentials."
)


def example_explanation(credential: str, use: Optional[CredentialUse], line: int, *, key_id: str = "") -> Explanation:
    placed = hardcoded_explanation(credential, use, line)
    return Explanation(
        chain=placed.chain,
        summary="An AWS documentation example key. " + placed.summary,
        steps=placed.steps,
        runtime=_EXAMPLE_RUNTIME,
        fix=_EXAMPLE_FIX,
    )


def _is_example(looks_like: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda value: is_documentation_example(value) and looks_like(value)


class DocumentationExampleKey(StringRootRule):
    """Example keys are harmless but mark a place where a real key is expected in code."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    reached: Optional[ProjectUses] = None

    def visit_Module(self, node: cst.Module) -> None:
        self.reached = project_uses(self, node)

    def check_string(self, root: cst.BaseExpression, text: str, pieces: list[StringPiece]) -> None:
        label = "AWS documentation example access key ID"
        report_key_ids(
            self, root, text, pieces, examples=True, label=label, explain=example_explanation, reached=self.reached
        )

    def leave_Module(self, original_node: cst.Module) -> None:
        shapes = ((SECRET_ACCESS_KEY, looks_like_secret_access_key), (SESSION_TOKEN, looks_like_session_token))
        for credential, looks_like in shapes:
            report_slot_literals(
                self,
                original_node,
                credential,
                accept=_is_example(looks_like),
                label=f"AWS documentation example {CREDENTIAL_WORDS[credential]}",
                explain=example_explanation,
            )
