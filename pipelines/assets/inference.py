"""Inference energy: measured configurations and disclosures, and the GPU-to-server factors."""

import dagster as dg

from pipelines.assets.checks import offending_rows_check, primary_key_check, rows_per_source_check
from pipelines.assets.factory import table_assets

GROUP = "inference"
MEASUREMENTS = "inference_energy_measurements"
OVERHEAD = "inference_overhead_factors"
TABLES = (MEASUREMENTS, OVERHEAD)

assets = [asset for name in TABLES for asset in table_assets(name, group=GROUP)]


per_token_matches_per_request = offending_rows_check(
    MEASUREMENTS,
    "per_token_matches_per_request",
    description="Where a row gives energy per token, per request and output tokens, J/token x tokens matches "
    "J/request within 5% (a warning: averages of different runs need not agree).",
    sql=f"""
        select measurement_id, source_id, energy_j_per_token * avg_output_tokens as j_from_tokens,
               energy_wh_per_request * 3600 as j_per_request
        from {MEASUREMENTS}
        where energy_j_per_token is not null and avg_output_tokens is not null and energy_wh_per_request is not null
          and abs(energy_j_per_token * avg_output_tokens / (energy_wh_per_request * 3600) - 1) > 0.05
        order by all limit 20""",
    listed_as="disagreeing",
    severity=dg.AssetCheckSeverity.WARN,
)


checks = [
    *(rows_per_source_check(name) for name in TABLES),
    *(primary_key_check(name) for name in TABLES),
    per_token_matches_per_request,
]
