"""CL509: a SigV4 signing key derived by hand ("AWS4" + secret) from a secret written in the code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS, bindings_of
from credlint.analysis.literal_spans import text_span
from credlint.analysis.literals import UNKNOWN_VALUE, fold_string, literal_sources, template_pieces
from credlint.chain import CREDENTIAL_CHAIN, STATUS_NEVER_CONSULTED, STATUS_THIS_CODE, ChainStep, Explanation
from credlint.checks.signing.candidates import SIGV4_KEY_PREFIX
from credlint.rule import Rule
from credlint.secrets import is_documentation_example, looks_like_secret_access_key
from credlint.settings import FileContext

METHOD_RECEIVERS = frozenset({"self", "cls"})
KEYWORD_ONLY = -1  # the position of a keyword-only parameter: no positional argument reaches it

# ref. aws-chain-reference.md section 1: credentials the code holds itself are used instead of the
# provider chain, which is never consulted for what they sign.
_RUNTIME = (
    "Every request this code signs is authenticated as the IAM user that owns the key, on every "
    "laptop, CI runner, instance, task and function that runs it; botocore's provider chain (env, "
    "profiles, SSO, the container role, the instance profile) is never asked. The secret is in the "
    "source and its history: anyone with a clone can sign any request the user may make, not only "
    "the ones this code makes."
)
_FIX = (
    "Delete the key and let the chain supply credentials to the signer: "
    "botocore.auth.SigV4Auth(boto3.Session().get_credentials(), service, region).add_auth(request) on a "
    "botocore AWSRequest (or requests-aws4auth fed from the same credentials). Then deactivate and rotate "
    "the key in IAM."
)


@dataclass(frozen=True)
class _Parameter:
    """A parameter a derivation reads: calls to its function in the module say what it holds."""

    function: str
    position: int  # among the parameters as written, `self` included
    name: str
    default: Optional[cst.BaseExpression]
    is_method: bool


class HandRolledSigv4(Rule):
    """Code that derives the SigV4 key itself holds a secret key; written in the source, it signs as
    that IAM user everywhere and never asks the provider chain."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._parameters: dict[cst.Param, _Parameter] = {}
        self._derivations: list[tuple[cst.BaseExpression, cst.CSTNode]] = []  # (secret expression, where)
        self._calls: list[cst.Call] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        positional = [*node.params.posonly_params, *node.params.params]
        is_method = bool(positional) and positional[0].name.value in METHOD_RECEIVERS
        placed = [*enumerate(positional), *((KEYWORD_ONLY, param) for param in node.params.kwonly_params)]
        for position, param in placed:
            self._parameters[param] = _Parameter(node.name.value, position, param.name.value, param.default, is_method)

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(node)
        self._note_template(node)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Add) and fold_string(self, node.left) == SIGV4_KEY_PREFIX:
            self._derivations.append((_unencoded(node.right), node))
        self._note_template(node)

    def _note_template(self, node: cst.BaseExpression) -> None:
        """`"AWS4{}".format(secret)`, `"AWS4%s" % secret`."""
        pieces = template_pieces(self, node)
        if pieces is None or len(pieces) != 2 or pieces[0].text != SIGV4_KEY_PREFIX:
            return
        secret = pieces[1].node
        if secret is not UNKNOWN_VALUE and isinstance(secret, cst.BaseExpression):
            self._derivations.append((_unencoded(secret), node))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        parts = node.parts
        if (
            len(parts) == 2
            and isinstance(parts[0], cst.FormattedStringText)
            and parts[0].value == SIGV4_KEY_PREFIX
            and isinstance(parts[1], cst.FormattedStringExpression)
            and parts[1].format_spec is None
        ):
            self._derivations.append((parts[1].expression, node))

    def leave_Module(self, original_node: cst.Module) -> None:
        reported: set[cst.CSTNode] = set()
        for secret, derivation in self._derivations:
            for text, written in self._secret_literals(secret):
                if written in reported or is_documentation_example(text) or not looks_like_secret_access_key(text):
                    continue
                reported.add(written)
                line = self.line_of(derivation)
                span = text_span(self, written, text)
                self.report(
                    written,
                    f"Secret access key written in the code and used to derive a SigV4 signing key on line {line}",
                    _explanation(span.line if span else self.line_of(written), line),
                    secret=text,
                    span=span,
                )

    def _secret_literals(self, secret: cst.BaseExpression) -> list[tuple[str, cst.CSTNode]]:
        """The literals that may reach the secret: through names and constants, and through a
        parameter from the calls of its function in this module and its default."""
        found = literal_sources(self, secret)
        parameter = self._parameter_behind(secret)
        if parameter is None:
            return found
        if parameter.default is not None:
            found += literal_sources(self, parameter.default)
        for call in self._calls:
            argument = _argument_for(call, parameter)
            if argument is not None:
                found += literal_sources(self, argument)
        return found

    def _parameter_behind(self, secret: cst.BaseExpression) -> Optional[_Parameter]:
        if not isinstance(secret, cst.Name):
            return None
        bindings = bindings_of(self, secret)
        if len(bindings) != 1:
            return None
        node = next(iter(bindings)).node
        return self._parameters.get(node) if isinstance(node, cst.Param) else None


def _explanation(secret_line: int, derivation_line: int) -> Explanation:
    occupied = ChainStep(
        "0", "hand-rolled SigV4", '"AWS4" + secret key, HMAC-SHA256 in code', STATUS_THIS_CODE, derivation_line
    )
    later = tuple(
        ChainStep(str(link.position), link.method, link.reads, STATUS_NEVER_CONSULTED) for link in CREDENTIAL_CHAIN
    )
    summary = (
        f"A secret access key written on line {secret_line} becomes a SigV4 signing key on line {derivation_line} "
        '("AWS4" + secret, then HMAC-SHA256 over date, region and service): the code signs requests itself.'
    )
    return Explanation(chain="credential", summary=summary, steps=(occupied, *later), runtime=_RUNTIME, fix=_FIX)


def _unencoded(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`secret.encode(...)` as `secret`, for b"AWS4" + secret.encode()."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "encode":
        return expr.func.value
    return expr


def _argument_for(call: cst.Call, parameter: _Parameter) -> Optional[cst.BaseExpression]:
    """The argument a call of the parameter's function gives it, by keyword or by position."""
    func = call.func
    called = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else ""
    if called != parameter.function:
        return None
    position = parameter.position - (1 if parameter.is_method and isinstance(func, cst.Attribute) else 0)
    if parameter.position == KEYWORD_ONLY:
        position = KEYWORD_ONLY
    index = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is not None:
            if arg.keyword.value == parameter.name:
                return arg.value
            continue
        if index == position:
            return arg.value
        index += 1
    return None
