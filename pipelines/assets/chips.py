"""Chips and hardware: accelerator specs, embodied emissions, shipments, chip-maker financials.

Each table gets one staging asset per source and the published table (pipelines/assets/factory.py);
the checks below look at what was published, including the views of warehouse/sql/2*_hardware*.sql.
"""

import dagster as dg

from pipelines.assets.checks import primary_key_check, rows_per_source, rows_per_source_check
from pipelines.assets.factory import table_assets
from pipelines.assets.warehouse_sql import sql_asset_keys
from pipelines.resources import RawStore, WarehouseResource

SPECS = "accelerator_specs"
EMBODIED = "hardware_embodied_emissions"
SHIPMENTS = "accelerator_shipments"
FINANCIALS = "chip_company_financials"
REVENUE_BY_MARKET = "chip_revenue_by_market"
CLUSTERS = "gpu_clusters"
SALES_ASSUMPTIONS = "accelerator_sales_assumptions"
# Rounded to $1 million in both sources: any larger difference is a real disagreement.
REVENUE_TOLERANCE_USD = 1_000_000
MIN_PREFERRED_ACCELERATORS = 150
PLAUSIBLE_TDP_W = (5, 1500)
TDP_DISAGREEMENT_THRESHOLD = 0.25

assets = [
    a
    for table in (SPECS, EMBODIED, SHIPMENTS, FINANCIALS, REVENUE_BY_MARKET, CLUSTERS, SALES_ASSUMPTIONS)
    for a in table_assets(table, group="chips")
]


def _json(rows) -> dg.MetadataValue:
    return dg.MetadataValue.json([[str(value) for value in row] for row in rows])


@dg.asset_check(
    asset=SPECS,
    additional_deps=sql_asset_keys("accelerator_specs_preferred"),
    description=f"accelerator_specs_preferred has one row per canonical model and "
    f"covers at least {MIN_PREFERRED_ACCELERATORS} accelerators with a TDP.",
)
def preferred_specs_one_row_per_model(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        duplicates = con.execute("""select canonical_model, count(*) from accelerator_specs_preferred
                                    group by 1 having count(*) > 1 limit 20""").fetchall()
        (models, with_tdp) = con.execute("select count(*), count(tdp_w) from accelerator_specs_preferred").fetchone()
    return dg.AssetCheckResult(
        passed=not duplicates and with_tdp >= MIN_PREFERRED_ACCELERATORS,
        metadata={"accelerators": models, "accelerators_with_tdp": with_tdp, "duplicated_keys": _json(duplicates)},
    )


@dg.asset_check(asset=SPECS, description=f"Every tdp_w lies within {PLAUSIBLE_TDP_W[0]}-{PLAUSIBLE_TDP_W[1]} W.")
def specs_tdp_plausible(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    low, high = PLAUSIBLE_TDP_W
    with warehouse.store.connect() as con:
        outliers = con.execute(
            f"""select source_id, model, tdp_w from {SPECS}
                                   where tdp_w < ? or tdp_w > ? order by tdp_w limit 20""",
            [low, high],
        ).fetchall()
    return dg.AssetCheckResult(passed=not outliers, metadata={"outliers": _json(outliers)})


@dg.asset_check(
    asset=SPECS,
    additional_deps=sql_asset_keys("accelerator_tdp_disagreements"),
    description=f"Accelerators whose sources' TDPs differ by more than {TDP_DISAGREEMENT_THRESHOLD:.0%} "
    "(a warning to read: sources mix TDP and measured average power).",
)
def specs_tdp_agreement(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute("from accelerator_tdp_disagreements(?)", [TDP_DISAGREEMENT_THRESHOLD]).fetchall()
    return dg.AssetCheckResult(
        passed=not rows, severity=dg.AssetCheckSeverity.WARN, metadata={"disagreements": _json(rows)}
    )


@dg.asset_check(
    asset=EMBODIED,
    additional_deps=sql_asset_keys("accelerator_embodied_preferred"),
    description="Every embodied-emissions source contributed rows, and "
    "accelerator_embodied_preferred has one row per accelerator.",
)
def embodied_rows_and_preferred(raw_store: RawStore, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    per_source = rows_per_source(EMBODIED, raw_store, warehouse)
    with warehouse.store.connect() as con:
        duplicates = con.execute("""select canonical_model, count(*) from accelerator_embodied_preferred
                                    group by 1 having count(*) > 1""").fetchall()
    return dg.AssetCheckResult(
        passed=per_source.passed and not duplicates,
        metadata={**per_source.metadata, "duplicated_keys": _json(duplicates)},
    )


@dg.asset_check(asset=SHIPMENTS, description="Every shipments row cites a URL, and units_high >= units_low.")
def shipments_cited(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        bad = con.execute(f"""select vendor, product_family, period, metric, citation_url from {SHIPMENTS}
                              where citation_url is null or citation_url not like 'http%'
                                 or units_high < units_low""").fetchall()
        (rows,) = con.execute(f"select count(*) from {SHIPMENTS}").fetchone()
    return dg.AssetCheckResult(passed=rows > 0 and not bad, metadata={"rows": rows, "bad_rows": _json(bad)})


@dg.asset_check(asset=FINANCIALS, description="Every company has revenue.")
def financials_have_revenue(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        without_revenue = con.execute(f"""select company from {FINANCIALS} group by company
                                          having count(*) filter (where metric like '%Revenue%') = 0""").fetchall()
    return dg.AssetCheckResult(
        passed=not without_revenue, metadata={"companies_without_revenue": _json(without_revenue)}
    )


@dg.asset_check(
    asset=REVENUE_BY_MARKET,
    additional_deps=[dg.AssetKey(FINANCIALS), *sql_asset_keys("chip_revenue_sec_comparison")],
    description="Total revenue per fiscal quarter and year agrees (within $1 million) between the earnings "
    "releases (chip_revenue_by_market) and SEC XBRL companyfacts (chip_company_financials) wherever "
    "both have the period. With the recorded archive that is only NVIDIA FY2026 Q1-Q3 and the "
    "FY2025 and FY2026 totals (companyfacts is recorded from the FY2025 10-K on, and Q4 is not a "
    "companyfacts quarter there); every other period is listed as not compared.",
)
def revenue_matches_sec(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        if not con.execute(
            f"select count(*) from information_schema.tables where table_name = '{FINANCIALS}'"
        ).fetchone()[0]:
            return dg.AssetCheckResult(
                passed=True,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"compared": 0, "note": f"{FINANCIALS} not published: nothing to compare"},
            )
        rows = con.execute(f"from chip_revenue_sec_comparison({REVENUE_TOLERANCE_USD})").fetchall()
    compared = [r for r in rows if r[4] is not None and r[5] is not None]
    differing = [r for r in compared if not r[7]]
    return dg.AssetCheckResult(
        passed=bool(compared) and not differing,
        metadata={
            "compared": len(compared),
            "differences": _json(differing),
            "periods_compared": _json([r[:4] for r in compared]),
            "periods_not_compared": len(rows) - len(compared),
        },
    )


@dg.asset_check(
    asset=CLUSTERS,
    additional_deps=sql_asset_keys("cluster_power_by_country_year"),
    description="gpu_clusters has rows and cluster_power_by_country_year has one row "
    "per country, year and status group (operational, planned and "
    "decommissioned capacity never summed together).",
)
def cluster_power_view_keyed(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        (rows,) = con.execute(f"select count(*) from {CLUSTERS}").fetchone()
        repeated = con.execute("""select country, year, status_group, count(*) from cluster_power_by_country_year
                                  group by all having count(*) > 1 limit 20""").fetchall()
        groups = dict(
            con.execute(
                "select status_group, sum(power_capacity_mw) from cluster_power_by_country_year group by 1"
            ).fetchall()
        )
    return dg.AssetCheckResult(
        passed=rows > 0 and not repeated,
        metadata={
            "clusters": rows,
            "repeated_keys": _json(repeated),
            "power_capacity_mw_by_status": dg.MetadataValue.json({k: float(v or 0) for k, v in groups.items()}),
        },
    )


checks = [
    rows_per_source_check(SPECS),
    preferred_specs_one_row_per_model,
    specs_tdp_plausible,
    specs_tdp_agreement,
    embodied_rows_and_preferred,
    shipments_cited,
    primary_key_check(FINANCIALS),
    financials_have_revenue,
    revenue_matches_sec,
    cluster_power_view_keyed,
]
