"""The `source_priority` table: every source's rank per table, generated from the source registry.

Where a warehouse view picks one value per key from several sources (the grid intensity of a
zone-year, the specs of an accelerator), it ranks them by the `priority` each `Source` declares.
Those ranks become one table, `source_priority (table_name, source_id, priority_rank)`, written
by a generated SQL file (`sql()`) that pipelines/warehouse.py lists first among the files of
`warehouse/sql/`: it is an asset like them (`sql_source_priority`), applied to the warehouse and
to every release, and the files that rank sources require it, so no source id is written in SQL
and editing a rank makes only those views stale.

Not a published table: it describes code, not data (it has no vintage).
"""

from __future__ import annotations

import duckdb

from pipelines.sources import SOURCES, priority_ranks
from pipelines.sql_quoting import quote_literal

TABLE = "source_priority"


def rows() -> list[tuple[str, str, int]]:
    """(table_name, source_id, priority_rank) for every rank a source declares, by table then rank."""
    tables = sorted({table_name for source in SOURCES.values() for table_name in source.priority})
    return [
        (table_name, source_id, rank) for table_name in tables for source_id, rank in priority_ranks(table_name).items()
    ]


def sql() -> str:
    """The statements that create the table with every rank (what `create_table` executes)."""
    values = ",\n".join(
        f"    ({quote_literal(table_name)}, {quote_literal(source_id)}, {rank})"
        for table_name, source_id, rank in rows()
    )
    create = (
        f"create or replace table {TABLE} "
        "(table_name varchar not null, source_id varchar not null, priority_rank integer not null);\n"
    )
    return create + (f"insert into {TABLE} values\n{values};\n" if values else "")


def create_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql())
