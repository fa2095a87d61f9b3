"""Grid carbon intensity: one staging asset per source, the published table and its checks."""


import dagster as dg

from pipelines.assets.factory import table_assets
from pipelines.resources import RawStore, WarehouseResource
from pipelines.sources import sources_for_table

TABLE = "grid_carbon_intensity"
DISAGREEMENT_THRESHOLD = 0.25

assets = table_assets(TABLE, group="grid")


@dg.asset_check(asset=TABLE, description="Every grid source contributed rows to the published table.")
def grid_rows_per_source(raw_store: RawStore, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        counts = dict(con.execute(f"select source_id, count(*) from {TABLE} group by 1").fetchall())
    expected = {s.id for s in sources_for_table(TABLE) if raw_store.has_snapshot(s)}
    missing = sorted(expected - set(counts))
    return dg.AssetCheckResult(passed=not missing and sum(counts.values()) > 0,
                               metadata={"rows_per_source": dg.MetadataValue.json(counts),
                                         "missing_sources": dg.MetadataValue.json(missing)})


@dg.asset_check(asset=TABLE, description="(zone_id, year, source_id, basis) is unique.")
def grid_primary_key_unique(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        duplicates = con.execute(f"""
            select zone_id, year, source_id, basis, count(*) as n from {TABLE}
            group by all having count(*) > 1 limit 20""").fetchall()
    return dg.AssetCheckResult(passed=not duplicates,
                               metadata={"duplicates": dg.MetadataValue.json([list(map(str, d)) for d in duplicates])})


@dg.asset_check(
    asset=TABLE,
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


checks = [grid_rows_per_source, grid_primary_key_unique, grid_cross_source_agreement]
