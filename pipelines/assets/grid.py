"""Grid carbon intensity: one staging asset per source, the published table and its checks."""

import dagster as dg

from pipelines.assets.checks import primary_key_check, rows_per_source_check
from pipelines.assets.factory import table_assets
from pipelines.assets.warehouse_sql import sql_asset_keys
from pipelines.resources import WarehouseResource

TABLE = "grid_carbon_intensity"
DISAGREEMENT_THRESHOLD = 0.25

assets = table_assets(TABLE, group="grid")


@dg.asset_check(
    asset=TABLE,
    additional_deps=sql_asset_keys("grid_source_disagreements"),
    description=f"Zone-years where sources disagree by more than {DISAGREEMENT_THRESHOLD:.0%} of their "
    "mean (a warning to read, not a failure: sources differ in basis and method).",
)
def grid_cross_source_agreement(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute("from grid_source_disagreements(?)", [DISAGREEMENT_THRESHOLD]).fetchdf()
    return dg.AssetCheckResult(
        passed=rows.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "zone_years_in_disagreement": len(rows),
            "worst": dg.MetadataValue.json(rows.head(25).astype(str).to_dict("records")),
        },
    )


checks = [rows_per_source_check(TABLE), primary_key_check(TABLE), grid_cross_source_agreement]
