"""Hand-curated inference figures (pipelines/curated/), one citation per row.

* inference_disclosures.csv: per-prompt energy or emissions that AI providers publish about
  their own services (Google's median Gemini prompt, Mistral's life-cycle assessment, OpenAI's
  average ChatGPT query), each with the scope it counts. Figures a provider does not publish
  (Mistral gives no energy) stay empty rather than being derived.
* inference_overhead_factors.csv: cited multipliers from GPU-only measurements to the whole
  server, with a low/central/high range, used by the inference estimate (50_inference.sql).
"""

from __future__ import annotations

import pandas as pd

from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import CITATION, read_curated

DISCLOSURES = "inference_disclosures.csv"
OVERHEAD = "inference_overhead_factors.csv"
_MEASUREMENT_COLUMNS = [
    "model_name",
    "total_params_billions",
    "active_params_billions",
    "architecture",
    "gpu_count",
    "max_batch_size",
    "avg_batch_size",
    "precision",
    "avg_output_tokens",
    "energy_j_per_token",
    "avg_power_w",
    "energy_score_stars",
    "size_class",
]


def parse_disclosures(raw: RawSource) -> pd.DataFrame:
    columns = [
        "measurement_id",
        "model",
        "task",
        "request_unit",
        "energy_wh_per_request",
        "gco2e_per_request",
        "measurement_scope",
        "hardware",
        *CITATION,
    ]
    frame = read_curated(raw, DISCLOSURES, columns)
    energy = raw.to_number(DISCLOSURES, frame, "energy_wh_per_request")
    return frame.assign(
        energy_wh_per_request=energy,
        energy_kwh_per_1000_queries=energy,
        gco2e_per_request=raw.to_number(DISCLOSURES, frame, "gco2e_per_request"),
        task_as_published=frame["task"],
        source_file=DISCLOSURES,
        **{c: None for c in _MEASUREMENT_COLUMNS},
    )


def parse_overhead_factors(raw: RawSource) -> pd.DataFrame:
    columns = [
        "factor_id",
        "from_scope",
        "to_scope",
        "factor_low",
        "factor_central",
        "factor_high",
        "description",
        *CITATION,
    ]
    frame = read_curated(raw, OVERHEAD, columns)
    return frame.assign(
        **{c: raw.to_number(OVERHEAD, frame, c) for c in ("factor_low", "factor_central", "factor_high")},
        source_file=OVERHEAD,
    )


SOURCE = Source(
    id="curated_inference",
    title="aifootprint curated inference figures (provider disclosures per prompt, GPU-to-server factors)",
    publisher="aifootprint contributors (each row cites its original publisher)",
    license="MIT, as the aifootprint code (the compilation); each figure remains its cited publisher's",
    homepage="pipelines/curated/ in the aifootprint repository",
    description="First-party per-prompt energy and emissions disclosures and cited overhead factors from "
    "GPU-only to server energy, one citation per row.",
    curated=True,
    files=(
        SourceFile(DISCLOSURES, f"pipelines/curated/{DISCLOSURES}", "csv", "2026-12-01"),
        SourceFile(OVERHEAD, f"pipelines/curated/{OVERHEAD}", "csv", "2026-12-01"),
    ),
    parsers={"inference_energy_measurements": parse_disclosures, "inference_overhead_factors": parse_overhead_factors},
)
