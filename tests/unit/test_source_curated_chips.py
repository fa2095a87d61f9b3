"""curated_chips: curated shipments, embodied emissions and specs, with their citations."""

import shutil

import pandas as pd
import pytest

from pipelines import archive, settings
from pipelines.errors import SourceFormatError, ValidationError
from pipelines.sources import curated_chips
from pipelines.validation import validate


@pytest.fixture(scope="module")
def curated():
    return archive.resolve_curated(settings.curated_dir(), curated_chips.SOURCE)


def test_curated_shipments_validate_and_cite_every_row(curated):
    shipments = validate(
        "accelerator_shipments",
        curated_chips.parse_shipments(curated).assign(source_id="curated_chips", source_vintage=curated_chips.COMPILED),
    )
    assert shipments["citation_url"].str.match(r"^https?://").all()
    nvidia_2023 = shipments.query("vendor == 'NVIDIA' and period == '2023' and metric == 'units_shipped'")
    assert nvidia_2023["units_low"].tolist() == [3_760_000]
    assert set(shipments.query("is_forecast")["period"]) == {"2024"}
    assert set(shipments["metric"]) == {"units_shipped", "units_purchased", "datacenter_revenue"}


def test_curated_embodied_keys_are_canonical(curated):
    embodied = curated_chips.parse_embodied(curated).set_index("item")
    per_gpu = embodied.loc["NVIDIA H100 SXM, per GPU (1/8 of HGX H100 baseboard)"]
    assert (per_gpu["canonical_model"], per_gpu["embodied_kgco2e"], per_gpu["method_type"]) == (
        "h100-sxm",
        164,
        "manufacturer_pcf",
    )
    assert pd.isna(embodied.loc["NVIDIA HGX H100 GPU baseboard (8x H100 SXM5)", "canonical_model"])
    validate(
        "hardware_embodied_emissions",
        embodied.reset_index().assign(source_id="curated_chips", source_vintage=curated_chips.COMPILED),
    )


def test_curated_specs_fill_models_the_open_datasets_lack(curated):
    specs = curated_chips.parse_specs(curated).set_index("canonical_model")
    assert specs.loc["mi300x", ["vendor", "tdp_w", "memory_gb"]].tolist() == ["AMD", 750, 192]
    assert specs.loc["v100-sxm-16gb", "tdp_w"] == 300 and specs.loc["v100-pcie-16gb", "tdp_w"] == 250
    assert specs["reference"].str.match(r"^https?://").all()
    validate(
        "accelerator_specs",
        specs.reset_index().assign(source_id="curated_chips", source_vintage=curated_chips.COMPILED),
    )


def test_curated_key_that_is_not_canonical_is_a_format_error(tmp_path):
    shutil.copy(settings.curated_dir() / curated_chips.EMBODIED, tmp_path / curated_chips.EMBODIED)
    path = tmp_path / curated_chips.EMBODIED
    path.write_text(path.read_text(encoding="utf-8").replace(",h100-sxm,164,", ",H100 SXM5,164,"), encoding="utf-8")
    raw = archive.resolve_curated(
        tmp_path,
        curated_chips.SOURCE.__class__(
            **{**curated_chips.SOURCE.__dict__, "files": (curated_chips.SOURCE.file(curated_chips.EMBODIED),)}
        ),
    )
    with pytest.raises(SourceFormatError, match="canonical_model is not a canonical key.*H100 SXM5"):
        curated_chips.parse_embodied(raw)


def test_shipments_schema_requires_a_url_and_ordered_bounds(curated):
    shipments = curated_chips.parse_shipments(curated).assign(source_id="curated_chips", source_vintage="2026-11-25")
    with pytest.raises(ValidationError, match="column 'citation_url' failed str_matches"):
        validate(
            "accelerator_shipments",
            shipments.assign(
                citation_url=shipments["citation_url"].mask(shipments.index == 0, "example.org/no-scheme")
            ),
        )
    with pytest.raises(ValidationError, match="a row of a curated source without its citation"):
        validate(
            "accelerator_shipments",
            shipments.assign(citation_url=shipments["citation_url"].where(shipments.index != 0)),
        )
    with pytest.raises(ValidationError, match="column 'units_high' failed high_not_below_low"):
        validate("accelerator_shipments", shipments.assign(units_high=shipments["units_low"] - 1))
