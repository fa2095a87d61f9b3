"""ML CO2 Impact calculator data (mlco2/impact on GitHub).

Grid carbon intensity comes from the Electricity Maps yearly averages the calculator
bundles (exported 2021-10-27): one row per Electricity Maps zone and year. Electricity
Maps counts lifecycle emissions (IPCC lifecycle factors per fuel), so basis is lifecycle.
"""

from __future__ import annotations

import csv
import io
import logging

import pandas as pd

from pipelines import hardware, zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile
from pipelines.sources._parsing import reject_repeated_zone_years, rows_with_intensity
from pipelines.sources._specs import finish_specs, numeric_column

_COMMIT = "d0d3ee5a71ea222ac344a94900642ed2ce649af4"
_RAW = f"https://raw.githubusercontent.com/mlco2/impact/{_COMMIT}/data"

YEARLY_AVERAGES = "electricitymap_yearly_averages_2021-10-27.csv"
log = logging.getLogger(__name__)


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    # Only an empty cell is missing: pandas would also read a zone key NA (Namibia) as missing.
    frame = raw.csv(YEARLY_AVERAGES, dtype={"zone_key": str, "Zone Name": str}, keep_default_na=False, na_values=[""])
    raw.require_columns(YEARLY_AVERAGES, frame, ["zone_key", "year", "Zone Name", "carbon_intensity_avg"])
    # Zone-years without a single hour of data (no_hours_with_data = 0) are left empty; a 0 would be
    # the same placeholder, not a grid that emits nothing.
    frame, intensity = rows_with_intensity(raw, YEARLY_AVERAGES, frame, "carbon_intensity_avg")

    zone_ids, zone_types = zip(*(zones.electricitymaps_zone(key) for key in frame["zone_key"]), strict=True)
    staged = pd.DataFrame(
        {
            "zone_id": zone_ids,
            "zone_name": frame["Zone Name"],
            "zone_type": zone_types,
            "year": raw.to_number(YEARLY_AVERAGES, frame, "year"),
            "gco2e_per_kwh": intensity,
            "basis": "lifecycle",
            "source_file": YEARLY_AVERAGES,
        },
        index=frame.index,
    )

    reject_repeated_zone_years(raw, YEARLY_AVERAGES, frame, staged, "zone_key")
    return staged.reset_index(drop=True)


GPUS = "gpus.csv"
_GPU_COLUMNS = ["name", "type", "tdp_watts", "TFLOPS32", "TFLOPS16", "GFLOPS32/W", "GFLOPS16/W", "memory", "source"]
# gpus.csv values that contradict the product itself (vendor datasheet, or the file's own cited
# techpowerup page), left empty: (name, column) -> why; column None drops the whole row.
GPU_DEFECTS = {
    ("GTX 750", None): "250 W, 1111 TFLOPS fp32 and 24 GB are not a GTX 750's (55 W, 1.1 TFLOPS, 1-2 GB)",
    ("Quadro P6000", "peak_tflops_fp16"): "197.4 is GFLOP/s (fp16 at 1/64 rate), not TFLOP/s",
    ("Tesla V100-PCIE-16GB", "tdp_w"): "300 W is the SXM2 figure; NVIDIA rates V100 PCIe at 250 W",
    ("Tesla V100-SXM2-16GB", "tdp_w"): "250 W is the PCIe figure; NVIDIA rates V100 SXM2 at 300 W",
    ("TPUv2 Chip", "memory_gb"): "64 GB is a four-chip TPU v2 board; one chip has 16 GB",
    ("TPUv3 Chip", "memory_gb"): "128 GB is a four-chip TPU v3 board; one chip has 32 GB",
}


def parse_accelerator_specs(raw: RawSource) -> pd.DataFrame:
    """GPU and TPU rows of gpus.csv (CPU rows are not accelerators).

    The header's ' TFLOPS16' has a leading space (trimmed). The A10G row lacks one of the two
    per-watt columns, which this table does not use: a row one field short keeps its first five
    fields and takes memory and source from its last two. A memory the name states ("Tesla M40
    24GB") wins over a memory column that contradicts it (12). GPU_DEFECTS lists the rest.
    """
    lines = list(csv.reader(io.StringIO(raw.text(GPUS))))
    header = [cell.strip() for cell in lines[0]]
    raw.require_columns(GPUS, pd.DataFrame(columns=header), _GPU_COLUMNS)
    if header[-2:] != ["memory", "source"]:
        raise SourceFormatError(raw.source_id, GPUS, f"expected memory, source as the last columns: {header}")
    records = []
    for line_number, row in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) == len(header) - 1:
            log.warning(
                "mlco2_impact: %s line %d (%s): one field short of the header; memory and source "
                "taken from its last two fields, per-watt columns left empty",
                GPUS,
                line_number,
                row[0],
            )
            row = [*row[:5], *[""] * (len(header) - 7), *row[-2:]]
        if len(row) != len(header):
            raise SourceFormatError(
                raw.source_id,
                GPUS,
                f"line {line_number} has {len(row)} fields, the header {len(header)}",
                sample_rows=[row],
            )
        records.append(dict(zip(header, (cell.strip() for cell in row), strict=True)))
    frame = pd.DataFrame(records)
    kinds = frame["type"].str.lower()
    unknown = ~kinds.isin(["gpu", "tpu", "cpu"])
    if unknown.any():
        raise SourceFormatError(
            raw.source_id,
            GPUS,
            "type is not gpu, tpu or cpu",
            column="type",
            sample_rows=frame[unknown].to_dict("records"),
        )
    frame = frame[kinds != "cpu"]
    specs = pd.DataFrame(
        {
            "model": frame["name"],
            "kind": kinds[kinds != "cpu"],
            "tdp_w": numeric_column(raw, GPUS, frame, "tdp_watts"),
            "memory_gb": numeric_column(raw, GPUS, frame, "memory"),
            "peak_tflops_fp32": numeric_column(raw, GPUS, frame, "TFLOPS32"),
            "peak_tflops_fp16": numeric_column(raw, GPUS, frame, "TFLOPS16"),
            "reference": frame["source"].mask(frame["source"] == ""),
        }
    )
    named_memory = specs["model"].map(hardware.stated_memory_gb)
    for name, stated, named in zip(specs["model"], specs["memory_gb"], named_memory, strict=True):
        if pd.notna(named) and pd.notna(stated) and stated != named:
            log.warning(
                "mlco2_impact: %s '%s': memory %g GB contradicts the name; %g GB used", GPUS, name, stated, named
            )
    specs["memory_gb"] = named_memory.fillna(specs["memory_gb"])
    for (name, column), why in GPU_DEFECTS.items():
        rows = specs["model"] == name
        if rows.any():
            log.warning("mlco2_impact: %s '%s': %s left out: %s", GPUS, name, column or "row", why)
        specs = specs[~rows] if column is None else specs.assign(**{column: specs[column].mask(rows)})
    return finish_specs(specs, GPUS)


SOURCE = Source(
    id="mlco2_impact",
    title="ML CO2 Impact calculator data",
    publisher="Lacoste, Luccioni, Schmidt, Dandres (ML CO2 Impact)",
    license="MIT",
    homepage="https://mlco2.github.io/impact/",
    description="Data behind the Machine Learning Emissions Calculator: accelerator TDP and throughput, cloud "
    "regions with grid intensity, and electricityMap yearly average carbon intensity per zone.",
    files=(
        SourceFile("gpus.csv", f"{_RAW}/gpus.csv", "csv", "2026-02-26"),
        SourceFile("impact.csv", f"{_RAW}/impact.csv", "csv", "2024-11-09"),
        SourceFile(YEARLY_AVERAGES, f"{_RAW}/2021-10-27yearly_averages.csv", "csv", "2021-10-27"),
        SourceFile("instances.csv", f"{_RAW}/instances.csv", "csv", "2020-05-09"),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity, "accelerator_specs": parse_accelerator_specs},
    freshness=Freshness(1095, "the ML CO2 Impact data is a research snapshot"),
    priority={"grid_carbon_intensity": 11, "accelerator_specs": 1},
)
