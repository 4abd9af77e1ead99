"""MetadataRequestRule: one visit finds a module's requests to the instance metadata service and
whether the module ever fetches an IMDSv2 token; each metadata rule reports from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS
from credlint.analysis.literals import simple_string_text
from credlint.analysis.sdk import literal_keywords
from credlint.checks.metadata.http_requests import HttpRequest, http_request
from credlint.checks.metadata.imds_urls import ImdsUrl, imds_url, join_base_url, url_text
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. aws-chain-reference.md section 5: IMDSv2 is `PUT latest/api/token` with
# `x-aws-ec2-metadata-token-ttl-seconds`, then requests carrying `x-aws-ec2-metadata-token`.
TOKEN_HEADER = "x-aws-ec2-metadata-token"
TOKEN_TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds"
TOKEN_PATH = "latest/api/token"

SENDS_TOKEN = "sends a token"
SENDS_NO_TOKEN = "sends no token"
MAY_SEND_TOKEN = "may send a token"  # headers the code does not show: a helper's, an auth object's

# Attributes through which other statements change what a session or a Request sends.
_HEADER_CHANGING_ATTRIBUTES = frozenset({"headers", "auth", "hooks", "event_hooks", "mount", "add_header"})
# Methods that add keys to a dict bound to a name.


@dataclass(frozen=True)
class MetadataRequest:
    """A request to the instance metadata service, and whether it carries an IMDSv2 token."""

    request: HttpRequest
    url: ImdsUrl
    token: str  # SENDS_TOKEN, SENDS_NO_TOKEN or MAY_SEND_TOKEN
    line: int


class MetadataRequestRule(Rule):
    """Collects a module's requests to the metadata service in one visit; rules report from them."""

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.calls: list[cst.Call] = []
        # Whether any string of the module, outside docstrings, names the token request: a PUT to
        # latest/api/token or its TTL header. Then every request is taken to use the token.
        self.fetches_token = False
        self._with_values: dict[cst.Name, cst.BaseExpression] = {}
        self._assigned_to: dict[cst.Call, tuple[cst.Name, ...]] = {}
        self._headers_changed: set[str] = set()  # names of sessions and Requests changed elsewhere
        self._bare_strings: set[cst.CSTNode] = set()

    def report_requests(self, requests: list[MetadataRequest]) -> None:
        raise NotImplementedError

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._with_values[node.asname.name] = node.item

    def visit_Assign(self, node: cst.Assign) -> None:
        names = tuple(target.target for target in node.targets if isinstance(target.target, cst.Name))
        if names and isinstance(node.value, cst.Call):
            self._assigned_to[node.value] = names

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.attr.value in _HEADER_CHANGING_ATTRIBUTES:
            self._headers_changed.add(node.value.value)

    def visit_Expr(self, node: cst.Expr) -> None:
        """Docstrings and bare strings say nothing of what the code sends."""
        pending: list[cst.CSTNode] = [node.value]
        while pending:
            string = pending.pop()
            if isinstance(string, cst.ConcatenatedString):
                pending += [string.left, string.right]
            elif isinstance(string, cst.FormattedString):
                pending += list(string.parts)
            elif isinstance(string, (cst.SimpleString, cst.FormattedStringText)):
                self._bare_strings.add(string)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if node not in self._bare_strings:
            self._note_token_request(simple_string_text(node))

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        if node not in self._bare_strings:
            self._note_token_request(node.value)

    def _note_token_request(self, text: Optional[str]) -> None:
        lowered = (text or "").lower()
        if TOKEN_PATH in lowered or TOKEN_TTL_HEADER in lowered:
            self.fetches_token = True

    def leave_Module(self, original_node: cst.Module) -> None:
        found = []
        for call in self.calls:
            request = http_request(self, call, self._with_values, self._assigned_to)
            url = self._metadata_url(request) if request is not None else None
            if request is not None and url is not None:
                found.append(MetadataRequest(request, url, self._token_sent(request), self.line_of(call)))
        self.report_requests(found)

    def _metadata_url(self, request: HttpRequest) -> Optional[ImdsUrl]:
        text = url_text(self, request.url)
        if request.base_url is not None and text is not None:
            base = url_text(self, request.base_url)
            text = join_base_url(base, text) if base is not None else None
        return imds_url(text)

    def _token_sent(self, request: HttpRequest) -> str:
        if any(name.value in self._headers_changed for name in request.carriers):
            return MAY_SEND_TOKEN
        states = {self._headers_state(headers) for headers in request.headers}
        for state in (SENDS_TOKEN, MAY_SEND_TOKEN):
            if state in states:
                return state
        return SENDS_NO_TOKEN

    def _headers_state(self, headers: Optional[cst.BaseExpression]) -> str:
        if isinstance(headers, cst.Name) and headers.value == "None":
            return SENDS_NO_TOKEN
        if headers is None:
            return MAY_SEND_TOKEN
        keys = literal_keywords(self, headers)  # None too for a dict given keys after it is built
        if keys is None:
            return MAY_SEND_TOKEN
        return SENDS_TOKEN if any(key.lower() == TOKEN_HEADER for key in keys) else SENDS_NO_TOKEN
