"""The cheap checks of the chain-misuse rules: whether a file may hold a finding, and the lines
one can start on, so that the rest of the module is never parsed (slicing.py)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from credlint.analysis.module_names import environ_names, names_bound_to
from credlint.prefilter import FileProbe
from credlint.slicing import lines_matching

CREDENTIAL_KEYWORDS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})
_CREDENTIAL_ARGUMENTS = re.compile(rb"aws_access_key_id|aws_secret_access_key|aws_session_token")
# Where a profile is chosen (CL502 weighs it against the os.environ writes, which the ast finds).
_PROFILE_CHOICES = re.compile(rb"profile_name|profile=|AWS_PROFILE|AWS_DEFAULT_PROFILE")
_STS_ARGUMENTS = re.compile(rb"TokenCode|DurationSeconds")


def may_pass_partial_credentials(probe: FileProbe) -> bool:
    """A call given a credential argument by keyword, or a dict literal holding one (for `**`)."""
    return probe.tree is None or _given_by_name(probe, CREDENTIAL_KEYWORDS, lambda value: True)


def lines_of_credential_arguments(probe: FileProbe) -> frozenset[int]:
    return frozenset(lines_matching(probe, _CREDENTIAL_ARGUMENTS))


def may_confuse_profiles(probe: FileProbe) -> bool:
    """A profile chosen beside keys written into the environment, or both profile variables, in a
    file that writes os.environ (analysis/environment_writes.py)."""
    if not probe.contains(b"environ"):
        return False
    keys_and_profile = probe.contains(b"AWS_ACCESS_KEY_ID") and probe.contains(b"profile")
    if not (keys_and_profile or (probe.contains(b"AWS_PROFILE") and probe.contains(b"AWS_DEFAULT_PROFILE"))):
        return False
    return probe.tree is None or bool(probe.once(lines_writing_environ))


def lines_of_profile_choices(probe: FileProbe) -> frozenset[int]:
    """Where CL502 reads: each write of os.environ, and each line naming a profile or a variable."""
    return probe.once(lines_writing_environ) | frozenset(lines_matching(probe, _PROFILE_CHOICES))


_ENVIRON_METHODS_WRITING = frozenset({"setdefault", "update"})


def lines_writing_environ(probe: FileProbe) -> frozenset[int]:
    """Each line of a write CL502 reads: `environ[...] = ...`, `environ.setdefault(...)` and
    `environ.update(...)`, on `os.environ` or a name imported from os as environ."""
    aliases = environ_names(probe)

    def is_environ(node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and node.id in aliases
        )

    writes: list[ast.expr] = [
        node for node in probe.nodes(ast.Subscript) if isinstance(node.ctx, ast.Store) and is_environ(node.value)
    ]
    writes += [
        call
        for call in probe.nodes(ast.Call)
        if isinstance(call.func, ast.Attribute)
        and call.func.attr in _ENVIRON_METHODS_WRITING
        and is_environ(call.func.value)
    ]
    return frozenset(line for node in writes for line in range(node.lineno, (node.end_lineno or node.lineno) + 1))


_STS_KEYWORDS = frozenset({"TokenCode", "DurationSeconds"})
_WRITTEN_VALUES = (ast.Constant, ast.JoinedStr, ast.BinOp, ast.UnaryOp)


def may_pass_literal_sts_arguments(probe: FileProbe) -> bool:
    """TokenCode or DurationSeconds given a value written in the code (a literal, an f-string, an
    expression, a name some assignment binds to a literal), by keyword or in a dict literal: what
    CL505 reads. A value computed at runtime is neither a one-time code nor a known duration."""
    if probe.tree is None:
        return True
    literal_names = names_bound_to(probe, lambda value: isinstance(value, _WRITTEN_VALUES))

    def written(value: ast.expr) -> bool:
        return isinstance(value, _WRITTEN_VALUES) or (isinstance(value, ast.Name) and value.id in literal_names)

    return _given_by_name(probe, _STS_KEYWORDS, written)


def _given_by_name(probe: FileProbe, names: frozenset[str], accepts: Callable[[ast.expr], bool]) -> bool:
    """A keyword argument of one of the names whose value accepts takes, or a dict literal with one
    of them as a key (spread with `**` later)."""
    by_keyword = any(
        keyword.arg in names and accepts(keyword.value) for call in probe.nodes(ast.Call) for keyword in call.keywords
    )
    return by_keyword or any(
        isinstance(key, ast.Constant) and key.value in names
        for literal in probe.nodes(ast.Dict)
        for key in literal.keys
    )


def lines_of_sts_arguments(probe: FileProbe) -> frozenset[int]:
    return frozenset(lines_matching(probe, _STS_ARGUMENTS))
