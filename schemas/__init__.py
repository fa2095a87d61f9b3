"""The single source of truth for every published table.

Each table is a pandera DataFrameModel (column types, checks, descriptions with units)
registered with its primary key and description. Validation, the Parquet field metadata,
the data dictionary and datapackage.json are all generated from this registry. Every module
in this package registers its tables on import.
"""

import importlib
import pkgutil

from schemas.registry import TABLES, TableSpec, table

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name not in {"registry", "provenance"} and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["TABLES", "TableSpec", "table"]
