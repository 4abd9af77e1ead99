"""Predicates that another module of the project defines (`from .utils import is_throttled`): the
project index names the function and the digest of its text (project/view.py); its module is
parsed here, with its own metadata, so the retry analysis reads it as it reads local helpers."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS, imported_name
from credlint.checks.retry.syntax import Helper, ModuleIndex
from credlint.config import DEFAULT_MAX_FILE_SIZE
from credlint.metadata_wrapper import DirectMetadataWrapper
from credlint.project.reading import read_python_source
from credlint.project.summary import module_function_digest
from credlint.project.view import ImportedFunction


class ImportedModule(cst.MetadataDependent):
    """Another module's metadata, for the retry analysis to read that module's nodes with."""

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.metadata = DirectMetadataWrapper(module, unsafe_skip_copy=True).resolve_many(
            self.get_inherited_dependencies()
        )


def imported_helper(owner: cst.MetadataDependent, index: ModuleIndex, func: cst.BaseExpression) -> Optional[Helper]:
    """The function another module of the project defines that func names through an import."""
    written = imported_name(owner, func) if index.imported else None
    imported = index.imported.get(written) if written is not None else None
    if written is None or imported is None:
        return None
    if written not in index.loaded:
        index.loaded[written] = _read(imported)
    return index.loaded[written]


def _read(imported: ImportedFunction) -> Optional[Helper]:
    """The function, when its module still holds the text the index saw: the file's cached
    result is kept under that text's digest."""
    source = read_python_source(Path(imported.path), DEFAULT_MAX_FILE_SIZE)
    if source is None or module_function_digest(source, imported.name) != imported.digest:
        return None
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    index = ModuleIndex()
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            index.functions.setdefault(statement.name.value, []).append(statement)
    function = index.function(imported.name)
    return Helper(function, ImportedModule(module), index) if function is not None else None
