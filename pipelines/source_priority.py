"""The `source_priority` table: every source's rank per table, generated from the source registry.

Where a warehouse view picks one value per key from several sources (the grid intensity of a
zone-year, the specs of an accelerator), it ranks them by the `priority` each `Source` declares.
The warehouse writes those ranks as one table, `source_priority (table_name, source_id,
priority_rank)`, into every database it builds (and into every release's), before it applies
`warehouse/sql/`; the SQL derives the per-table tables it joins (`grid_source_priority`,
`accelerator_source_priority`) from it, so no source id is written in SQL.

Not a published table: it describes code, not data (it has no vintage), and changes only with
the source modules. Its digest is part of the SQL build digest, so editing a rank rebuilds the
views the next time a table is published.
"""

from __future__ import annotations

import hashlib

import duckdb

from pipelines.sources import SOURCES, priority_ranks

TABLE = "source_priority"


def rows() -> list[tuple[str, str, int]]:
    """(table_name, source_id, priority_rank) for every rank a source declares, by table then rank."""
    tables = sorted({table_name for source in SOURCES.values() for table_name in source.priority})
    return [(table_name, source_id, rank) for table_name in tables
            for source_id, rank in priority_ranks(table_name).items()]


def create_table(con: duckdb.DuckDBPyConnection) -> None:
    ranks = rows()
    con.execute(f"create or replace table {TABLE} "
                "(table_name varchar not null, source_id varchar not null, priority_rank integer not null)")
    if ranks:
        con.executemany(f"insert into {TABLE} values (?, ?, ?)", ranks)


def digest() -> bytes:
    return hashlib.sha256(repr(rows()).encode()).digest()
