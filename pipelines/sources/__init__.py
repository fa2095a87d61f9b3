"""The source registry: every public source the pipeline reads, by id.

Each module in this package (not starting with `_`) declares one source as `SOURCE`;
adding a source is adding its module.
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


__all__ = ["SOURCES", "RawFile", "RawSource", "Source", "SourceFile", "sources_for_table"]
