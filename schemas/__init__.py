"""The single source of truth for every published table.

Each table is a pandera DataFrameModel (column types, checks, descriptions with units)
registered with its primary key and description. Validation, the Parquet field metadata,
the data dictionary and datapackage.json are all generated from this registry. Every module
in this package registers its tables on import (`registry` and `provenance` register none).
"""

import sys

from pipelines import discovery
from schemas.registry import TABLES, TableSpec, table

discovery.modules(sys.modules[__name__])

__all__ = ["TABLES", "TableSpec", "table"]
