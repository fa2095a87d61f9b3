"""The single source of truth for every published table.

Each table is a pandera DataFrameModel (column types, checks, descriptions with units)
registered with its primary key and description. Validation, the Parquet field metadata,
the data dictionary and datapackage.json are all generated from this registry.
"""

from schemas.registry import TABLES, TableSpec, table

# Importing the table modules registers them.
from schemas import grid as _grid  # noqa: F401,E402
from schemas import sources as _sources  # noqa: F401,E402

__all__ = ["TABLES", "TableSpec", "table"]
