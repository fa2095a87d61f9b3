"""E-waste statistics: one staging asset per source, the published table and its checks."""

import dagster as dg

from pipelines.assets.checks import rows_per_source_check
from pipelines.assets.factory import table_assets
from pipelines.resources import WarehouseResource

TABLE = "ewaste_statistics"
# Per-capita figures are rounded as published (7.8 kg, 7.3 kg) and populations are mid-year
# estimates; a gap above 10 % is more than rounding can explain.
PER_CAPITA_TOLERANCE = 0.10

assets = table_assets(TABLE, group="ewaste")


@dg.asset_check(
    asset=TABLE,
    description=f"Total and per-capita series whose per-capita value differs from total / population by more "
                f"than {PER_CAPITA_TOLERANCE:.0%} (a warning listing them: the publishers' figures are kept "
                "as published).",
)
def ewaste_per_capita_consistency(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        disagreements = con.execute("from ewaste_per_capita_disagreements(?)", [PER_CAPITA_TOLERANCE]).fetchdf()
        # A negative tolerance lets every comparable pair through: the number of pairs checked.
        checked = con.execute("select count(*) from ewaste_per_capita_disagreements(-1)").fetchone()[0]
        unchecked = con.execute("select count(*) from ewaste_per_capita_pairs_without_population()").fetchone()[0]
    return dg.AssetCheckResult(
        passed=disagreements.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "pairs_checked": checked,
            "pairs_without_population": unchecked,
            "disagreements": len(disagreements),
            "listed": dg.MetadataValue.json(disagreements.head(50).astype(str).to_dict("records")),
        },
    )


checks = [rows_per_source_check(TABLE), ewaste_per_capita_consistency]
