"""Parser helpers shared by the sources of accelerator_specs: numeric cells and the staging shape."""

from __future__ import annotations

import pandas as pd

from pipelines.hardware import canonical_model, infer_vendor

DATASHEET_NUMBERS = (
    "tdp_w",
    "memory_gb",
    "release_year",
    "peak_tflops_fp32",
    "peak_tflops_fp16",
    "process_nm",
    "die_area_mm2",
)
SPEC_COLUMNS = (
    "vendor",
    "model",
    "canonical_model",
    "kind",
    *DATASHEET_NUMBERS,
    "mass_kg",
    "reference",
    "source_file",
)
# How the hardware files mark an empty cell besides leaving it empty.
MISSING_MARKERS = ("", "nan", "unk")


def numeric_column(raw, file: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A numeric column where MISSING_MARKERS mean no value; anything else non-numeric is an error."""
    cells = frame[column].astype("string").str.strip()
    blank = cells.isna() | cells.str.lower().isin(MISSING_MARKERS)
    return raw.to_number(file, frame.assign(**{column: cells.mask(blank)}), column)


def finish_specs(frame: pd.DataFrame, source_file: str) -> pd.DataFrame:
    """Staging rows of accelerator_specs: vendor and canonical key from the name, every column present.

    `frame` holds `model`, `kind` and whichever spec columns the source gives. A memory column
    only picks the key's memory where the name lists several ("40/80GB").
    """
    frame = frame.assign(model=frame["model"].astype(str).str.strip())
    memory = frame["memory_gb"] if "memory_gb" in frame else pd.Series(None, index=frame.index, dtype=float)
    frame = frame.assign(
        vendor=[infer_vendor(m) for m in frame["model"]],
        canonical_model=[canonical_model(m, memory_gb=g) for m, g in zip(frame["model"], memory, strict=True)],
        source_file=source_file,
    )
    for column in SPEC_COLUMNS:
        if column not in frame:
            frame[column] = (
                pd.array([pd.NA] * len(frame), dtype="Int64")
                if column == "release_year"
                else None
                if column == "reference"
                else float("nan")
            )
    return frame[list(SPEC_COLUMNS)].reset_index(drop=True)
