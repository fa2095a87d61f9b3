"""Minerals: production and reserves by country (USGS) and their roles in the hardware (curated)."""

from pipelines.assets.checks import primary_key_check, rows_per_source_check
from pipelines.assets.factory import table_assets

TABLES = ("mineral_production", "mineral_uses")

assets = [a for name in TABLES for a in table_assets(name, group="minerals")]
checks = [check for name in TABLES for check in (rows_per_source_check(name), primary_key_check(name))]
