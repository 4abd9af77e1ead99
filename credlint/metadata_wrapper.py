"""A LibCST MetadataWrapper that resolves credlint's providers without an idle visit.

LibCST resolves providers in rounds and visits the whole module once a round for the batchable
ones, even when a round has none: on a parsed file that empty visit cost about a quarter of the
analysis. Every provider the rules use computes in a walk of its own (positions by code
generation, the binding table and credential slots through node fields), so resolving each in
dependency order gives the same metadata with no visit at all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

import libcst as cst
from libcst.metadata import BatchableMetadataProvider
from libcst.metadata.base_provider import ProviderT


def _with_dependencies(providers: Collection[ProviderT]) -> Iterator[ProviderT]:
    """Each provider after the providers it depends on, once."""
    seen: set[ProviderT] = set()

    def visit(provider: ProviderT) -> Iterator[ProviderT]:
        if provider in seen:
            return
        seen.add(provider)
        for dependency in provider.METADATA_DEPENDENCIES:
            yield from visit(dependency)
        yield provider

    for provider in providers:
        yield from visit(provider)


class DirectMetadataWrapper(cst.MetadataWrapper):
    """Resolves providers one by one; LibCST's own rounds when any provider is batchable."""

    def resolve_many(self, providers: Collection[ProviderT]) -> Mapping[ProviderT, Mapping[cst.CSTNode, object]]:
        ordered = list(_with_dependencies(providers))
        if any(issubclass(provider, BatchableMetadataProvider) or provider.gen_cache for provider in ordered):
            return super().resolve_many(providers)
        for provider in ordered:
            if provider not in self._metadata:
                self._metadata[provider] = provider()._gen(self)
        return {provider: self._metadata[provider] for provider in providers}
