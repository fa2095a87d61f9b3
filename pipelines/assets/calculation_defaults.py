"""The cited defaults the footprint and fleet calculations read (warehouse/sql/05_calculation_defaults.sql)."""

from pipelines.assets.checks import primary_key_check, rows_per_source_check
from pipelines.assets.factory import table_assets

TABLE = "calculation_defaults"

assets = table_assets(TABLE, group="calculation_defaults")
checks = [rows_per_source_check(TABLE), primary_key_check(TABLE)]
