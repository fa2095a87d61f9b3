"""Grid intensity below the year (hourly, monthly) and yearly demand, with their checks."""

import dagster as dg

from pipelines.assets.checks import pairs_apart_check, primary_key_check, rows_per_source_check
from pipelines.assets.factory import table_assets
from pipelines.assets.warehouse_sql import sql_asset_keys
from pipelines.resources import WarehouseResource

GROUP = "grid"
HOURLY = "grid_intensity_hourly"
MONTHLY = "grid_intensity_monthly"
DEMAND = "electricity_demand_yearly"
TABLES = (HOURLY, MONTHLY, DEMAND)
# A zone-year's hourly mean further than this share from an annual figure of another source is
# listed. Bases (consumption vs generation, direct vs lifecycle) and vintages differ, so gaps are
# expected; the check says where they are large.
ANNUAL_GAP_TOLERANCE = 0.20

assets = [asset for name in TABLES for asset in table_assets(name, group=GROUP)]


@dg.asset_check(
    asset=HOURLY,
    additional_deps=sql_asset_keys("grid_hourly_gaps"),
    description="Each zone's hours follow one another without gaps or repeats.",
)
def hourly_series_contiguous(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute("from grid_hourly_gaps order by all limit 20").fetchall()
        count = con.execute("select count(*) from grid_hourly_gaps").fetchall()[0][0]
    return dg.AssetCheckResult(
        passed=count == 0,
        metadata={"gaps": count, "sample": dg.MetadataValue.json([[str(v) for v in r] for r in rows])},
    )


hourly_mean_matches_annual = pairs_apart_check(
    HOURLY,
    "hourly_mean_matches_annual",
    description=f"Each zone-year's hourly mean (per basis) against the annual figure of other sources for the same "
    f"zone (or its country) and year; gaps above {ANNUAL_GAP_TOLERANCE:.0%} are listed (a warning: bases "
    "and vintages differ).",
    sql="from grid_hourly_vs_annual",
    gap_column="relative_gap",
    tolerance=ANNUAL_GAP_TOLERANCE,
    listed_as="apart",
    listed_rows=40,
    additional_deps=["grid_carbon_intensity", MONTHLY, *sql_asset_keys("grid_hourly_vs_annual")],
)


checks = [
    *(rows_per_source_check(name) for name in TABLES),
    *(primary_key_check(name) for name in TABLES),
    hourly_series_contiguous,
    hourly_mean_matches_annual,
]
