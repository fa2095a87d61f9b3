"""Compare every table and view of two warehouse databases, row for row (DuckDB EXCEPT both ways).

    python -m pipelines.compare_warehouses BEFORE.duckdb AFTER.duckdb [--renames]

One line per relation: `identical`, `differs (N rows only before, M only after)`, `missing before`
or `missing after`, `columns differ (...)`, `column types differ (...)`, `identical rows, column order
differs`. With `--renames`, columns listed in `schemas/renames.py`
(`RENAMES = {table: {old_column: new_column}}`) are compared under their new names, and a
relation compared that way says `identical, columns renamed (old -> new, ...)`.
Exit status 0 when every relation present on both sides is identical and none is missing, else 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import duckdb

from pipelines.sql_quoting import quote_identifier, quote_literal


def load_renames() -> dict[str, dict[str, str]]:
    try:
        module = importlib.import_module("schemas.renames")
    except ModuleNotFoundError:
        return {}
    return module.RENAMES


def _relations(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, dict[str, str]]:
    """Relation -> {column: type}, columns in their order."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = 'main' order by table_name, ordinal_position",
        [catalog],
    ).fetchall()
    relations: dict[str, dict[str, str]] = {}
    for name, column, data_type in rows:
        relations.setdefault(name, {})[column] = data_type
    return relations


def _count_except(con, first: str, second: str) -> int:
    return con.execute(f"select count(*) from ({first} except all {second})").fetchone()[0]


def compare(before: Path, after: Path, renames: dict[str, dict[str, str]] | None = None) -> list[tuple[str, str]]:
    """(relation, verdict) for every relation of either database, sorted by name."""
    renames = renames or {}
    # One thread: a view's floating-point sums then add in one order, so a view recomputed on each
    # side gives the same bits (with several threads its last digits vary from query to query).
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(f"attach {quote_literal(str(before))} as before_db (read_only)")
        con.execute(f"attach {quote_literal(str(after))} as after_db (read_only)")
        old, new = _relations(con, "before_db"), _relations(con, "after_db")
        return [
            (name, _verdict(con, name, old.get(name), new.get(name), renames.get(name, {})))
            for name in sorted(set(old) | set(new))
        ]
    finally:
        con.close()


def _verdict(
    con, name: str, old_columns: dict[str, str] | None, new_columns: dict[str, str] | None, renamed: dict[str, str]
) -> str:
    if old_columns is None:
        return "missing before"
    if new_columns is None:
        return "missing after"
    renamed = {old: new for old, new in renamed.items() if old in old_columns and new in new_columns}
    as_new = [renamed.get(column, column) for column in old_columns]
    if sorted(as_new) != sorted(new_columns):
        only_before = sorted(set(as_new) - set(new_columns))
        only_after = sorted(set(new_columns) - set(as_new))
        return (
            f"columns differ (only before: {', '.join(only_before) or '-'}; only after: {', '.join(only_after) or '-'})"
        )
    retyped = [
        f"{column}: {old_columns[old]} -> {new_columns[column]}"
        for old, column in zip(old_columns, as_new, strict=True)
        if old_columns[old] != new_columns[column]
    ]
    if retyped:
        return f"column types differ ({', '.join(retyped)})"
    old_select = ", ".join(
        f"{quote_identifier(column)} as {quote_identifier(renamed.get(column, column))}" for column in old_columns
    )
    new_select = ", ".join(quote_identifier(column) for column in as_new)
    first = f"select {old_select} from before_db.main.{quote_identifier(name)}"
    second = f"select {new_select} from after_db.main.{quote_identifier(name)}"
    only_before, only_after = _count_except(con, first, second), _count_except(con, second, first)
    if only_before or only_after:
        return f"differs ({only_before} rows only before, {only_after} only after)"
    if as_new != list(new_columns):
        return "identical rows, column order differs"
    if renamed:
        return "identical, columns renamed (" + ", ".join(f"{old} -> {new}" for old, new in renamed.items()) + ")"
    return "identical"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.compare_warehouses", description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--renames", action="store_true", help="compare columns of schemas/renames.py by new name")
    args = parser.parse_args(argv)
    for path in (args.before, args.after):
        if not path.is_file():
            print(f"error: no database at {path}", file=sys.stderr)
            return 2
    try:
        verdicts = compare(args.before, args.after, load_renames() if args.renames else None)
    except duckdb.Error as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    for name, verdict in verdicts:
        print(f"{name}: {verdict}")
    return 0 if all(verdict.startswith("identical") for _, verdict in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
