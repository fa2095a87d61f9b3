"""The `legacy` views of renamed columns, warehouse/sql/90_legacy_column_names.sql, from schemas/renames.py.

For each table in RENAMES, a view `legacy.<table>` with every column, renamed ones under their
old names, so queries written against the old names keep working for one release.
`python -m pipelines.legacy_views` rewrites the file; `--check` exits 1 when it is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines import generated_file, settings
from schemas.renames import RENAMES


def legacy_sql_path() -> Path:
    return settings.sql_dir() / "90_legacy_column_names.sql"


def render_legacy_sql() -> str:
    """The `legacy` views: each renamed table, its columns in published order, renamed ones under their old names."""
    lines = [
        "-- requires: " + ", ".join(RENAMES),
        "-- Generated from schemas/renames.py by `python -m pipelines.legacy_views`; edit that, not this file.",
        "-- The column names published before the naming convention (docs/naming.md), kept readable",
        "-- for one release as views in the schema `legacy`: `from legacy.<table>` returns every",
        "-- column, renamed ones under their old names. Removed in the release after next.",
        "create schema if not exists legacy;",
    ]
    for name, renames in RENAMES.items():
        old_names = ", ".join(f"{new} as {old}" for old, new in renames.items())
        lines += [
            "",
            f"create or replace view legacy.{name} as",
            f"select * rename ({old_names})",
            f"from main.{name};",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    return generated_file.main(
        "pipelines.legacy_views", __doc__.splitlines()[0], legacy_sql_path(), render_legacy_sql(), argv
    )


if __name__ == "__main__":
    sys.exit(main())
