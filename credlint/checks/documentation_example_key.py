"""CL104: AWS documentation example keys (`AKIAIOSFODNN7EXAMPLE`), kept apart from real keys."""

from __future__ import annotations

import libcst as cst

from credlint.chain import Explanation
from credlint.checks.credential_slots import (
    ACCESS_KEY_ID,
    CREDENTIAL_RULE_PROVIDERS,
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    CredentialUse,
    credential_uses,
    literals_in_slots,
)
from credlint.checks.hardcoded import CREDENTIAL_WORDS, best_use, hardcoded_explanation, where_phrase
from credlint.checks.literals import StringPiece
from credlint.checks.string_roots import StringRootRule, node_for_span, text_span
from credlint.secrets import (
    find_access_key_ids,
    is_documentation_example,
    looks_like_secret_access_key,
    looks_like_session_token,
)

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


def example_explanation(credential: str, use: CredentialUse | None, line: int) -> Explanation:
    placed = hardcoded_explanation(credential, use, line)
    return Explanation(
        chain=placed.chain,
        summary="An AWS documentation example key. " + placed.summary,
        steps=placed.steps,
        runtime=_EXAMPLE_RUNTIME,
        fix=_EXAMPLE_FIX,
    )


class DocumentationExampleKey(StringRootRule):
    """Example keys are harmless but mark a place where a real key is expected in code."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def check_string(self, root: cst.BaseExpression, text: str, pieces: list[StringPiece]) -> None:
        for match in find_access_key_ids(text):
            if not is_documentation_example(match.group()):
                continue
            node = node_for_span(root, pieces, match.start(), match.end())
            if node is None:
                continue
            use = best_use(credential_uses(self, root))
            line = self.line_of(node)
            self.report(
                node,
                f"AWS documentation example access key ID{where_phrase(use)}",
                example_explanation(ACCESS_KEY_ID, use, line),
                secret=match.group(),
                span=text_span(self, node, match.group()),
            )

    def leave_Module(self, original_node: cst.Module) -> None:
        shapes = ((SECRET_ACCESS_KEY, looks_like_secret_access_key), (SESSION_TOKEN, looks_like_session_token))
        for credential, looks_like in shapes:
            for node, use in literals_in_slots(self, original_node, credential):
                if is_documentation_example(use.value) and looks_like(use.value):
                    self.report(
                        node,
                        f"AWS documentation example {CREDENTIAL_WORDS[credential]}{where_phrase(use)}",
                        example_explanation(credential, use, self.line_of(node)),
                        secret=use.value,
                        span=text_span(self, node, use.value),
                    )
