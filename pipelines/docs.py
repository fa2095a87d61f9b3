"""The data dictionary, `docs/data-dictionary.md`, generated from the schema registry.

One section per published table: its description, primary key, every column with its type,
unit, whether it may be empty, its checks and its description, and the sources
that feed it with their licences. `python -m pipelines.docs` rewrites the file;
`python -m pipelines.docs --check` exits 1 when the committed file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines import generated_file, settings
from pipelines.datapackage import table_schema_type
from pipelines.sources import sources_for_table
from schemas import TABLES, TableSpec


def dictionary_path() -> Path:
    return settings.project_root() / "docs" / "data-dictionary.md"


_COMPARISONS = {
    "greater_than": (">", "min_value"),
    "greater_than_or_equal_to": ("≥", "min_value"),
    "less_than": ("<", "max_value"),
    "less_than_or_equal_to": ("≤", "max_value"),
    "equal_to": ("=", "value"),
}


def describe_checks(column) -> str:
    """The column's pandera checks in words, e.g. '≥ 1990, ≤ 2100' or 'one of: direct, lifecycle'."""
    parts = []
    for check in column.checks:
        stats = check.statistics or {}
        name = check.name
        if name == "isin":
            parts.append("one of: " + ", ".join(f"`{v}`" for v in stats["allowed_values"]))
        elif name == "notin":
            parts.append("none of: " + ", ".join(f"`{v}`" for v in stats["forbidden_values"]))
        elif name in _COMPARISONS:
            symbol, bound = _COMPARISONS[name]
            parts.append(f"{symbol} {stats[bound]}")
        elif name == "in_range":
            low = "≥" if stats.get("include_min", True) else ">"
            high = "≤" if stats.get("include_max", True) else "<"
            parts.append(f"{low} {stats['min_value']}, {high} {stats['max_value']}")
        elif name == "str_matches":
            parts.append(f"matches `{stats['pattern']}`")
        elif name == "str_startswith":
            parts.append(f"starts with `{stats['string']}`")
        elif name == "str_length":
            if stats.get("exact_value") is not None:
                parts.append(f"length {stats['exact_value']}")
            else:
                if stats.get("min_value") is not None:
                    parts.append(f"length ≥ {stats['min_value']}")
                if stats.get("max_value") is not None:
                    parts.append(f"length ≤ {stats['max_value']}")
        else:
            # A custom check: its name (and any statistics) is the best description we have.
            detail = ", ".join(f"{k}={v}" for k, v in stats.items())
            parts.append(f"{name}({detail})" if detail else str(name))
    return ", ".join(parts)


def _cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _type(dtype) -> str:
    frictionless = table_schema_type(dtype)
    physical = str(dtype)
    return frictionless if physical in {"str", "string", "object"} else f"{frictionless} ({physical})"


def render_table(spec: TableSpec) -> list[str]:
    lines = [f"## {spec.name}", ""]
    if spec.kind == "view":
        lines += ["*A view in the warehouse database, also released as a Parquet file.*", ""]
    lines += [spec.description, ""]
    if spec.primary_key:
        lines += ["Primary key: " + ", ".join(f"`{k}`" for k in spec.primary_key), ""]
    lines += ["| column | type | unit | required | checks | description |", "|---|---|---|---|---|---|"]
    units = spec.column_units()
    for name, column in spec.schema.columns.items():
        lines.append(
            f"| `{name}` | {_type(column.dtype)} | {units[name] or ''} | {'no' if column.nullable else 'yes'} | "
            f"{_cell(describe_checks(column))} | {_cell(column.description or '')} |"
        )
    sources = sources_for_table(spec.name)
    lines.append("")
    if sources:
        lines += [f"Sources ({len(sources)}):", ""]
        for source in sources:
            lines.append(
                f"- `{source.id}`: [{source.title}]({source.homepage}), {source.publisher}. Licence: {source.license}."
            )
    else:
        lines.append("Sources: none parse into this table directly; the pipeline derives it (see the description).")
    return lines + [""]


def render() -> str:
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from schemas/ by `python -m pipelines.docs`; edit the schemas, not this file. -->",
        "",
        "Every published table, as validated by its pandera schema in `schemas/`. Each one is a "
        "Parquet file in `<warehouse>/parquet/` and in every release, a table or view in the DuckDB "
        "database, and a resource in a release's `datapackage.json`. Types are Table Schema types "
        "with the stored type in brackets; *unit* is the column's unit (empty for text, codes, counts "
        "and ratios); *required* means the column is never empty.",
        "",
        "| table | primary key | columns |",
        "|---|---|---:|",
    ]
    for spec in TABLES.values():
        key = ", ".join(f"`{k}`" for k in spec.primary_key) or "none"
        lines.append(f"| [{spec.name}](#{spec.name}) | {key} | {len(spec.columns)} |")
    lines.append("")
    for spec in TABLES.values():
        lines += render_table(spec)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    return generated_file.main("pipelines.docs", __doc__.splitlines()[0], dictionary_path(), render(), argv)


if __name__ == "__main__":
    sys.exit(main())
