"""Grid reference tables beside grid_carbon_intensity: per-technology emission factors, marginal
factors, cloud regions and half-hourly intensity, with their checks."""

import dagster as dg

from pipelines.assets.checks import (
    offending_rows_check,
    pairs_apart_check,
    primary_key_check,
    rows_per_source_check,
)
from pipelines.assets.factory import table_assets
from pipelines.resources import WarehouseResource

GROUP = "grid"
GENERATION_FACTORS = "generation_emission_factors"
MARGINAL_FACTORS = "grid_marginal_emission_factors"
CLOUD_REGIONS = "cloud_regions"
HALFHOURLY = "grid_intensity_halfhourly"
TABLES = (GENERATION_FACTORS, MARGINAL_FACTORS, CLOUD_REGIONS, HALFHOURLY)

# Provider-reported and grid-table intensities for the same cloud zone and year are compared;
# beyond this share of their mean they are reported (a warning: bases and methods differ).
CLOUD_INTENSITY_TOLERANCE = 0.25

assets = [asset for name in TABLES for asset in table_assets(name, group=GROUP)]


generation_lifecycle_at_least_direct = offending_rows_check(
    GENERATION_FACTORS,
    "generation_lifecycle_at_least_direct",
    description="A lifecycle factor is never below the direct factor of the same technology, source and date "
    "(lifecycle includes combustion).",
    sql=f"""
        select d.source_id, d.technology, d.valid_from_date, d.gco2e_per_kwh as direct, l.gco2e_per_kwh as lifecycle
        from {GENERATION_FACTORS} d join {GENERATION_FACTORS} l
          on d.source_id = l.source_id and d.technology = l.technology
         and d.valid_from_date is not distinct from l.valid_from_date
        where d.basis = 'direct' and l.basis = 'lifecycle' and l.gco2e_per_kwh < d.gco2e_per_kwh
        order by all""",
    listed_as="lifecycle_below_direct",
)


@dg.asset_check(
    asset=MARGINAL_FACTORS,
    description="Per zone, firm-energy <= intermittent-energy combined margin <= operating margin, "
    "as the IFI weighting (50/50 and 75/25 of operating and build margin) gives when "
    "the build margin is cleaner than the operating margin (a warning: it need not be).",
)
def marginal_factor_ordering(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(f"""
            pivot (select zone_id, source_id, energy_project_type, gco2_per_kwh from {MARGINAL_FACTORS})
            on energy_project_type in ('firm_energy', 'intermittent_energy', 'operating_margin')
            using first(gco2_per_kwh)""").fetchdf()
    out_of_order = rows[
        ~(
            (rows["firm_energy"] <= rows["intermittent_energy"])
            & (rows["intermittent_energy"] <= rows["operating_margin"])
        )
    ]
    return dg.AssetCheckResult(
        passed=out_of_order.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "zones_compared": len(rows),
            "out_of_order": len(out_of_order),
            "sample": dg.MetadataValue.json(out_of_order.head(20).astype(str).to_dict("records")),
        },
    )


cloud_intensity_matches_grid_table = pairs_apart_check(
    CLOUD_REGIONS,
    "cloud_intensity_matches_grid_table",
    description=f"Provider-reported intensity against grid_carbon_intensity for the same cloud zone_id and year, "
    f"every source pair; pairs further apart than {CLOUD_INTENSITY_TOLERANCE:.0%} of their mean are "
    "listed (a warning: sources differ in basis and method).",
    sql=f"""
        select c.zone_id, c.year, c.source_id as cloud_source, c.grid_gco2e_per_kwh as provider_value,
               c.grid_intensity_basis as provider_basis, g.source_id as grid_source,
               g.gco2e_per_kwh as grid_value, g.basis as grid_basis,
               abs(c.grid_gco2e_per_kwh - g.gco2e_per_kwh)
                   / ((c.grid_gco2e_per_kwh + g.gco2e_per_kwh) / 2) as relative_difference
        from {CLOUD_REGIONS} c join grid_carbon_intensity g on c.zone_id = g.zone_id and c.year = g.year
        where c.grid_gco2e_per_kwh is not null
        order by relative_difference desc, c.zone_id, c.year""",
    gap_column="relative_difference",
    tolerance=CLOUD_INTENSITY_TOLERANCE,
    listed_as="worst",
    listed_rows=25,
    additional_deps=["grid_carbon_intensity"],
)


halfhourly_periods_contiguous = offending_rows_check(
    HALFHOURLY,
    "halfhourly_periods_contiguous",
    description="Every period is 30 minutes and each zone's periods follow one another without gaps or overlaps.",
    sql=f"""
        select zone_id, source_id, period_start_utc, period_end_utc, next_start from (
            select *,
                   lead(period_start_utc) over (partition by zone_id, source_id order by period_start_utc)
                       as next_start
            from {HALFHOURLY})
        where period_end_utc - period_start_utc <> interval 30 minute
           or (next_start is not null and next_start <> period_end_utc)
        order by all limit 20""",
    listed_as="irregular_periods",
)


checks = [
    *(rows_per_source_check(name) for name in TABLES),
    *(primary_key_check(name) for name in TABLES),
    generation_lifecycle_at_least_direct,
    marginal_factor_ordering,
    cloud_intensity_matches_grid_table,
    halfhourly_periods_contiguous,
]
