"""Published columns renamed to the naming convention (docs/naming.md), old name -> new name.

The old names stay readable for one release through views in the DuckDB schema `legacy`
(`legacy.<table>`: every column, renamed ones under their old names), generated from this
dict into warehouse/sql/90_legacy_column_names.sql by `python -m pipelines.legacy_views`. Both
go in the release after next.
"""

from __future__ import annotations

_CITATION = {
    "publisher": "citation_publisher",
    "title": "citation_title",
    "url": "citation_url",
    "published": "citation_published",
    "note": "citation_note",
}

RENAMES: dict[str, dict[str, str]] = {
    "accelerator_fleet_footprint": {
        "utilization": "utilization_fraction",
        "power_w_avg": "avg_power_w",
        "emissions_mt_co2e_low": "emissions_mtco2e_low",
        "emissions_mt_co2e_central": "emissions_mtco2e_central",
        "emissions_mt_co2e_high": "emissions_mtco2e_high",
    },
    "ai_training_runs": {**_CITATION, "reported_tco2e_market_based": "reported_market_based_tco2e"},
    "accelerator_shipments": dict(_CITATION),
    "datacenter_pue": dict(_CITATION),
    "equivalences": dict(_CITATION),
    "hardware_embodied_emissions": {**_CITATION, "kgco2e": "embodied_kgco2e"},
    "chip_company_financials": {"filed": "filed_date"},
    "generation_emission_factors": {"valid_from": "valid_from_date"},
    "grid_intensity_halfhourly": {"period_start": "period_start_utc", "period_end": "period_end_utc"},
    "training_footprint_estimates": {"zone_is_assumed": "is_zone_assumed"},
}
