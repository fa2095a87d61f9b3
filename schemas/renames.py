"""Published columns renamed to the naming convention (docs/naming.md), table -> {old: new}.

The release CHANGELOG lists them, and the old names stay readable for one release as views in
the DuckDB schema `legacy`.
"""

RENAMES: dict[str, dict[str, str]] = {
    "accelerator_fleet_footprint": {
        "utilization": "utilization_fraction",
        "power_w_avg": "avg_power_w",
        "emissions_mt_co2e_low": "emissions_mtco2e_low",
        "emissions_mt_co2e_central": "emissions_mtco2e_central",
        "emissions_mt_co2e_high": "emissions_mtco2e_high",
    },
}
