import pytest

from conftest import real_source
from pipelines.sources import green_algorithms
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def grid():
    raw = real_source(green_algorithms.SOURCE.id)
    return green_algorithms.parse_grid_intensity(raw)


def test_real_values(grid):
    by_zone = grid.set_index("zone_id")
    expected = {
        "WLD": (475, 2019),
        "FRA": (51.28, 2020),
        "GBR": (231.12, 2020),
        "ISR": (558, 2022),
        "URY": (129, 2021),
        "NZL": (110.1, 2018),
        "USA-CA": (216.43, 2020),
        "CAN-MB": (1.3, 2019),
        "AU-WA2": (700, 2019),
        "TWN": (509, 2020),  # states no year: the file's most common year
    }
    for zone_id, (value, year) in expected.items():
        assert by_zone.loc[zone_id, "gco2e_per_kwh"] == pytest.approx(value), zone_id
        assert by_zone.loc[zone_id, "year"] == year, zone_id


def test_real_row_count(grid):
    assert 120 <= len(grid) <= 140
    assert grid["zone_id"].is_unique


def test_real_output_validates(grid):
    validate("grid_carbon_intensity", grid.assign(source_id="green_algorithms", source_vintage="2022-10-22"))


def test_real_green_algorithms_gpus():
    specs = green_algorithms.parse_accelerator_specs(real_source("green_algorithms")).set_index("canonical_model")
    assert specs.loc["tpu-v4", "tdp_w"] == 170
    assert specs.loc["a100-pcie-80gb", "tdp_w"] == 300
    assert len(specs) == 21  # 22 models, less the 'Any' default


def test_green_algorithms_default_pue_real():
    frame = green_algorithms.parse_datacenter_pue(real_source("green_algorithms")).set_index("entity")
    default = frame.loc[frame["scope"] == "industry"].iloc[0]
    assert (default.pue, default.year, default.citation_publisher) == (1.56, 2024, "Uptime Institute")
    assert frame.loc["Microsoft Azure", "pue"] == 1.12 and len(frame) == 6
