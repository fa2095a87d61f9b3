"""What the CLI writes must not act on the terminal or the spreadsheet that reads it.

Terminal: text that came from a user's file or a server (a jobs file's hardware name, a row's
reason, a query's text cell, an error naming them) may carry control characters — ANSI
escapes that recolour or rewrite the screen, carriage returns that overwrite a line, bidi
overrides that reorder it. `terminal_safe` shows each one as a visible escape (`\\x1b`,
`\\u202e`) instead.

CSV (spreadsheet formula injection): a text cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is run as a formula by Excel, LibreOffice and Google Sheets. Policy, applied
wherever aifootprint writes CSV (`query --format csv`, `sources --format csv`, `estimate
--jobs ... --out x.csv`): such a cell in a *text* column is written with a leading `'`, which
spreadsheets display as the original text and never evaluate. Numeric columns are never
touched, so -3.5 stays a number. Parquet and JSON output carry the values unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 controls, DEL, C1 controls, and the Unicode bidi embeddings/overrides/isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: object, *, keep_newlines: bool = False) -> str:
    """`text` with every control character shown as an escape (newlines too, unless `keep_newlines`:
    an error whose own text spans lines, such as DuckDB's with its caret under the SQL)."""
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in str(text).split("\n"))
    return _UNSAFE.sub(_escape, str(text))


def _map_text_columns(frame: pd.DataFrame, cell: Callable[[object], object]) -> pd.DataFrame:
    """The frame with `cell` applied to every value of its text columns; the same frame when it has none."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text_columns:
        return frame
    frame = frame.copy()
    for column in text_columns:
        frame[column] = frame[column].map(cell)
    return frame


def terminal_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with control characters escaped in its text cells (for the `table` format)."""
    return _map_text_columns(frame, lambda v: terminal_safe(v) if isinstance(v, str) else v)


def csv_safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the formula-injection policy applied to its text columns only."""
    return _map_text_columns(frame, csv_safe_cell)


def csv_safe_select(con, query: str) -> str:
    """SQL selecting `query`'s columns with the policy applied to its VARCHAR columns (for DuckDB COPY)."""
    described = con.execute(f"describe ({query})").fetchall()
    columns = []
    for name, column_type, *_ in described:
        quoted = '"' + str(name).replace('"', '""') + '"'
        if str(column_type).upper() == "VARCHAR":
            columns.append(
                f"case when regexp_matches({quoted}, '^[=+\\-@\\t\\r]') "
                f"then '''' || {quoted} else {quoted} end as {quoted}"
            )
        else:
            columns.append(quoted)
    return f"select {', '.join(columns)} from ({query})"
