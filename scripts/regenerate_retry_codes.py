"""Regenerate credlint/data/retry_codes.json from the installed botocore.

The retry rules (CL4xx) weigh a hand-written retry against the one botocore already does: the
attempts standard and legacy mode make (retries/standard.py, data/_retry.json), the error codes
each retries, and the modeled errors of every data/<service>/<version>/service-2.json that are
server errors (status 429 or >= 500) or carry the `retryable` trait. No request is sent.

    python scripts/regenerate_retry_codes.py          # rewrite the data file
    python scripts/regenerate_retry_codes.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from data_file import regenerate  # scripts/ is on sys.path when a script runs

SERVICE_MODEL = "service-2"


def _loader() -> Any:
    from botocore.loaders import Loader

    # botocore's own data only, not models someone put in ~/.aws/models
    return Loader(extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False)


def _clients(loader: Any) -> dict[str, Any]:
    """The newest service model of each client, by client name (`dynamodbstreams`, `ds-data`)."""
    from botocore.model import ServiceModel

    names = loader.list_available_services(SERVICE_MODEL)
    return {name: ServiceModel(loader.load_service_model(name, SERVICE_MODEL), name) for name in names}


def _error_shapes(loader: Any) -> Iterator[tuple[str, Any]]:
    """(client name, error shape) for every API version of every client."""
    from botocore.model import ServiceModel

    for name in loader.list_available_services(SERVICE_MODEL):
        for version in loader.list_api_versions(name, SERVICE_MODEL):
            model = ServiceModel(loader.load_service_model(name, SERVICE_MODEL, version), name)
            for shape in model.error_shapes:
                yield name, shape


def _by_client(limits: Mapping[str, int], client_names: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Per-service attempts keyed by how botocore names the service, re-keyed by client name."""
    return {client: attempts for key, attempts in limits.items() for client in client_names.get(key, ())}


def _standard_tables(clients: Mapping[str, Any]) -> dict[str, Any]:
    from botocore.retries import standard

    # ref. retries/standard.py: _SERVICE_MAX_ATTEMPTS is keyed by the hyphenized service id.
    by_event_name: dict[str, list[str]] = {}
    for name, model in clients.items():
        by_event_name.setdefault(model.service_id.hyphenize(), []).append(name)
    return {
        "standard_attempts": standard.DEFAULT_MAX_ATTEMPTS,
        "standard_attempts_by_service": _by_client(standard._SERVICE_MAX_ATTEMPTS, by_event_name),
        "throttling_codes": sorted(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES),
        "transient_codes": sorted(standard.TransientRetryableChecker._TRANSIENT_ERROR_CODES),
    }


def _legacy_tables(loader: Any, clients: Mapping[str, Any]) -> dict[str, Any]:
    # ref. client.py _register_legacy_retries: data/_retry.json is keyed by endpoint prefix.
    by_prefix: dict[str, list[str]] = {}
    for name, model in clients.items():
        by_prefix.setdefault(model.endpoint_prefix, []).append(name)
    document = loader.load_data("_retry")
    definitions, config = document["definitions"], document["retry"]
    limits: dict[str, int] = {}
    codes: set[str] = set()
    for prefix, operations in config.items():
        if prefix == "__default__":
            continue  # the defaults' codes are all in standard mode's throttling list
        service = operations.get("__default__", {})
        if "max_attempts" in service:
            limits[prefix] = service["max_attempts"]
        for operation in operations.values():
            for policy in operation.get("policies", {}).values():
                policy = definitions.get(policy.get("$ref"), policy)
                code = policy["applies_when"].get("response", {}).get("service_error_code")
                if code is not None:
                    codes.add(code)
    return {
        "legacy_attempts": config["__default__"]["max_attempts"],
        "legacy_attempts_by_service": _by_client(limits, by_prefix),
        "legacy_codes": sorted(codes),
    }


def _modeled_tables(loader: Any, already_retried: set[str]) -> dict[str, Any]:
    server_errors: set[str] = set()
    retryable: dict[str, set[str]] = {}
    for client, shape in _error_shapes(loader):
        status = shape.metadata.get("error", {}).get("httpStatusCode")
        if status is not None and (status == 429 or status >= 500):
            server_errors.add(shape.error_code)
        if shape.metadata.get("retryable") is not None:
            retryable.setdefault(shape.error_code, set()).add(client)
    covered = already_retried | server_errors
    return {
        "modeled_server_error_codes": sorted(server_errors),
        "modeled_retryable_by_service": {
            code: sorted(services) for code, services in retryable.items() if code not in covered
        },
    }


def generate() -> dict[str, Any]:
    import botocore

    loader = _loader()
    clients = _clients(loader)
    tables = {**_standard_tables(clients), **_legacy_tables(loader, clients)}
    already_retried = {*tables["throttling_codes"], *tables["transient_codes"], *tables["legacy_codes"]}
    tables.update(_modeled_tables(loader, already_retried))
    return {
        "botocore_version": botocore.__version__,
        "generated_by": "scripts/regenerate_retry_codes.py",
        "tables": tables,
    }


if __name__ == "__main__":
    sys.exit(regenerate("retry_codes", generate, __doc__.splitlines()[0]))
