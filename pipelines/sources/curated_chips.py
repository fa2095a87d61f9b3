"""Hand-curated chip facts with a citation on every row (pipelines/curated/).

* accelerator_shipments.csv: analyst estimates and vendor-reported figures of AI-accelerator
  unit shipments, purchases and data-centre revenue (vendor, product family, period, low/high).
  `citation_url` is the primary publisher (a vendor's filing, or the first outlet to publish a paywalled
  analyst study); the news or aggregator page the figure was first found on is `via_url`.
* accelerator_specs_curated.csv: datasheet figures (TDP, memory, peak FLOP/s) for accelerators
  the open tool datasets lack (H200, B200, MI300X, TPU v5p ...) or state wrongly (V100 16 GB);
  the accelerator_specs_preferred view ranks them after those datasets, so they fill gaps.
* accelerator_sales_assumptions.csv: the cited inputs that turn NVIDIA's Data Center revenue
  into accelerator units (warehouse/sql/25_unit_sales.sql): the accelerators' share of that
  revenue and their average selling price, each a low / central / high range over the years it
  applies to, with its citation.
* hardware_embodied_pcf.csv: manufacturing emissions of accelerators and server components
  from manufacturer product carbon footprints, LCA studies and literature estimates. A row's
  canonical_model is set only when its embodied_kgco2e is for one unit of that accelerator (a per-GPU
  share of an 8-GPU baseboard PCF is; the baseboard itself is not).
"""

from __future__ import annotations

import pandas as pd

from pipelines import hardware
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import BASIC_CITATION, CITATION, read_curated
from pipelines.sources._specs import DATASHEET_NUMBERS, finish_specs

SHIPMENTS = "accelerator_shipments.csv"
EMBODIED = "hardware_embodied_pcf.csv"
SPECS = "accelerator_specs_curated.csv"
SALES_ASSUMPTIONS = "accelerator_sales_assumptions.csv"
COMPILED = "2026-11-25"
_BOOLEAN = {"true": True, "false": False}


def parse_shipments(raw: RawSource) -> pd.DataFrame:
    columns = [
        "vendor",
        "product_family",
        "period",
        "metric",
        "units_low",
        "units_high",
        "unit",
        "is_forecast",
        *BASIC_CITATION,
        "via_url",
    ]
    frame = read_curated(raw, SHIPMENTS, columns)
    forecast = frame["is_forecast"].str.lower().map(_BOOLEAN)
    if forecast.isna().any():
        raise SourceFormatError(
            raw.source_id,
            SHIPMENTS,
            "is_forecast must be true or false",
            column="is_forecast",
            sample_rows=frame[forecast.isna()].to_dict("records"),
        )
    return frame.assign(
        units_low=raw.to_number(SHIPMENTS, frame, "units_low"),
        units_high=raw.to_number(SHIPMENTS, frame, "units_high"),
        is_forecast=forecast.astype(bool),
        source_file=SHIPMENTS,
    )


def parse_embodied(raw: RawSource) -> pd.DataFrame:
    columns = ["item", "canonical_model", "embodied_kgco2e", "boundary", "method", "method_type", *BASIC_CITATION]
    frame = read_curated(raw, EMBODIED, columns)
    keys = frame["canonical_model"]
    # A key must be what canonical_model() makes of it, or it would never join accelerator_specs.
    not_canonical = keys.notna() & (keys != keys.map(lambda k: hardware.canonical_model(k) if pd.notna(k) else k))
    if not_canonical.any():
        raise SourceFormatError(
            raw.source_id,
            EMBODIED,
            "canonical_model is not a canonical key",
            column="canonical_model",
            sample_rows=frame[not_canonical].to_dict("records"),
        )
    return frame.assign(embodied_kgco2e=raw.to_number(EMBODIED, frame, "embodied_kgco2e"), source_file=EMBODIED)


def parse_specs(raw: RawSource) -> pd.DataFrame:
    frame = read_curated(
        raw,
        SPECS,
        ["model", "kind", *DATASHEET_NUMBERS, "citation_publisher", "citation_title", "citation_url", "citation_note"],
    )
    specs = frame[["model", "kind"]].assign(
        **{column: raw.to_number(SPECS, frame, column) for column in DATASHEET_NUMBERS}, reference=frame["citation_url"]
    )
    return finish_specs(specs.assign(release_year=specs["release_year"].astype("Int64")), SPECS)


def parse_sales_assumptions(raw: RawSource) -> pd.DataFrame:
    numbers = ["first_year", "last_year", "value_low", "value_central", "value_high"]
    frame = read_curated(raw, SALES_ASSUMPTIONS, ["vendor", "parameter", *numbers, *CITATION])
    return frame[["vendor", "parameter", *CITATION]].assign(
        **{column: raw.to_number(SALES_ASSUMPTIONS, frame, column) for column in numbers}, source_file=SALES_ASSUMPTIONS
    )


SOURCE = Source(
    id="curated_chips",
    title="Curated chip facts: accelerator shipments, embodied emissions and datasheet specifications",
    publisher="aifootprint contributors (compiled from the publications cited on each row)",
    license="CC-BY-4.0 (compilation); each figure belongs to its cited publisher",
    homepage="https://github.com/aifootprint/aifootprint/tree/main/pipelines/curated",
    description="Hand-compiled, cited estimates of AI-accelerator shipments and data-centre revenue, and of the "
    "manufacturing emissions of accelerators (manufacturer PCFs, LCA studies), and datasheet "
    "specifications of accelerators the open datasets lack.",
    files=(
        SourceFile(SHIPMENTS, f"pipelines/curated/{SHIPMENTS}", "csv", COMPILED),
        SourceFile(EMBODIED, f"pipelines/curated/{EMBODIED}", "csv", COMPILED),
        SourceFile(SPECS, f"pipelines/curated/{SPECS}", "csv", COMPILED),
        SourceFile(SALES_ASSUMPTIONS, f"pipelines/curated/{SALES_ASSUMPTIONS}", "csv", "2026-12-01"),
    ),
    parsers={
        "accelerator_shipments": parse_shipments,
        "hardware_embodied_emissions": parse_embodied,
        "accelerator_specs": parse_specs,
        "accelerator_sales_assumptions": parse_sales_assumptions,
    },
    curated=True,
    priority={"accelerator_specs": 5},
)
