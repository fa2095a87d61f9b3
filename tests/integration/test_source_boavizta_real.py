import pytest
import yaml

from conftest import real_source
from pipelines.sources import boavizta
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def raw():
    return real_source(boavizta.SOURCE.id)


@pytest.fixture(scope="module")
def grid(raw):
    return boavizta.parse_grid_intensity(raw)


def test_real_values(grid):
    by_zone = grid.set_index("zone_id")
    expected = {
        "FRA": (98, 2019),  # priority 1, JRC
        "USA": (370, 2020),  # priority 2, Ember
        "HKG": (958.88, 2011),  # priority 3, ADEME
        "WLD": (390, 2020),  # priority 2 average, "2020 & 2019"
        "AGG-EUROPE": (380, 2019),
        "SRB": (900, 2019),  # published as SCG "Serbie"
    }
    for zone_id, (value, year) in expected.items():
        assert by_zone.loc[zone_id, "gco2e_per_kwh"] == pytest.approx(value), zone_id
        assert by_zone.loc[zone_id, "year"] == year, zone_id


def test_matches_the_factors_boavizta_derives_from_the_same_csv(raw, grid):
    """factors.yml is what the Boavizta API serves: our priority rule must pick the same value."""
    electricity = yaml.safe_load(raw.text("factors.yml"))["electricity"]
    codes = list(electricity["available_countries"].values())
    assert len(codes) == len(grid)
    by_name = grid.set_index("zone_name")
    for code in codes:
        published = electricity[code]["gwp"]
        ours = by_name.loc[electricity[code]["country"].strip()]
        assert ours["gco2e_per_kwh"] == pytest.approx(published["value"] * 1000), code
        assert ours["year"] == max(int(y) for y in str(published["reference_year"]).split(" & ")), code


def test_real_row_count(grid):
    assert 130 <= len(grid) <= 145
    assert grid["zone_id"].is_unique


def test_real_output_validates(grid):
    validate("grid_carbon_intensity", grid.assign(source_id="boavizta", source_vintage="2023-04-24"))


def test_real_boavizta_gpus_and_embodied():
    raw = real_source("boavizta")
    specs = boavizta.parse_accelerator_specs(raw).set_index("canonical_model")
    assert specs.loc["h100-sxm", "mass_kg"] == pytest.approx(1.69)
    embodied = boavizta.parse_hardware_embodied(raw).set_index("canonical_model")
    assert len(embodied) == 8
    assert embodied.loc["h100-sxm", "embodied_kgco2e"] == pytest.approx(572.1232, abs=1e-3)
    assert embodied.loc["a100-sxm-40gb", "embodied_kgco2e"] == pytest.approx(270.5653, abs=1e-3)
