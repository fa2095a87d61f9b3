"""Inference energy: measured configurations and disclosures, and the GPU-to-server factors."""

import dagster as dg

from pipelines.assets.checks import primary_key_check, rows_per_source_check
from pipelines.assets.factory import table_assets
from pipelines.resources import WarehouseResource

GROUP = "inference"
MEASUREMENTS = "inference_energy_measurements"
OVERHEAD = "inference_overhead_factors"
TABLES = (MEASUREMENTS, OVERHEAD)

assets = [asset for name in TABLES for asset in table_assets(name, group=GROUP)]


@dg.asset_check(asset=MEASUREMENTS,
                description="Where a row gives energy per token, per request and output tokens, J/token x tokens "
                            "matches J/request within 5% (a warning: averages of different runs need not agree).")
def per_token_matches_per_request(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(f"""
            select measurement_id, source_id, energy_j_per_token * avg_output_tokens as j_from_tokens,
                   energy_wh_per_request * 3600 as j_per_request
            from {MEASUREMENTS}
            where energy_j_per_token is not null and avg_output_tokens is not null and energy_wh_per_request is not null
              and abs(energy_j_per_token * avg_output_tokens / (energy_wh_per_request * 3600) - 1) > 0.05
            order by all limit 20""").fetchall()
    return dg.AssetCheckResult(passed=not rows, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"disagreeing": dg.MetadataValue.json([[str(v) for v in r] for r in rows])})


checks = [*(rows_per_source_check(name) for name in TABLES), *(primary_key_check(name) for name in TABLES),
          per_token_matches_per_request]
