"""Steps that several parsers take the same way; each parser's own quirks stay in its module."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, present_files

Part = TypeVar("Part")


def parse_each_present(
    raw: RawSource,
    parts: Iterable[Part],
    file_name: Callable[[Part], str],
    parse_part: Callable[[RawSource, Part], pd.DataFrame],
) -> pd.DataFrame:
    """The rows of a source made of one file per part (zone, task ...): each part whose file the
    snapshot holds, parsed and stacked in declared order (see `present_files`)."""
    parts = list(parts)
    names = present_files(raw, [file_name(part) for part in parts])
    return pd.concat([parse_part(raw, part) for part in parts if file_name(part) in names], ignore_index=True)


def rows_with_intensity(raw: RawSource, name: str, frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, pd.Series]:
    """The rows of `frame` whose carbon intensity in `column` is neither empty nor 0, with those values.

    For the sources that call this a 0 is their placeholder for "no data" (the caller says why), not a grid
    that emits nothing. A file with no such row is an error.
    """
    intensity = raw.to_number(name, frame, column)
    has_value = intensity.notna() & (intensity != 0)
    frame, intensity = frame[has_value], intensity[has_value]
    if frame.empty:
        raise SourceFormatError(raw.source_id, name, "no row has a carbon intensity", column=column)
    return frame, intensity


def reject_repeated_hours(raw: RawSource, name: str, frame: pd.DataFrame, hours: pd.Series, column: str) -> None:
    """An hourly file names each hour once; `hours` are the parsed timestamps of `frame`'s rows."""
    duplicated = hours.duplicated(keep=False)
    if duplicated.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            f"{int(duplicated.sum())} row(s) repeat an hour",
            column=column,
            sample_rows=frame[duplicated].head(5).to_dict("records"),
        )


def reject_repeated_zone_years(
    raw: RawSource, name: str, frame: pd.DataFrame, staged: pd.DataFrame, column: str
) -> None:
    """A yearly intensity file gives each zone one value a year; `staged` holds `frame`'s rows with their
    zone_id and year, and `column` is the file's place column that named them."""
    duplicated = staged.duplicated(["zone_id", "year"], keep=False)
    if duplicated.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            f"{int(duplicated.sum())} rows give the same zone and year",
            column=column,
            sample_rows=frame[duplicated].to_dict("records"),
        )
