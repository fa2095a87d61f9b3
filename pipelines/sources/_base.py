"""The contract between a source module and the rest of the pipeline.

A source module declares a `SOURCE` (who publishes it, under what licence, which files
at which live URLs) and, for each published table it feeds, a parser. A parser takes the
resolved raw files of the source and returns a DataFrame in the table's *staging* shape:
the published columns minus `source_id` and `source_vintage`, plus `source_file` (the raw
file name each row came from). The pipeline adds the provenance columns from the file's
manifest entry, so a parser never invents a vintage.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.errors import SourceFormatError


@dataclass(frozen=True)
class SourceFile:
    """One file a source publishes.

    `name` is the file's name in the raw archive (how archive mode resolves it); `url` is
    the live URL. `data_as_of` is set only where the URL is pinned to immutable bytes
    (e.g. a commit), so live mode can state the same vintage as the archive. Such a file
    may also pin `sha256`: a live fetch then refuses any other bytes.
    """

    name: str
    url: str
    format: str
    data_as_of: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    max_bytes: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Freshness:
    """How old a source's newest data may get before its freshness check warns.

    `max_age_days` follows the publisher's cadence; None means no expectation (a closed vintage),
    and `reason` says why either way. `one_file_per_year`: the source publishes one file per data
    year and old years never change, so only the newest file says whether the series is kept up.
    """

    max_age_days: int | None
    reason: str
    one_file_per_year: bool = False

    def __post_init__(self):
        if self.max_age_days is None and not self.reason:
            raise ValueError("a source with no freshness expectation must say why (Freshness.reason)")


DEFAULT_FRESHNESS = Freshness(730, "default threshold")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    license: str
    homepage: str
    files: tuple[SourceFile, ...]
    # published table name -> parser(RawSource) -> staging DataFrame
    parsers: Mapping[str, Callable[[RawSource], pd.DataFrame]] = field(default_factory=dict)
    description: str = ""
    # Curated sources are files we compile by hand from cited publications; they ship with the
    # code in pipelines/curated/ (one citation per row) instead of being fetched.
    curated: bool = False
    # Whether a release may republish the rows: None = decide from the licence text
    # (pipelines.licences); False where the terms forbid or are unclear, True to override.
    redistributable: bool | None = None
    freshness: Freshness = DEFAULT_FRESHNESS
    # Published table -> this source's rank among the sources of that table, where the warehouse
    # picks one value per key (1 wins; see pipelines/source_priority.py). A source with no rank
    # for a table it feeds comes after every ranked one.
    priority: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self):
        unfed = sorted(set(self.priority) - set(self.parsers))
        if unfed:
            raise ValueError(f"source '{self.id}' ranks table(s) {unfed} it has no parser for")
        bad = {table: rank for table, rank in self.priority.items() if not (isinstance(rank, int) and rank >= 1)}
        if bad:
            raise ValueError(f"source '{self.id}': priority ranks must be whole numbers from 1, got {bad}")

    def file(self, name: str) -> SourceFile:
        for f in self.files:
            if f.name == name:
                return f
        raise KeyError(f"source '{self.id}' declares no file '{name}'")


@dataclass(frozen=True)
class RawFile:
    """A raw file as it sits in a raw archive, with its manifest entry."""

    source_id: str
    name: str
    path: Path
    url: str
    sha256: str
    bytes: int
    vintage: str  # ISO date: data_as_of of the bytes
    retrieved_at: str | None = None
    obtained_from: str | None = None
    format: str | None = None

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class RawSource:
    """The resolved raw files of one source, handed to its parsers."""

    source_id: str
    files: Mapping[str, RawFile]

    def file(self, name: str) -> RawFile:
        try:
            return self.files[name]
        except KeyError:
            raise SourceFormatError(self.source_id, name, "file missing from the raw snapshot") from None

    # Readers shared by parsers. Each turns malformed bytes into a SourceFormatError that
    # names the source and the file instead of a bare pandas/json traceback.

    def text(self, name: str) -> str:
        data = self.file(name).read_bytes()
        if not data.strip():
            raise SourceFormatError(self.source_id, name, "file is empty")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceFormatError(self.source_id, name, f"not UTF-8 text ({exc})") from None
        head = text.lstrip()[:200].lower()
        if head.startswith(("<!doctype html", "<html")):
            raise SourceFormatError(self.source_id, name, "received an HTML page instead of data")
        return text

    def json(self, name: str):
        try:
            return json.loads(self.text(name))
        except json.JSONDecodeError as exc:
            raise SourceFormatError(self.source_id, name, f"invalid JSON ({exc})") from None
        except RecursionError:
            raise SourceFormatError(self.source_id, name, "invalid JSON (nested too deeply)") from None

    def yaml(self, name: str):
        """Parse YAML with a safe loader only: the bytes come from the network and must not
        construct Python objects. libyaml's CSafeLoader is ~5x faster on Boavizta's 0.5 MB file."""
        import yaml

        try:
            from yaml import CSafeLoader as SafeLoader
        except ImportError:  # PyYAML built without libyaml
            from yaml import SafeLoader
        try:
            return yaml.load(self.text(name), Loader=SafeLoader)
        except yaml.YAMLError as exc:
            raise SourceFormatError(self.source_id, name, f"invalid YAML ({exc})") from None
        except RecursionError:
            raise SourceFormatError(self.source_id, name, "invalid YAML (nested too deeply)") from None

    def csv(self, name: str, **read_csv_kwargs) -> pd.DataFrame:
        try:
            frame = pd.read_csv(io.StringIO(self.text(name)), **read_csv_kwargs)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise SourceFormatError(self.source_id, name, f"unreadable CSV ({exc})") from None
        if frame.empty:
            raise SourceFormatError(self.source_id, name, "CSV has a header but no rows")
        return frame

    def excel(self, name: str, **read_excel_kwargs) -> pd.DataFrame:
        path = self.file(name).path
        try:
            frame = pd.read_excel(path, engine="calamine", **read_excel_kwargs)
        except Exception as exc:  # calamine raises its own error types for broken workbooks
            raise SourceFormatError(self.source_id, name, f"unreadable workbook ({exc})") from None
        if frame.empty:
            raise SourceFormatError(self.source_id, name, "sheet has no rows")
        return frame

    def require_columns(self, name: str, frame: pd.DataFrame, columns) -> None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise SourceFormatError(
                self.source_id,
                name,
                f"expected column(s) {missing} not found; columns present: {list(frame.columns)}",
                column=missing[0],
            )

    def to_number(self, name: str, frame: pd.DataFrame, column: str) -> pd.Series:
        """Parse a numeric column; non-numeric cells are an error naming the rows."""
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
        if bad.any():
            sample = frame.loc[bad].head(5).to_dict("records")
            raise SourceFormatError(
                self.source_id, name, f"{int(bad.sum())} non-numeric value(s)", column=column, sample_rows=sample
            )
        return values


def present_files(raw: RawSource, declared: list[str]) -> list[str]:
    """The declared files a snapshot holds, in declared order. An archive or a live snapshot always
    holds every declared file (resolving it checks that); a source made of many per-zone or
    per-task files reads those present so that a test can hand it a few. None present is an error
    naming the first."""
    names = [name for name in declared if name in raw.files]
    if not names:
        raw.file(declared[0])
    return names
