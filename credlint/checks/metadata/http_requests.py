"""The HTTP calls the metadata rules read: requests, httpx, aiohttp, urllib3 and urllib.request.

Recognised through qualified names, so aliases (`import requests as rq`, `from httpx import get`)
resolve; a session or client counts only when the code shows where it was built (`Session()`
bound once, `with Client() as client`), never by its name alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.helpers import get_full_name_for_node

from credlint.analysis.bindings import bindings_of, qualified_names, single_bound_value
from credlint.analysis.literals import fold_string
from credlint.analysis.sdk import CallArguments, call_arguments

VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
# Methods that take the HTTP method first and the URL second.
METHOD_FIRST = ("request", "stream")
URL_FIRST = ("url",)
METHOD_THEN_URL = ("method", "url")

# ref. requests api.py, httpx _api.py, aiohttp client.py request(), urllib3 __init__.py request():
# module-level functions that send one request.
_FUNCTION_LIBRARIES = {
    "requests": (*VERBS, "request"),
    "requests.api": (*VERBS, "request"),
    "httpx": (*VERBS, *METHOD_FIRST),
    "aiohttp": ("request",),
    "urllib3": ("request",),
}
REQUEST_FUNCTIONS = frozenset(f"{module}.{name}" for module, names in _FUNCTION_LIBRARIES.items() for name in names)
# ref. requests.Session, httpx.Client/AsyncClient, aiohttp.ClientSession, urllib3.PoolManager: the
# objects whose methods send requests, and the parameters of their constructors.
SESSION_CLASSES: Mapping[str, tuple[str, ...]] = {
    "requests.Session": (),
    "requests.session": (),
    "requests.sessions.Session": (),
    "httpx.Client": (),
    "httpx.AsyncClient": (),
    "aiohttp.ClientSession": ("base_url",),
    "aiohttp.client.ClientSession": ("base_url",),
    "urllib3.PoolManager": ("num_pools", "headers"),
    "urllib3.poolmanager.PoolManager": ("num_pools", "headers"),
}
SESSION_METHODS = frozenset({*VERBS, *METHOD_FIRST, "urlopen"})
# ref. urllib3 PoolManager.request(method, url, body, fields, headers) and urlopen(method, url, body, headers).
URLLIB3_METHODS: Mapping[str, tuple[str, ...]] = {
    "request": ("method", "url", "body", "fields", "headers"),
    "urlopen": ("method", "url", "body", "headers"),
}
# ref. Python urllib.request: Request(url, data, headers, origin_req_host, unverifiable, method).
URLLIB_REQUEST = "urllib.request.Request"
URLLIB_REQUEST_PARAMETERS = ("url", "data", "headers", "origin_req_host", "unverifiable", "method")
URLLIB_OPENERS = frozenset({"urllib.request.urlopen"})
# Arguments that may add headers the code does not show: an auth object, hooks.
HEADER_ADDING_ARGUMENTS = ("auth", "event_hooks", "hooks")


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request the code sends, with what it is known to send."""

    call: cst.Call
    label: str  # how messages name the call: "requests.get", "session.get", "urllib.request.Request"
    method: Optional[str]  # upper case; None when computed
    url: cst.BaseExpression
    base_url: Optional[cst.BaseExpression]  # a session's base_url the URL is joined to
    # Header mappings sent with it (the call's, its session's); None stands for headers it may
    # send that the code does not show (an auth object, `**options`).
    headers: tuple[Optional[cst.BaseExpression], ...]
    # Names whose headers other statements may change (`session.headers.update`, `request.add_header`).
    carriers: tuple[cst.Name, ...]


def http_request(
    owner: cst.MetadataDependent,
    call: cst.Call,
    with_values: Mapping[cst.Name, cst.BaseExpression],
    assigned_to: Mapping[cst.Call, tuple[cst.Name, ...]],
) -> Optional[HttpRequest]:
    """The request call sends, or None when it is no HTTP call of a known library.

    with_values maps the names `with X() as name` binds to X(), which bindings do not record;
    assigned_to the names a call's result is assigned to.
    """
    names = qualified_names(owner, call.func)
    function = next(iter(sorted(names & REQUEST_FUNCTIONS)), None)
    if function is not None:
        return _function_request(owner, call, function)
    if names & {URLLIB_REQUEST}:
        return _urllib_request(owner, call, assigned_to.get(call, ()))
    if names & URLLIB_OPENERS:
        return _urllib_open(owner, call, with_values)
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in SESSION_METHODS:
        return _session_request(owner, call, func, with_values)
    return None


def _function_request(owner: cst.MetadataDependent, call: cst.Call, function: str) -> Optional[HttpRequest]:
    verb = function.rpartition(".")[2]
    arguments = call_arguments(owner, call, URL_FIRST if verb in VERBS else METHOD_THEN_URL)
    url = arguments.get("url")
    if url is None:
        return None
    label = get_full_name_for_node(call.func) or function
    method = _method(owner, verb, arguments)
    return HttpRequest(call, label, method, url, None, _headers_sent(owner, arguments), ())


def _session_request(
    owner: cst.MetadataDependent,
    call: cst.Call,
    func: cst.Attribute,
    with_values: Mapping[cst.Name, cst.BaseExpression],
) -> Optional[HttpRequest]:
    receiver = func.value
    carriers = (receiver,) if isinstance(receiver, cst.Name) else ()
    session = _construction(owner, receiver, with_values)
    if session is None:
        return None
    session_class = next(iter(sorted(qualified_names(owner, session.func) & SESSION_CLASSES.keys())), None)
    if session_class is None:
        return None
    verb = func.attr.value
    if session_class.startswith("urllib3."):
        parameters = URLLIB3_METHODS.get(verb)
    else:
        parameters = URL_FIRST if verb in VERBS else METHOD_THEN_URL if verb in METHOD_FIRST else None
    if parameters is None:
        return None
    arguments = call_arguments(owner, call, parameters)
    url = arguments.get("url")
    if url is None:
        return None
    built = call_arguments(owner, session, SESSION_CLASSES[session_class])
    written = get_full_name_for_node(receiver) if isinstance(receiver, (cst.Name, cst.Attribute)) else None
    written = written or f"{get_full_name_for_node(session.func) or session_class}()"
    headers = (*_headers_sent(owner, arguments), *_headers_sent(owner, built))
    base_url = built.get("base_url")
    return HttpRequest(call, f"{written}.{verb}", _method(owner, verb, arguments), url, base_url, headers, carriers)


def _urllib_request(
    owner: cst.MetadataDependent, call: cst.Call, carriers: tuple[cst.Name, ...]
) -> Optional[HttpRequest]:
    arguments = call_arguments(owner, call, URLLIB_REQUEST_PARAMETERS)
    url = arguments.get("url")
    if url is None:
        return None
    method_expr = arguments.get("method")
    method = fold_string(owner, method_expr) if method_expr is not None else None
    if method_expr is None:
        method = "POST" if _sends_data(arguments) else "GET"
    label = get_full_name_for_node(call.func) or URLLIB_REQUEST
    return HttpRequest(call, label, _upper(method), url, None, _headers_sent(owner, arguments), carriers)


def _urllib_open(
    owner: cst.MetadataDependent, call: cst.Call, with_values: Mapping[cst.Name, cst.BaseExpression]
) -> Optional[HttpRequest]:
    """urlopen(url); urlopen(Request(...)) is the Request's, reported where it is built."""
    arguments = call_arguments(owner, call, ("url", "data"))
    url = arguments.get("url")
    if url is None or arguments.has_unknown_spread:
        return None
    built = _construction(owner, url, with_values)
    if built is not None and qualified_names(owner, built.func) & {URLLIB_REQUEST}:
        return None
    label = get_full_name_for_node(call.func) or "urlopen"
    method = "POST" if _sends_data(arguments) else "GET"
    return HttpRequest(call, label, method, url, None, (), ())


def _construction(
    owner: cst.MetadataDependent, receiver: cst.BaseExpression, with_values: Mapping[cst.Name, cst.BaseExpression]
) -> Optional[cst.Call]:
    """The call that built what receiver holds: `Session()` itself, a name bound once to it, or
    the name `with Session() as name` binds."""
    if isinstance(receiver, cst.Name):
        bindings = bindings_of(owner, receiver)
        if len(bindings) == 1:
            node = next(iter(bindings)).node
            if isinstance(node, cst.Name) and node in with_values:
                receiver = with_values[node]
            else:
                receiver = single_bound_value(owner, receiver) or receiver
    if isinstance(receiver, cst.Await):
        receiver = receiver.expression
    return receiver if isinstance(receiver, cst.Call) else None


def _method(owner: cst.MetadataDependent, verb: str, arguments: CallArguments) -> Optional[str]:
    if verb in VERBS:
        return verb.upper()
    method = arguments.get("method")
    return _upper(fold_string(owner, method)) if method is not None else None


def _upper(method: Optional[str]) -> Optional[str]:
    return method.upper() if method is not None else None


def _sends_data(arguments: CallArguments) -> bool:
    data = arguments.get("data")
    return data is not None and not (isinstance(data, cst.Name) and data.value == "None")


def _headers_sent(owner: cst.MetadataDependent, arguments: CallArguments) -> tuple[Optional[cst.BaseExpression], ...]:
    """The header mappings a call's or constructor's arguments send; None for any it may add unseen."""
    sent: list[Optional[cst.BaseExpression]] = []
    if arguments.has_unknown_spread or any(arguments.get(name) is not None for name in HEADER_ADDING_ARGUMENTS):
        sent.append(None)
    headers = arguments.get("headers")
    if headers is not None:
        sent.append(headers)
    return tuple(sent)
