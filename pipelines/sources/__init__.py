"""The source registry: every public source the pipeline reads, by id."""

from __future__ import annotations

import importlib

from pipelines.sources._base import RawFile, RawSource, Source, SourceFile

# One module per source; adding a source is adding its module name here.
_MODULES = (
    "codecarbon",
)

SOURCES: dict[str, Source] = {}
for _module_name in _MODULES:
    _source = importlib.import_module(f"pipelines.sources.{_module_name}").SOURCE
    SOURCES[_source.id] = _source


def sources_for_table(table_name: str) -> list[Source]:
    return [s for s in SOURCES.values() if table_name in s.parsers]


__all__ = ["SOURCES", "RawFile", "RawSource", "Source", "SourceFile", "sources_for_table"]
