"""What kind of file a path holds, by its name first and, for Python scripts, by its content.

YAML and JSON files are only candidates: whether one is a compose file, a Kubernetes manifest,
an ECS task definition, a workflow or a CloudFormation template is decided by its shape once it
is parsed (credlint/deployment/documents.py), so such files are skipped quietly when they are not
deployment configuration at all. Every other file is text: the hard-coded credential rules
scan it, whatever language or format it is in.
"""

from __future__ import annotations

import fnmatch
import functools
from pathlib import PurePath
from typing import Optional

PYTHON = "python"
DOCKERFILE = "dockerfile"
DOTENV = "dotenv"
SYSTEMD = "systemd"
YAML = "yaml"
JSON = "json"
NOTEBOOK = "notebook"  # a Jupyter notebook: Python code cells, Markdown cells and outputs in JSON
TEXT = "text"  # any other file: shell, Terraform, INI, properties, other languages, documents

PYTHON_KINDS = frozenset({PYTHON})
DEPLOYMENT_KINDS = frozenset({DOCKERFILE, DOTENV, SYSTEMD, YAML, JSON})
# Kinds whose name says what they are; the others may be any data at all, and when they are too
# large, binary or not text they are skipped without a word.
CERTAIN_KINDS = frozenset({PYTHON, NOTEBOOK, DOCKERFILE, DOTENV, SYSTEMD})

# ref. identify's extension and name tables (python, pyi, dockerfile, dotenv, yaml, json), plus
# the names Docker, docker compose and systemd read that identify does not tag.
_BY_SUFFIX = {
    ".py": PYTHON,
    ".pyi": PYTHON,
    ".yml": YAML,
    ".yaml": YAML,
    ".json": JSON,
    ".ipynb": NOTEBOOK,
    ".env": DOTENV,
    ".dockerfile": DOCKERFILE,
    ".containerfile": DOCKERFILE,
    ".service": SYSTEMD,
}
_BY_NAME_PATTERN = (
    ("Dockerfile", DOCKERFILE),
    ("dockerfile", DOCKERFILE),  # ref. moby/moby#10858, moby/buildkit#1816: read when Dockerfile is absent
    ("Dockerfile.*", DOCKERFILE),
    ("Containerfile", DOCKERFILE),
    ("Containerfile.*", DOCKERFILE),
    (".env", DOTENV),
    (".env.*", DOTENV),
    (".envrc", DOTENV),
)
_SYSTEMD_DROP_IN_SUFFIX = ".service.d"


def kind_by_name(path: PurePath) -> Optional[str]:
    """The kind a file's name gives it, or None for a file with no kind of its own (plain text).

    A known suffix wins over a name pattern: `.env.json` is JSON, `Dockerfile.md` is documentation
    and `Dockerfile.j2` a template, while `Dockerfile.prod` and `.env.local` keep their kind.
    """
    by_suffix = _BY_SUFFIX.get(path.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    name = path.name
    if name.endswith(".conf") and path.parent.name.endswith(_SYSTEMD_DROP_IN_SUFFIX):
        return SYSTEMD
    for pattern, kind in _BY_NAME_PATTERN:
        if fnmatch.fnmatchcase(name, pattern):
            return None if path.suffix[1:].lower() in _other_extensions() else kind
    return None


@functools.cache
def _other_extensions() -> frozenset[str]:
    """Extensions identify knows, which make `Dockerfile.<ext>` a file of that other type."""
    from identify.extensions import EXTENSIONS

    return frozenset(EXTENSIONS)


def kind_of_file(path: PurePath) -> str:
    """A file found in a directory: the kind its name gives, else text, which is scanned for keys."""
    return kind_by_name(path) or TEXT


def kind_of_named_file(path: PurePath) -> str:
    """A file named on the command line: by name, else a Python script by its shebang, else text."""
    kind = kind_by_name(path)
    if kind is not None:
        return kind
    from identify import identify

    try:
        return PYTHON if "python" in identify.tags_from_path(str(path)) else TEXT
    except ValueError:
        return TEXT
