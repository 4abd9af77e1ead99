"""CL506: a botocore Config that asks for Signature Version 2, passed to an AWS client."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS, MAX_RESOLUTION_DEPTH, qualified_names, single_bound_value
from credlint.analysis.literals import fold_string
from credlint.analysis.sdk import (
    CLIENT,
    CLIENT_PARAMETERS,
    RESOURCE,
    SdkCall,
    call_arguments,
    classify_call,
    names_aws_endpoint,
)
from credlint.checks.signing.signature_versions import (
    CONFIG_CLASSES,
    CONFIG_PARAMETERS,
    SIGV2_VERSIONS,
    sigv2_explanation,
)
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. botocore data/sdb/2009-04-15/service-2.json and importexport/2010-06-01/service-2.json:
# the only service models whose signatureVersion is still "v2", botocore's default for them.
SIGV2_SERVICES = frozenset({"sdb", "importexport"})
# ref. django-storages backends/s3.py S3Storage: the settings it passes to the boto3 client it makes,
# signature_version into its botocore Config.
DJANGO_SIGNATURE_SETTING = "AWS_S3_SIGNATURE_VERSION"
DJANGO_ENDPOINT_SETTING = "AWS_S3_ENDPOINT_URL"
DJANGO_STORAGE = "django-storages' S3Storage"
DJANGO_SOURCE = f"{DJANGO_SIGNATURE_SETTING}, which django-storages passes to its client's Config"


@dataclass(frozen=True)
class _SigV2Config:
    call: cst.Call
    value: cst.BaseExpression  # the signature_version argument
    version: str


class Sigv2Signature(Rule):
    """SigV2 is refused by S3 for new buckets and regions, and by current services; botocore signs
    with it only when code asks. Reported where a client that talks to AWS uses such a Config."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)
    FOLLOWS_TEST_POLICY = True

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._configs: list[_SigV2Config] = []
        self._clients: list[tuple[cst.Call, SdkCall]] = []
        self._settings: dict[str, list[cst.BaseExpression]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if qualified_names(self, node.func) & CONFIG_CLASSES:
            value = call_arguments(self, node, CONFIG_PARAMETERS).get("signature_version")
            version = fold_string(self, value) if value is not None else None
            if value is not None and version in SIGV2_VERSIONS:
                self._configs.append(_SigV2Config(node, value, version))
            return
        model = classify_call(self, node)
        if model is not None and model.kind in (CLIENT, RESOURCE):
            self._clients.append((node, model))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._note_setting(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._note_setting(node.target, node.value)

    def _note_setting(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """django-storages' settings: AWS_S3_SIGNATURE_VERSION, and the endpoint it signs for."""
        name = target.value if isinstance(target, cst.Name) else None
        if name in (DJANGO_SIGNATURE_SETTING, DJANGO_ENDPOINT_SETTING):
            self._settings.setdefault(name, []).append(value)

    def leave_Module(self, original_node: cst.Module) -> None:
        self._report_django_setting()
        for config in self._configs:
            users = [model for call, model in self._clients if self._signs_aws_requests(call, model, config.call)]
            if not users:
                continue
            labels = list(dict.fromkeys(model.label for model in users))
            line = self.line_of(config.value)
            self.report(
                config.value,
                f"signature_version={config.version!r} makes {', '.join(labels)} sign with retired SigV2",
                sigv2_explanation(config.version, labels, [model.service for model in users], line),
            )

    def _report_django_setting(self) -> None:
        endpoints = self._settings.get(DJANGO_ENDPOINT_SETTING, [])
        if any(not names_aws_endpoint(self, endpoint) for endpoint in endpoints):
            return  # an S3-compatible store (MinIO, Ceph), some of which still want SigV2
        for value in self._settings.get(DJANGO_SIGNATURE_SETTING, []):
            version = fold_string(self, value)
            if version in SIGV2_VERSIONS:
                self.report(
                    value,
                    f"{DJANGO_SIGNATURE_SETTING}={version!r} makes django-storages' S3 client sign with retired SigV2",
                    sigv2_explanation(version, [DJANGO_STORAGE], ["s3"], self.line_of(value), DJANGO_SOURCE),
                )

    def _signs_aws_requests(self, call: cst.Call, model: SdkCall, config: cst.Call) -> bool:
        """Whether this client gets its signature version from config and sends to AWS itself."""
        if model.service in SIGV2_SERVICES:
            return False
        arguments = call_arguments(self, call, CLIENT_PARAMETERS)
        given = arguments.get("config")
        if given is None or config not in self._effective_configs(given):
            return False
        endpoint = arguments.get("endpoint_url")
        if endpoint is None:
            return not arguments.has_unknown_spread  # **kwargs may carry another store's endpoint
        return names_aws_endpoint(self, endpoint)

    def _effective_configs(self, expr: cst.BaseExpression, depth: int = 0) -> set[cst.Call]:
        """The Config constructions whose signature_version expr ends up with: itself, a name bound
        once to one, or `a.merge(b)`, where b's options win (ref. botocore config.py Config.merge)."""
        if depth > MAX_RESOLUTION_DEPTH:
            return set()
        if isinstance(expr, cst.Name):
            value = single_bound_value(self, expr)
            return self._effective_configs(value, depth + 1) if value is not None else set()
        if not isinstance(expr, cst.Call):
            return set()
        if qualified_names(self, expr.func) & CONFIG_CLASSES:
            return {expr}
        func = expr.func
        if isinstance(func, cst.Attribute) and func.attr.value == "merge" and len(expr.args) == 1:
            other = expr.args[0].value
            if self._sets_signature_version(other, depth + 1):
                return self._effective_configs(other, depth + 1)
            return self._effective_configs(func.value, depth + 1)
        return set()

    def _sets_signature_version(self, expr: cst.BaseExpression, depth: int) -> bool:
        """Whether a Config merged in gives its own signature_version (an unknown one may: yes)."""
        if depth > MAX_RESOLUTION_DEPTH:
            return True
        if isinstance(expr, cst.Name):
            value = single_bound_value(self, expr)
            return self._sets_signature_version(value, depth + 1) if value is not None else True
        if isinstance(expr, cst.Call) and qualified_names(self, expr.func) & CONFIG_CLASSES:
            arguments = call_arguments(self, expr, CONFIG_PARAMETERS)
            return arguments.has_unknown_spread or arguments.get("signature_version") is not None
        return True
