"""What a published table's page in the Dagster UI shows after each materialization.

`published_metadata(table, frame)` gives the row count and column schema under Dagster's
standard keys (`dagster/row_count`, `dagster/column_schema`, which the asset page renders as
a count and a column table), a Markdown preview of the first rows and the rows per source.
The schema comes from the table's pandera model (schemas/), so the UI, the data dictionary
and datapackage.json describe the same columns.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd

from pipelines.datapackage import field_constraints
from schemas import table

PREVIEW_ROWS = 5
# Long text (citations, notes) would make the preview too wide to read.
PREVIEW_CELL_CHARS = 40


def column_schema(table_name: str) -> dg.TableSchema:
    """Dagster TableSchema of a published table, from its pandera model."""
    spec = table(table_name)
    units = spec.column_units()
    columns = []
    for name, column in spec.schema.columns.items():
        others = [f"{key} {value}" for key, value in field_constraints(column).items() if key not in ("required",)]
        columns.append(
            dg.TableColumn(
                name=name,
                type=str(column.dtype),
                description=column.description or None,
                tags={"unit": units[name]} if units[name] else None,
                constraints=dg.TableColumnConstraints(
                    nullable=column.nullable, unique=column.unique, other=others or None
                ),
            )
        )
    constraints = (
        dg.TableConstraints(other=[f"primary key ({', '.join(spec.primary_key)})"]) if spec.primary_key else None
    )
    return dg.TableSchema(columns=columns, constraints=constraints)


def markdown_preview(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    """The first rows as a Markdown table, each cell cut to a readable width."""

    def cell(value) -> str:
        if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
            return ""
        text = " ".join(str(value).split()).replace("|", "\\|")
        return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"

    head = frame.head(rows)
    lines = ["| " + " | ".join(str(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in record) + " |" for record in head.itertuples(index=False)]
    note = f"First {len(head)} of {len(frame):,} rows." if len(frame) > len(head) else f"All {len(frame):,} rows."
    return note + "\n\n" + "\n".join(lines)


def rows_per_source(frame: pd.DataFrame) -> dict[str, int]:
    if "source_id" not in frame.columns:
        return {}
    return {str(k): int(v) for k, v in frame.groupby("source_id").size().sort_index().items()}


def published_metadata(table_name: str, frame: pd.DataFrame) -> dict:
    """Metadata for a published table's materialization (see the module docstring)."""
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame)),
        "dagster/column_schema": dg.MetadataValue.table_schema(column_schema(table_name)),
        "preview": dg.MetadataValue.md(markdown_preview(frame)),
        "rows_per_source": dg.MetadataValue.json(rows_per_source(frame)),
    }
