"""Published training runs compiled by hand from papers and articles (pipelines/curated/).

ai_training_runs_curated.csv holds runs whose energy or emissions were published outside the
Llama model cards: Patterson et al. 2021 (GPT-3, T5, Meena, GShard, Switch Transformer,
Evolved Transformer), Luccioni et al. 2022 (BLOOM), the OPT and LLaMA papers, Strubell et al.
2019 and a third-party GPT-4 estimate. Each row keeps the figures as published and a quote
in `citation_note`; a blank cell means the publication does not state the value.
"""

from __future__ import annotations

import pandas as pd

from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import BASIC_CITATION, read_curated

RUNS = "ai_training_runs_curated.csv"
_TEXT_COLUMNS = ["model", "organization", "hardware", "location", "zone_id"]
_NUMBER_COLUMNS = [
    "year",
    "hardware_count",
    "training_hours",
    "gpu_hours",
    "power_w",
    "pue",
    "grid_gco2e_per_kwh",
    "reported_energy_mwh",
    "reported_tco2e",
]


def parse_training_runs(raw: RawSource) -> pd.DataFrame:
    frame = read_curated(raw, RUNS, [*_TEXT_COLUMNS, *_NUMBER_COLUMNS, *BASIC_CITATION])
    numbers = {column: raw.to_number(RUNS, frame, column) for column in _NUMBER_COLUMNS}
    return frame.assign(
        **numbers,
        # Resolved against accelerator_specs_preferred when the table is published.
        canonical_model=None,
        # None of the curated publications reports a market-based figure.
        reported_market_based_tco2e=float("nan"),
        source_file=RUNS,
    )


SOURCE = Source(
    id="curated_training_runs",
    title="aifootprint curated AI training runs (papers and articles)",
    publisher="aifootprint contributors (each row cites its original publisher)",
    license="MIT, as the aifootprint code (the compilation); each figure remains its cited publisher's",
    homepage="pipelines/curated/ in the aifootprint repository",
    description="Training runs with their stated hardware, hours, power, PUE, grid intensity and reported "
    "energy and emissions, compiled by hand from the publications cited on each row.",
    curated=True,
    files=(SourceFile(RUNS, f"pipelines/curated/{RUNS}", "csv", "2026-11-25"),),
    parsers={"ai_training_runs": parse_training_runs},
)
