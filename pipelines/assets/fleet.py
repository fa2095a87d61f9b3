"""The accelerator fleet footprint: shipments -> installed base -> energy, emissions, retired mass.

The asset runs the fleet model (pipelines/fleet.py) with its run config, validates the rows and
publishes them; `aifootprint fleet` runs the same model with the same defaults, so the two
cannot drift apart.
"""

from dataclasses import asdict

import dagster as dg
from pydantic import Field

from pipelines.assets.factory import published_code_version
from pipelines.assets.table_metadata import published_metadata
from pipelines.assets.warehouse_sql import sql_asset_keys
from pipelines.fleet import DEFAULT_LIFETIME_YEARS, DEFAULT_PUE, DEFAULT_UTILIZATION, FleetParameters, fleet_frame
from pipelines.resources import WarehouseResource
from pipelines.validation import validate

TABLE = "accelerator_fleet_footprint"


class FleetConfig(dg.Config):
    """Fleet assumptions; every one becomes a column of the published table."""

    lifetime_years: int = Field(
        default=DEFAULT_LIFETIME_YEARS, description="Years an accelerator serves before it is retired (3-5 cited)."
    )
    utilization: float = Field(
        default=DEFAULT_UTILIZATION, description="Average power draw as a share of rated power, (0, 1]."
    )
    pue: float = Field(default=DEFAULT_PUE, description="Data-centre power usage effectiveness, >= 1.")
    power_w: float | None = Field(
        default=None, description="Rated power of every accelerator, W; unset: each cohort's reference accelerator."
    )
    mass_kg: float | None = Field(
        default=None, description="Mass of every retired accelerator, kg; unset: each cohort's reference accelerator."
    )

    def parameters(self) -> FleetParameters:
        return FleetParameters(self.lifetime_years, self.utilization, self.pue, self.power_w, self.mass_kg)


@dg.asset(
    name=TABLE,
    deps=sql_asset_keys("accelerator_fleet", "fleet_accelerator_specs", "fleet_unit_sales_best"),
    group_name="fleet",
    kinds={"duckdb", "parquet"},
    code_version=published_code_version(TABLE),
    description="Installed base, electricity, emissions and retired mass of AI accelerators per shipment series "
    "and year (macro accelerator_fleet in warehouse/sql/40_fleet.sql).",
)
def accelerator_fleet_footprint(
    context: dg.AssetExecutionContext, config: FleetConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    parameters = config.parameters()
    with warehouse.store.connect() as con:
        frame = fleet_frame(con, parameters)
    frame = validate(TABLE, frame)
    result = warehouse.publish(TABLE, frame)
    context.log.info(f"fleet parameters: {parameters.describe()}")
    return dg.MaterializeResult(
        metadata={**result, **published_metadata(TABLE, frame), "parameters": dg.MetadataValue.json(asdict(parameters))}
    )


@dg.asset_check(
    asset=TABLE,
    description="Every calendar year with recorded accelerator shipments has its row, "
    "and the installed base balances: this year's = last year's + shipped "
    "- retired, wherever all three are known.",
)
def fleet_covers_shipments_and_balances(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        missing = con.execute(f"""
            select distinct s.vendor, s.product_family, try_cast(s.period as integer) as year
            from accelerator_shipments s
            anti join {TABLE} f on f.vendor = s.vendor and f.product_family = s.product_family
                               and f.year = try_cast(s.period as integer)
            where s.metric = 'units_shipped' and regexp_full_match(s.period, '[0-9]{{4}}')
            order by all""").fetchall()
        unbalanced = con.execute(f"""
            select f.vendor, f.product_family, f.year, f.installed_base_low, previous.installed_base_low as previous,
                   f.units_shipped_low, f.units_retired_low
            from {TABLE} f
            join {TABLE} previous on previous.vendor = f.vendor and previous.product_family = f.product_family
                                 and previous.year = f.year - 1
            where f.units_retired_low is not null
              and abs(f.installed_base_low - (previous.installed_base_low + coalesce(f.units_shipped_low, 0)
                                              - f.units_retired_low)) > 0.5
            order by all""").fetchall()
    return dg.AssetCheckResult(
        passed=not missing and not unbalanced,
        metadata={
            "shipment_years_without_row": dg.MetadataValue.json([list(map(str, r)) for r in missing]),
            "unbalanced_years": dg.MetadataValue.json([list(map(str, r)) for r in unbalanced]),
        },
    )


assets = [accelerator_fleet_footprint]
checks = [fleet_covers_shipments_and_balances]
