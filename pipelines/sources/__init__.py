"""The source registry: every public source the pipeline reads, by id.

Each module in this package (not starting with `_`) declares one source as `SOURCE`: its files,
parsers, licence, freshness threshold and priority ranks. Adding a source is adding its module.
"""

from __future__ import annotations

import sys

from pipelines import discovery
from pipelines.sources._base import RawFile, RawSource, Source, SourceFile

SOURCES: dict[str, Source] = {}
for _module in discovery.modules(sys.modules[__name__]):
    _source = _module.SOURCE
    if _source.id in SOURCES:
        raise RuntimeError(f"source id '{_source.id}' is declared twice")
    SOURCES[_source.id] = _source


def sources_for_table(table_name: str) -> list[Source]:
    return [s for s in SOURCES.values() if table_name in s.parsers]


def priority_ranks(table_name: str) -> dict[str, int]:
    """Source id -> rank for a table, best first: the sources that declare a rank for it."""
    ranks = {s.id: s.priority[table_name] for s in SOURCES.values() if table_name in s.priority}
    return dict(sorted(ranks.items(), key=lambda item: item[1]))


def _refuse_shared_ranks() -> None:
    for table_name in {table_name for s in SOURCES.values() for table_name in s.priority}:
        by_rank: dict[int, list[str]] = {}
        for source_id, rank in priority_ranks(table_name).items():
            by_rank.setdefault(rank, []).append(source_id)
        shared = {rank: ids for rank, ids in by_rank.items() if len(ids) > 1}
        if shared:
            raise RuntimeError(f"sources share a priority rank for table '{table_name}': {shared}")


_refuse_shared_ranks()


__all__ = ["SOURCES", "RawFile", "RawSource", "Source", "SourceFile", "priority_ranks", "sources_for_table"]
