"""E-waste statistics: one staging asset per source, the published table and its checks."""

import dagster as dg

from pipelines.assets.checks import rows_per_source_check
from pipelines.assets.factory import table_assets
from pipelines.assets.warehouse_sql import sql_asset_keys
from pipelines.resources import WarehouseResource

TABLE = "ewaste_statistics"
# Per-capita figures are rounded as published (7.8 kg, 7.3 kg) and populations are mid-year
# estimates; a gap above 10 % is more than rounding can explain.
PER_CAPITA_TOLERANCE = 0.10

assets = table_assets(TABLE, group="ewaste")


@dg.asset_check(
    asset=TABLE,
    additional_deps=sql_asset_keys("ewaste_per_capita_disagreements"),
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


def rankings_mixing_rate_definitions(con) -> list[dict]:
    """Views that rank rates of different definitions together.

    A view qualifies when it has `year`, `rate_definition` and a `*_rank` column. Ranked within
    each year and definition, the ranks of one definition start at 1 and never exceed its row
    count; rows ranked among another definition's rows break one of the two.
    """
    candidates = con.execute("""
        select table_name, list(column_name) filter (where column_name like '%\\_rank' escape '\\')
        from information_schema.columns
        where table_schema = 'main'
          and table_name in (select view_name from duckdb_views() where not internal)
        group by table_name
        having bool_or(column_name = 'rate_definition') and bool_or(column_name = 'year')
           and bool_or(column_name like '%\\_rank' escape '\\')
        order by table_name""").fetchall()
    mixed = []
    for view, rank_columns in candidates:
        for rank_column in sorted(rank_columns):
            rows = con.execute(f"""
                select year, rate_definition, min("{rank_column}") as first_rank,
                       max("{rank_column}") as last_rank, count(*) as rows_ranked
                from "{view}" where rate_definition is not null and "{rank_column}" is not null
                group by year, rate_definition
                having min("{rank_column}") <> 1 or max("{rank_column}") > count(*)
                order by year, rate_definition""").fetchall()
            mixed += [
                {
                    "view": view,
                    "rank_column": rank_column,
                    "year": year,
                    "rate_definition": definition,
                    "first_rank": first,
                    "last_rank": last,
                    "rows_ranked": count,
                }
                for year, definition, first, last, count in rows
            ]
    return mixed


@dg.asset_check(
    asset=TABLE,
    additional_deps=sql_asset_keys("ewaste_recycling_rate_ranked"),
    description="Fails if a warehouse view ranks recycling rates of different definitions (recycled / generated "
    "and recycled / collected) together: each definition's ranks must start at 1 within a year.",
)
def ewaste_rate_definitions_ranked_apart(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        mixed = rankings_mixing_rate_definitions(con)
    return dg.AssetCheckResult(
        passed=not mixed,
        metadata={
            "mixed_rankings": len(mixed),
            "listed": dg.MetadataValue.json([{k: str(v) for k, v in m.items()} for m in mixed[:50]]),
        },
    )


checks = [rows_per_source_check(TABLE), ewaste_per_capita_consistency, ewaste_rate_definitions_ranked_apart]
