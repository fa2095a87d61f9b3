"""CHANGELOG.md of a release: what changed since the previous one, by table and primary key.

`compare_releases` diffs two release folders' Parquet files (tables added and removed, schema
changes, rows added, removed and changed by primary key); `render_changelog` writes the
Markdown, including the columns renamed to the naming convention (schemas/renames.py).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from pipelines.archive import sha256_of
from pipelines.dataset import how_to_cite
from pipelines.sql_quoting import quote_identifier, quote_literal
from schemas import TABLES
from schemas.renames import RENAMES

# Rows listed per table and kind of change in CHANGELOG.md; the counts are always complete.
MAX_LISTED_ROWS = 25
_NUMERIC_TYPE = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|REAL|DECIMAL\(.*\))$", re.IGNORECASE)


@dataclass
class TableDiff:
    name: str
    status: str  # added | removed | changed | unchanged
    rows_before: int | None = None
    rows_after: int | None = None
    added: int = 0
    removed: int = 0
    changed: int = 0
    compared_by: str = ""
    schema_changes: list[str] = field(default_factory=list)
    added_rows: list[dict] = field(default_factory=list)
    removed_rows: list[dict] = field(default_factory=list)
    # (primary key values, {column: (before, after)}) for each listed changed row
    changed_rows: list[tuple[dict, dict]] = field(default_factory=list)


def compare_releases(old: Path | None, new: Path) -> list[TableDiff]:
    """Per table: added, removed, or rows added/removed/changed by primary key, schema changes."""
    new_tables = {p.stem: p for p in sorted(new.glob("*.parquet"))}
    if old is None:
        return [TableDiff(name, "added", rows_after=pq.read_metadata(p).num_rows) for name, p in new_tables.items()]
    old_tables = {p.stem: p for p in sorted(old.glob("*.parquet"))}
    diffs = []
    con = duckdb.connect()
    try:
        for name, path in new_tables.items():
            if name not in old_tables:
                diffs.append(TableDiff(name, "added", rows_after=pq.read_metadata(path).num_rows))
            else:
                diffs.append(_diff_table(con, name, old_tables[name], path))
        for name, path in old_tables.items():
            if name not in new_tables:
                diffs.append(TableDiff(name, "removed", rows_before=pq.read_metadata(path).num_rows))
    finally:
        con.close()
    return diffs


def _primary_key(path: Path, name: str) -> list[str]:
    raw = (pq.read_schema(path).metadata or {}).get(b"aifootprint.primary_key")
    if raw:
        return list(json.loads(raw))
    return list(TABLES[name].primary_key) if name in TABLES else []


def _schema_changes(old_path: Path, new_path: Path, old_key: list[str], new_key: list[str]) -> list[str]:
    old_schema, new_schema = pq.read_schema(old_path), pq.read_schema(new_path)
    old_fields = {f.name: f for f in old_schema}
    new_fields = {f.name: f for f in new_schema}
    changes = [f"column `{n}` added ({new_fields[n].type})" for n in new_fields if n not in old_fields]
    changes += [f"column `{n}` removed (was {old_fields[n].type})" for n in old_fields if n not in new_fields]
    for name in (n for n in new_fields if n in old_fields):
        before, after = old_fields[name], new_fields[name]
        if before.type != after.type:
            changes.append(f"column `{name}` type {before.type} -> {after.type}")
        if (before.metadata or {}).get(b"description") != (after.metadata or {}).get(b"description"):
            changes.append(f"column `{name}` description changed")
    if old_key != new_key:
        changes.append(f"primary key ({', '.join(old_key)}) -> ({', '.join(new_key)})")
    return changes


def _diff_table(con, name: str, old_path: Path, new_path: Path) -> TableDiff:
    diff = TableDiff(
        name, "changed", rows_before=pq.read_metadata(old_path).num_rows, rows_after=pq.read_metadata(new_path).num_rows
    )
    old_key, key = _primary_key(old_path, name), _primary_key(new_path, name)
    diff.schema_changes = _schema_changes(old_path, new_path, old_key, key)
    if sha256_of(old_path) == sha256_of(new_path):
        diff.status = "unchanged"
        return diff
    con.execute(f"create or replace temp view old_rows as select * from read_parquet({quote_literal(str(old_path))})")
    con.execute(f"create or replace temp view new_rows as select * from read_parquet({quote_literal(str(new_path))})")
    old_types = dict(con.execute("select column_name, column_type from (describe old_rows)").fetchall())
    new_types = dict(con.execute("select column_name, column_type from (describe new_rows)").fetchall())
    common = [c for c in new_types if c in old_types]
    if key and all(k in common for k in key) and _unique(con, "old_rows", key) and _unique(con, "new_rows", key):
        diff.compared_by = f"primary key ({', '.join(key)})"
        _diff_by_key(con, diff, key, [c for c in common if c not in key], old_types, new_types)
    else:
        diff.compared_by = "whole rows (no primary key unique in both releases)"
        _diff_whole_rows(con, diff, common)
    if not (diff.added or diff.removed or diff.changed or diff.schema_changes):
        diff.status = "unchanged"
    return diff


def _unique(con, relation: str, key: list[str]) -> bool:
    columns = ", ".join(quote_identifier(k) for k in key)
    (duplicates,) = con.execute(
        f"select count(*) from (select {columns} from {relation} group by all having count(*) > 1)"
    ).fetchone()
    return duplicates == 0


def _diff_by_key(con, diff: TableDiff, key: list[str], values: list[str], old_types: dict, new_types: dict) -> None:
    def differs(column: str) -> str:
        o, n = f"o.{quote_identifier(column)}", f"n.{quote_identifier(column)}"
        before, after = old_types[column], new_types[column]
        # Numbers compare as numbers across types (700 = 700.0); anything else whose type
        # changed compares as text, which never fails to convert.
        if before != after and not (_NUMERIC_TYPE.match(before) and _NUMERIC_TYPE.match(after)):
            o, n = f"cast({o} as varchar)", f"cast({n} as varchar)"
        return f"{o} is distinct from {n}"

    key_list = ", ".join(quote_identifier(k) for k in key)
    # concat_ws skips NULLs: the names of the differing columns, joined by a unit separator
    # (no lambdas: their syntax differs between DuckDB versions).
    changed_columns = (
        ("concat_ws(chr(31), " + ", ".join(f"case when {differs(c)} then {quote_literal(c)} end" for c in values) + ")")
        if values
        else "''"
    )
    pairs = "".join(
        f", o.{quote_identifier(c)} as {quote_identifier(f'__old_{i}')}"
        f", n.{quote_identifier(c)} as {quote_identifier(f'__new_{i}')}"
        for i, c in enumerate(values)
    )
    any_differs = " or ".join(differs(c) for c in values) or "false"
    con.execute(f"""
        create or replace temp table row_diff as
        select {key_list}, o.__in_old is null as is_added, n.__in_new is null as is_removed,
               {changed_columns} as changed_columns {pairs}
        from (select *, true as __in_old from old_rows) o
        full join (select *, true as __in_new from new_rows) n using ({key_list})
        where o.__in_old is null or n.__in_new is null or {any_differs}""")
    diff.added, diff.removed, diff.changed = con.execute(
        "select count(*) filter (where is_added), count(*) filter (where is_removed), "
        "count(*) filter (where not is_added and not is_removed) from row_diff"
    ).fetchone()
    for kind in ("is_added", "is_removed", "not is_added and not is_removed"):
        cursor = con.execute(f"select * from row_diff where {kind} order by {key_list} limit {MAX_LISTED_ROWS}")
        names = [d[0] for d in cursor.description]
        for record in cursor.fetchall():
            row = dict(zip(names, record, strict=True))
            key_values = {k: row[k] for k in key}
            if kind == "is_added":
                diff.added_rows.append(key_values)
            elif kind == "is_removed":
                diff.removed_rows.append(key_values)
            else:
                diff.changed_rows.append(
                    (
                        key_values,
                        {
                            column: (row[f"__old_{i}"], row[f"__new_{i}"])
                            for i, column in enumerate(values)
                            if column in row["changed_columns"].split("\x1f")
                        },
                    )
                )


def _diff_whole_rows(con, diff: TableDiff, common: list[str]) -> None:
    if not common:
        diff.added, diff.removed = diff.rows_after or 0, diff.rows_before or 0
        return
    columns = ", ".join(quote_identifier(c) for c in common)
    for attribute, listed, first, second in (
        ("added", diff.added_rows, "new_rows", "old_rows"),
        ("removed", diff.removed_rows, "old_rows", "new_rows"),
    ):
        query = f"select {columns} from {first} except all select {columns} from {second}"
        setattr(diff, attribute, con.execute(f"select count(*) from ({query})").fetchone()[0])
        cursor = con.execute(f"{query} order by all limit {MAX_LISTED_ROWS}")
        names = [d[0] for d in cursor.description]
        listed.extend(dict(zip(names, record, strict=True)) for record in cursor.fetchall())


def render_changelog(version: str, created: str, previous: str | None, build: dict, diffs: list[TableDiff]) -> str:
    commit = build.get("git_commit")
    built_from = f"commit `{commit}`" if commit else "a source tree outside git (commit unknown)"
    if commit and build.get("git_dirty"):
        built_from += " with uncommitted changes"
    lines = [
        f"# aifootprint {version}",
        "",
        f"Released {created}, built from {built_from}.",
        "",
        f"How to cite this release: {how_to_cite(version, created)}",
        "",
    ]
    if build.get("partial"):
        lines += ["**Partial release** (`--allow-partial`): tables a refresh publishes are missing.", ""]
    for name, reason in (build.get("tables_not_included") or {}).items():
        lines.append(f"- `{name}` is not in this release: {reason}.")
    if build.get("tables_not_included"):
        lines.append("")
    renamed = renamed_columns_section({d.name for d in diffs if d.status != "removed"})
    if previous is None:
        lines += ["First release: there is no previous release to compare with.", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {d.name} | {d.rows_after:,} |" for d in diffs]
        return "\n".join([*lines, *renamed]) + "\n"
    lines += [
        f"Changes since release {previous}: rows are matched by each table's primary key.",
        "",
        "| table | status | rows before | rows after | added | removed | changed |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for d in diffs:
        before = "" if d.rows_before is None else f"{d.rows_before:,}"
        after = "" if d.rows_after is None else f"{d.rows_after:,}"
        lines.append(f"| {d.name} | {d.status} | {before} | {after} | {d.added:,} | {d.removed:,} | {d.changed:,} |")
    for d in diffs:
        if d.status == "unchanged" and not d.schema_changes:
            continue
        lines += ["", f"## {d.name}", ""]
        if d.status == "added":
            lines.append(f"New table, {d.rows_after:,} rows.")
            continue
        if d.status == "removed":
            lines.append(f"Table removed (had {d.rows_before:,} rows).")
            continue
        lines.append(f"{d.rows_before:,} -> {d.rows_after:,} rows, compared by {d.compared_by}.")
        if d.schema_changes:
            lines += ["", "Schema changes:", ""] + [f"- {change}" for change in d.schema_changes]
        if d.changed:
            lines += ["", _listed_heading("changed", d.changed, len(d.changed_rows)), ""]
            for key_values, columns in d.changed_rows:
                detail = "; ".join(
                    f"{c}: {_value(before)} -> {_value(after)}" for c, (before, after) in columns.items()
                )
                lines.append(f"- {_row_label(key_values)}: {detail}")
        if d.added:
            lines += ["", _listed_heading("added", d.added, len(d.added_rows)), ""]
            lines += [f"- {_row_label(row)}" for row in d.added_rows]
        if d.removed:
            lines += ["", _listed_heading("removed", d.removed, len(d.removed_rows)), ""]
            lines += [f"- {_row_label(row)}" for row in d.removed_rows]
    return "\n".join([*lines, *renamed]) + "\n"


def renamed_columns_section(tables: set[str]) -> list[str]:
    """Lines listing the columns of these tables renamed to the naming convention (none: no lines)."""
    renamed = [
        (table, old, new)
        for table, columns in sorted(RENAMES.items())
        if table in tables
        for old, new in columns.items()
    ]
    if not renamed:
        return []
    return [
        "",
        "## Renamed columns",
        "",
        "Published columns renamed to the naming convention (docs/naming.md: the unit is the last part of the "
        "name). The old names stay readable for one release as views in the `legacy` schema "
        "(`select * from legacy.<table>`), and are gone in the release after next.",
        "",
        "| table | old name | new name |",
        "|---|---|---|",
        *(f"| {table} | `{old}` | `{new}` |" for table, old, new in renamed),
        "",
    ]


def _listed_heading(kind: str, count: int, listed: int) -> str:
    noun = "row" if count == 1 else "rows"
    suffix = f" (the first {listed}, in primary key order):" if listed < count else ":"
    return f"{count:,} {noun} {kind}{suffix}"


def _row_label(values: dict) -> str:
    return "`" + ", ".join(f"{k}={_plain(v)}" for k, v in values.items()) + "`"


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    text = repr(value) if isinstance(value, float) else str(value)
    # Keep each listed row on one line of Markdown and its code span intact.
    text = text.replace("`", "'").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def _value(value) -> str:
    return f"`{_plain(value)}`"
