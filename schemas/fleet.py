from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields, ranges
from schemas.fields import column
from schemas.provenance import Provenance
from schemas.registry import register


@register(
    "accelerator_fleet_footprint",
    primary_key=("vendor", "product_family", "year"),
    description="""
The AI-accelerator fleet per shipment series (vendor, product family) and year, computed by the
warehouse macro `accelerator_fleet(lifetime_years, utilization, pue, power_w, mass_kg)`
(warehouse/sql/40_fleet.sql) from calendar-year `units_shipped` in accelerator_shipments.
Units shipped in year S serve `lifetime_years` full years and are retired in year S + L:
installed base = shipments of years Y-L+1..Y; retired = shipments of year Y-L; energy =
installed units x rated power x utilization_fraction x PUE x 8,760 h; emissions = energy x world-average
grid intensity (grid_carbon_intensity_preferred, zone WLD); retired mass = units retired x mass
per unit. Every parameter is a column. Low / central / high follow the shipment estimates'
range (central: the midpoint of a cited range, the low end of a lower bound, the central
revenue-derived estimate); an empty high means the publisher gave only a lower bound. Besides
the cited series, the series 'data-centre accelerators (best estimate)' takes per vendor and year
the vendor's cited figure, else NVIDIA's units derived from Data Center revenue
(accelerator_unit_sales_best). Years stop at a series' last year with shipment data: no
projection. Series overlap (an "all" series contains the vendor series, the best estimate
repeats cited figures), so rows are not additive across series.
""",
)
class AcceleratorFleetFootprint(Provenance):
    year = fields.YEAR.but(description="Calendar year.")
    vendor = column(str, description="Vendor of the shipment series (all = several vendors together).")
    product_family = column(str, description="Products the shipment series covers.")
    shipments_recorded = column(
        bool, description="True when accelerator_shipments has a figure for this series and year."
    )
    units_shipped = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Units shipped in the year, low estimate.",
        central="Units shipped in the year, central estimate.",
        high="Units shipped in the year, high estimate; empty for a lower bound.",
    )
    lifetime_years = column(int, ge=1, description="Parameter: years an accelerator serves before retirement.")
    installed_base = fields.range_of(
        float,
        nullable=("high",),
        ge=0,
        low="Accelerators in service in the year (units), low: shipments of the last lifetime_years years.",
        central="Accelerators in service (units), central.",
        high="Accelerators in service (units), high; empty when a cohort has only a lower bound.",
    )
    installed_base_complete = column(
        bool,
        description="True when every year of the lifetime window has recorded shipments; false means the "
        "installed base is a lower bound.",
    )
    units_retired = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Accelerators retired in the year (units shipped lifetime_years "
        "earlier), low; empty when that year has no recorded shipments.",
        central="Accelerators retired in the year (units), central.",
        high="Accelerators retired in the year (units), high.",
    )
    utilization_fraction = column(
        float, gt=0, le=1, description="Parameter: average power draw as a share of rated power (0-1)."
    )
    pue = column(
        float, ge=1, description="Parameter: data-centre power usage effectiveness (facility energy / IT energy)."
    )
    avg_power_w = column(
        float,
        nullable=True,
        gt=0,
        description="Rated power per installed accelerator, watts, averaged over "
        "the installed cohorts (low-estimate weights).",
    )
    power_basis = column(
        str,
        description="Where each installed cohort's rated power came from: the "
        "power_w parameter, accelerator_specs_preferred, or the cited "
        "default of its reference accelerator.",
    )
    energy_twh = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Electricity of the installed base in the year incl. data-centre overhead (PUE), terawatt-hours, low.",
        central="Electricity, TWh, central.",
        high="Electricity, TWh, high.",
    )
    grid_zone_id = column(str, isin=["WLD"], description="Grid zone of the intensity: WLD (world average).")
    intensity_gco2e_per_kwh = column(
        float,
        nullable=True,
        gt=0,
        description="World-average grid carbon intensity, gCO2e/kWh (grid_carbon_intensity_preferred).",
    )
    intensity_source_id = column(str, nullable=True, description="Source of the grid intensity.")
    intensity_data_year = column(pd.Int64Dtype, nullable=True, description="Year the grid intensity describes.")
    intensity_is_carried_forward = column(
        pd.BooleanDtype, nullable=True, description="True when a later year's row reuses the latest intensity."
    )
    emissions_mtco2e = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Operational emissions, megatonnes CO2e, low (energy x intensity).",
        central="Operational emissions, Mt CO2e, central.",
        high="Operational emissions, Mt CO2e, high.",
    )
    mass_kg_per_unit = column(
        float,
        nullable=True,
        gt=0,
        description="Mass of one retired accelerator, kg (module with heatsink); empty when nothing is retired.",
    )
    mass_basis = column(
        str,
        nullable=True,
        description="Where mass_kg_per_unit came from: the mass_kg "
        "parameter, accelerator_specs_preferred, or the "
        "cited default of the reference accelerator.",
    )
    retired_mass_t = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Mass of accelerators retired in the year, tonnes, low.",
        central="Mass retired in the year, tonnes, central.",
        high="Mass retired in the year, tonnes, high.",
    )
    includes_forecast = column(
        bool, description="True when a shipment figure behind the row is a forecast, not a reported number."
    )
    shipments_citation = column(str, description="URLs of the publications behind the series' shipment figures.")

    @pa.dataframe_check(description="low <= central <= high for every range (a missing end is not compared)")
    def ranges_ordered(cls, frame):
        return ranges.ordered(
            frame,
            ("units_shipped", "installed_base", "units_retired", "energy_twh", "emissions_mtco2e", "retired_mass_t"),
        )
