"""Data-centre electricity: metered (CSO Ireland), estimated shares (OWID / IEA) and cited projections."""

from pipelines.assets.checks import primary_key_check, rows_per_source_check
from pipelines.assets.factory import table_assets

TABLE = "datacenter_electricity"

assets = table_assets(TABLE, group="datacenter_electricity")
checks = [rows_per_source_check(TABLE), primary_key_check(TABLE)]
