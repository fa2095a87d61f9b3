"""Epoch AI: Machine Learning Hardware (ml_hardware.csv) and GPU Clusters (gpu_clusters.csv).

ml_hardware.csv: one row per ML chip with rates in base SI units (FLOP/s, bytes, byte/s, W),
release date, price, die size and process node; multi-line quoted Notes (read with a real CSV
parser). Each row becomes an accelerator_specs row under the same canonical_model key as the
other sources (pipelines/hardware.py), so "NVIDIA H100 SXM5 80GB" joins ML CO2 Impact's
"H100 SXM" as h100-sxm. `peak_tflops_fp16` takes Epoch's tensor FP16/BF16 figure (dense),
else its plain FP16 figure; `peak_tflops_fp32` its FP32 figure. Memory in bytes becomes GB
(10^9 bytes). The one CPU (Type 'Hybrid CPU') is left out, as the schema leaves CPUs out. A
generic name of a model sold in several memory sizes ("NVIDIA A100") takes the size in Epoch's
memory column into its key (a100-sxm-40gb), as a name stating it would.

gpu_clusters.csv: Epoch's AI supercomputers, existing, planned and decommissioned. Rows repeated
byte for byte in the file are kept once, and rows Epoch marks as a possible duplicate of
another cluster are dropped (Epoch: filter these before aggregating); both counts are logged.
Power capacity is Epoch's (reported where a source states it, else calculated from the chips):
a capacity in MW, not metered electricity. Anonymised clusters share one name; their
cluster_id adds the occurrence in the file ("Anonymized Chinese System #3").

Live mode reads Epoch's own CSV exports (epoch.ai/data/*.csv), whose layout is the one
recorded here; newer vintages add rows.
"""

from __future__ import annotations

import logging

import pandas as pd

from pipelines import hardware
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._specs import finish_specs, numeric_column

HARDWARE = "ml_hardware.csv"
CLUSTERS = "gpu_clusters.csv"
log = logging.getLogger(__name__)

_KINDS = {"GPU": "gpu", "TPU": "tpu"}
_NOT_ACCELERATORS = {"Hybrid CPU"}
_HARDWARE_COLUMNS = [
    "Hardware name",
    "Manufacturer",
    "Type",
    "Release date",
    "Tensor-FP16/BF16 performance (FLOP/s)",
    "FP16 (half precision) performance (FLOP/s)",
    "FP32 (single precision) performance (FLOP/s)",
    "Memory (bytes)",
    "TDP (W)",
    "Die Size (mm^2)",
    "Process size (nm)",
    "Link to datasheet",
]


def _read(raw: RawSource, name: str, columns: list[str]) -> pd.DataFrame:
    frame = raw.csv(name, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(name, frame, columns)
    return frame


def _numbers(raw: RawSource, name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    values = numeric_column(raw, name, frame, column)
    infinite = values.abs() == float("inf")
    if infinite.any():
        raise SourceFormatError(
            raw.source_id, name, "infinite value", column=column, sample_rows=frame[infinite].head(5).to_dict("records")
        )
    return values


def parse_accelerator_specs(raw: RawSource) -> pd.DataFrame:
    frame = _read(raw, HARDWARE, _HARDWARE_COLUMNS)
    frame = frame[frame["Hardware name"].notna() & ~frame["Type"].isin(_NOT_ACCELERATORS)]
    number = {
        column: _numbers(raw, HARDWARE, frame, column)
        for column in _HARDWARE_COLUMNS
        if column not in ("Hardware name", "Manufacturer", "Type", "Release date", "Link to datasheet")
    }
    released = pd.to_datetime(frame["Release date"], format="%Y-%m-%d", errors="coerce")
    bad_date = released.isna() & frame["Release date"].notna()
    if bad_date.any():
        raise SourceFormatError(
            raw.source_id,
            HARDWARE,
            "release date not YYYY-MM-DD",
            column="Release date",
            sample_rows=frame[bad_date].head(5).to_dict("records"),
        )
    tensor = number["Tensor-FP16/BF16 performance (FLOP/s)"]
    specs = pd.DataFrame(
        {
            "model": frame["Hardware name"],
            "kind": [
                _KINDS.get(kind, "tpu" if "tpu" in str(name).lower() else "other")
                for kind, name in zip(frame["Type"], frame["Hardware name"], strict=True)
            ],
            "tdp_w": number["TDP (W)"],
            "memory_gb": number["Memory (bytes)"] / 1e9,
            "release_year": released.dt.year.astype("Int64"),
            "peak_tflops_fp16": tensor.fillna(number["FP16 (half precision) performance (FLOP/s)"]) / 1e12,
            "peak_tflops_fp32": number["FP32 (single precision) performance (FLOP/s)"] / 1e12,
            "process_nm": number["Process size (nm)"],
            "die_area_mm2": number["Die Size (mm^2)"],
            "reference": frame["Link to datasheet"].str.split().str[0],
        }
    )
    specs = finish_specs(specs, HARDWARE)
    # Epoch lists generic rows ("NVIDIA A100") beside the memory variants and gives their memory
    # in its own column: that memory picks the variant, as a name stating it would.
    specs["canonical_model"] = [
        hardware.with_stated_memory(key, memory)
        for key, memory in zip(specs["canonical_model"], specs["memory_gb"], strict=True)
    ]
    # Epoch names the maker; the name-based guess knows only NVIDIA, AMD, Intel and Google and
    # takes an "MT-3000" for an NVIDIA part.
    maker = frame["Manufacturer"].str.strip().reset_index(drop=True)
    return specs.assign(vendor=maker.where(maker.notna(), specs["vendor"]))


_CLUSTER_COLUMNS = {
    "Name": "cluster_name",
    "Status": "status",
    "Certainty": "certainty",
    "Single cluster?": "single_cluster",
    "Owner": "owner",
    "Sector": "sector",
    "Country": "country",
    "Location": "location",
    "Chip type (primary)": "chip_type_primary",
    "Chip quantity (primary)": "chip_count_primary",
    "Chip type (secondary)": "chip_type_secondary",
    "Chip quantity (secondary)": "chip_count_secondary",
    "Total number of AI chips": "ai_chip_count",
    "H100 equivalents": "h100_equivalents",
    "First Operational Date": "first_operational_date",
    "Decommissioned Date (if applicable)": "decommissioned_date",
    "Power Capacity (MW)": "power_capacity_mw",
    "Reported Power Capacity (MW)": "reported_power_capacity_mw",
    "Calculated Power Capacity (MW)": "calculated_power_capacity_mw",
    "Hardware Cost": "hardware_cost_usd",
    "Include in Standard Analysis": "in_standard_analysis",
    "Possible Duplicate": "possible_duplicate",
    "Source 1": "source_url",
}
_CLUSTER_NUMBERS = [
    "chip_count_primary",
    "chip_count_secondary",
    "ai_chip_count",
    "h100_equivalents",
    "power_capacity_mw",
    "reported_power_capacity_mw",
    "calculated_power_capacity_mw",
    "hardware_cost_usd",
]
_TRUE = {"true", "yes", "1"}


def _flag(column: pd.Series) -> pd.Series:
    return column.fillna("").str.strip().str.lower().isin(_TRUE)


def _date(raw: RawSource, frame: pd.DataFrame, column: str) -> pd.Series:
    """A date column as YYYY-MM-DD; Epoch writes a few dates as YYYY-MM (the month's first day)."""
    cells = frame[column].str.strip()
    month = cells.str.fullmatch(r"\d{4}-\d{2}", na=False)
    cells = cells.mask(month, cells + "-01")
    bad = cells.notna() & ~cells.str.fullmatch(r"\d{4}-\d{2}-\d{2}", na=False)
    if bad.any():
        raise SourceFormatError(
            raw.source_id,
            CLUSTERS,
            "date not YYYY-MM-DD",
            column=column,
            sample_rows=frame[bad].head(5).to_dict("records"),
        )
    return cells


def parse_gpu_clusters(raw: RawSource) -> pd.DataFrame:
    frame = _read(raw, CLUSTERS, list(_CLUSTER_COLUMNS))
    repeated = frame.duplicated()
    frame = frame[list(_CLUSTER_COLUMNS)].rename(columns=_CLUSTER_COLUMNS)
    duplicate = _flag(frame["possible_duplicate"])
    if repeated.any() or duplicate.any():
        log.info(
            f"{raw.source_id}/{CLUSTERS}: {int(repeated.sum())} row(s) repeated in the file and "
            f"{int((duplicate & ~repeated).sum())} marked 'Possible Duplicate' by Epoch left out"
        )
    frame = frame[~repeated & ~duplicate & frame["cluster_name"].notna()].copy()
    frame["cluster_name"] = frame["cluster_name"].str.strip().str.strip('"')
    occurrence = frame.groupby("cluster_name").cumcount() + 1
    shared = frame["cluster_name"].duplicated(keep=False)
    frame["cluster_id"] = frame["cluster_name"].where(~shared, frame["cluster_name"] + " #" + occurrence.astype(str))
    for column in _CLUSTER_NUMBERS:
        frame[column] = _numbers(raw, CLUSTERS, frame, column)
    for column in ("first_operational_date", "decommissioned_date"):
        frame[column] = _date(raw, frame, column)
    frame["is_single_cluster"] = frame["single_cluster"].map({"Yes": True, "No": False}).astype("boolean")
    frame["is_in_standard_analysis"] = _flag(frame["in_standard_analysis"])
    frame["status"] = frame["status"].str.lower()
    frame["certainty"] = frame["certainty"].str.lower()
    frame["source_file"] = CLUSTERS
    return frame.drop(columns=["single_cluster", "in_standard_analysis", "possible_duplicate"]).reset_index(drop=True)


SOURCE = Source(
    id="epoch_ml_hardware",
    title="Epoch AI: Machine Learning Hardware and GPU Clusters databases",
    publisher="Epoch AI",
    license="CC-BY-4.0 (cite 'Epoch AI, Data on Machine Learning Hardware' and 'Epoch AI, Data on GPU Clusters')",
    homepage="https://epoch.ai/data/machine-learning-hardware",
    description="Specifications of ML accelerators (TDP, FLOP/s by precision, memory, release date, die size) and "
    "Epoch's catalogue of AI supercomputers (owner, country, chips, power capacity, status).",
    files=(
        SourceFile(HARDWARE, "https://epoch.ai/data/ml_hardware.csv", "csv"),
        SourceFile(CLUSTERS, "https://epoch.ai/data/gpu_clusters.csv", "csv"),
    ),
    parsers={"accelerator_specs": parse_accelerator_specs, "gpu_clusters": parse_gpu_clusters},
    priority={"accelerator_specs": 4},
)
