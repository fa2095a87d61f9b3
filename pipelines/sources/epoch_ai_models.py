"""Epoch AI: Notable AI Models (notable_ai_models.csv), as training runs.

One row per model with its publication date, organisation, parameters, training compute (FLOP),
training hardware and quantity, training time, hardware utilisation (MFU) and Epoch's modelled
training power draw. Many text fields are multi-line quoted (read with a real CSV parser);
numbers are floats in scientific notation; a blank cell means Epoch does not state the value.

What this parser keeps apart, on purpose:
* "Training power draw (W)" is Epoch's modelled power of the whole training cluster, hardware TDP
  x quantity with server and data-centre overhead already included, so it is
  `cluster_power_draw_w` and never gets a PUE again (it is not `power_w`, the per-accelerator
  power the other sources give).
* "Country (of organization)" is where the organisation is based, not where the model was
  trained: it is `organization_country`, and location and zone_id stay empty (the estimates
  then use the world average).
* "Training hardware" is kept as Epoch names it, several types comma-separated; a run is never
  given hardware Epoch does not state.

Only models for which Epoch states something about training (compute, hardware, quantity, time
or power draw) are training runs; the others are left out (counted in the parser notes). The
citation is Epoch's database (figures are often Epoch's own estimates); the model's publication
is named in `citation_note`. Live mode reads Epoch's own export (epoch.ai/data/notable_ai_models.csv),
the layout recorded here.
"""

from __future__ import annotations

import logging

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

MODELS = "notable_ai_models.csv"
URL = "https://epoch.ai/data/notable-ai-models"
log = logging.getLogger(__name__)

_NUMBERS = {
    "Parameters": "parameter_count",
    "Training compute (FLOP)": "training_compute_flop",
    "Hardware quantity": "hardware_count",
    "Training time (hours)": "training_hours",
    "Hardware utilization (MFU)": "hardware_utilization_fraction",
    "Training power draw (W)": "cluster_power_draw_w",
}
_TRAINING = [
    "Training compute (FLOP)",
    "Training hardware",
    "Hardware quantity",
    "Training time (hours)",
    "Training power draw (W)",
]
_COLUMNS = [
    "Model",
    "Organization",
    "Publication date",
    "Country (of organization)",
    "Link",
    "Confidence",
    *_NUMBERS,
    "Training hardware",
]


def parse_training_runs(raw: RawSource) -> pd.DataFrame:
    frame = raw.csv(MODELS, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(MODELS, frame, _COLUMNS)
    frame = frame.apply(lambda column: column.str.strip())
    unnamed = frame["Model"].isna()
    if unnamed.any():
        raise SourceFormatError(
            raw.source_id,
            MODELS,
            f"{int(unnamed.sum())} row(s) without a model name",
            column="Model",
            sample_rows=frame[unnamed].head(5).to_dict("records"),
        )
    repeated = frame["Model"].duplicated(keep=False)
    if repeated.any():
        raise SourceFormatError(
            raw.source_id,
            MODELS,
            "model names repeat",
            column="Model",
            sample_rows=frame[repeated].head(5).to_dict("records"),
        )
    about_training = frame[_TRAINING].notna().any(axis=1)
    published = pd.to_datetime(frame["Publication date"], format="%Y-%m-%d", errors="coerce")
    bad_date = published.isna() & frame["Publication date"].notna()
    if bad_date.any():
        raise SourceFormatError(
            raw.source_id,
            MODELS,
            "publication date not YYYY-MM-DD",
            column="Publication date",
            sample_rows=frame[bad_date].head(5).to_dict("records"),
        )
    kept = about_training & published.notna()
    log.info(
        f"{raw.source_id}/{MODELS}: {int((~kept).sum())} of {len(frame)} models left out (no training "
        "compute, hardware, quantity, time or power draw stated, or no publication date)"
    )
    frame, published = frame[kept], published[kept]
    numbers = {name: raw.to_number(MODELS, frame, column) for column, name in _NUMBERS.items()}
    for name, values in numbers.items():
        infinite = values.abs() == float("inf")
        if infinite.any():
            raise SourceFormatError(
                raw.source_id,
                MODELS,
                "infinite value",
                column=name,
                sample_rows=frame[infinite].head(5).to_dict("records"),
            )
    note = (
        "Epoch AI record; model published "
        + frame["Publication date"]
        + " at "
        + frame["Link"].fillna("(no link given)")
        + "; Epoch confidence: "
        + frame["Confidence"].fillna("not given")
    )
    return pd.DataFrame(
        {
            "model": frame["Model"],
            "organization": frame["Organization"],
            "year": published.dt.year,
            "hardware": frame["Training hardware"],
            "canonical_model": None,
            "hardware_count": numbers["hardware_count"].round().astype("Int64"),
            "training_hours": numbers["training_hours"],
            "gpu_hours": float("nan"),
            "power_w": float("nan"),
            "pue": float("nan"),
            "location": None,
            "zone_id": None,
            "grid_gco2e_per_kwh": float("nan"),
            "reported_energy_mwh": float("nan"),
            "reported_tco2e": float("nan"),
            "reported_market_based_tco2e": float("nan"),
            "training_compute_flop": numbers["training_compute_flop"],
            "parameter_count": numbers["parameter_count"],
            "hardware_utilization_fraction": numbers["hardware_utilization_fraction"],
            "cluster_power_draw_w": numbers["cluster_power_draw_w"],
            "organization_country": frame["Country (of organization)"],
            "citation_publisher": "Epoch AI",
            "citation_title": "Data on Notable AI Models",
            "citation_url": URL,
            # The database's date, not the model's: the model's is in `year` and `citation_note`.
            "citation_published": None,
            "citation_note": note,
            "source_file": MODELS,
        }
    ).reset_index(drop=True)


SOURCE = Source(
    id="epoch_ai_models",
    title="Epoch AI: Notable AI Models database",
    publisher="Epoch AI",
    license="CC-BY-4.0 (cite 'Epoch AI, Data on Notable AI Models')",
    homepage=URL,
    description="Notable ML models with publication date, organisation, parameters, training compute, training "
    "hardware and quantity, training time, utilisation and modelled training power draw.",
    files=(SourceFile(MODELS, "https://epoch.ai/data/notable_ai_models.csv", "csv"),),
    parsers={"ai_training_runs": parse_training_runs},
)
