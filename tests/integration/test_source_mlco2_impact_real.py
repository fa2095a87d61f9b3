import pytest

from conftest import real_source
from pipelines.sources import mlco2_impact
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def grid():
    raw = real_source(mlco2_impact.SOURCE.id)
    return mlco2_impact.parse_grid_intensity(raw)


def test_real_values(grid):
    by_zone_year = grid.set_index(["zone_id", "year"])["gco2e_per_kwh"]
    assert by_zone_year[("AUS-NSW", 2019)] == pytest.approx(724.6863533042651)
    assert by_zone_year[("DK-DK1", 2019)] == pytest.approx(201.814885)
    assert by_zone_year[("US-CAL-CISO", 2021)] == pytest.approx(262.1)
    assert by_zone_year[("USA-CA", 2011)] == pytest.approx(252.821364)
    assert by_zone_year[("CAN-ON", 2019)] == pytest.approx(52.89702)
    assert ("IND-GJ", 2020) not in by_zone_year.index  # empty in the file


def test_real_row_count(grid):
    assert 600 <= len(grid) <= 642  # 642 rows, 23 of them without data
    assert grid["zone_id"].nunique() == 140


def test_real_output_validates(grid):
    validate("grid_carbon_intensity", grid.assign(source_id="mlco2_impact", source_vintage="2021-10-27"))


def test_real_mlco2_gpus():
    specs = mlco2_impact.parse_accelerator_specs(real_source("mlco2_impact")).set_index("model")
    assert specs.loc["H100 SXM", ["canonical_model", "tdp_w", "memory_gb"]].tolist() == ["h100-sxm", 700, 80]
    assert specs.loc["A10G", ["tdp_w", "memory_gb"]].tolist() == [150, 24]  # the row one field short
    assert specs.loc["TPUv2 Chip", ["canonical_model", "tdp_w"]].tolist() == ["tpu-v2", 221]
    assert len(specs) == 39  # 47 rows - 7 CPUs - GTX 750
    validate("accelerator_specs", specs.reset_index().assign(source_id="mlco2_impact", source_vintage="2026-02-26"))
