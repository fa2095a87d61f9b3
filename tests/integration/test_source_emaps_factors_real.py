"""emaps_factors: Electricity Maps defaults.yaml on the recorded file."""

import datetime as dt

import pytest

from conftest import one, real_source
from pipelines.sources import emaps_factors

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def emaps():
    return emaps_factors.parse_generation_emission_factors(real_source("emaps_factors"))


def test_emaps_headline_factors(emaps):
    assert one(emaps, technology="coal", basis="lifecycle")["gco2e_per_kwh"] == 820
    assert one(emaps, technology="gas", basis="lifecycle")["gco2e_per_kwh"] == 490
    assert one(emaps, technology="coal", basis="direct")["gco2e_per_kwh"] == 760
    assert one(emaps, technology="gas", basis="direct")["gco2e_per_kwh"] == 370
    assert one(emaps, technology="nuclear", basis="lifecycle")["gco2e_per_kwh"] == 12
    assert one(emaps, technology="wind", basis="lifecycle")["gco2e_per_kwh"] == 11
    assert one(emaps, technology="unknown", basis="lifecycle")["gco2e_per_kwh"] == 700
    assert one(emaps, technology="oil", basis="lifecycle")["source_note"] == "UK POST 2014"
    assert one(emaps, technology="coal", basis="lifecycle")["source_note"] == "IPCC 2014"


def test_emaps_storage_discharge_by_year(emaps):
    battery = emaps[(emaps["technology"] == "battery discharge") & (emaps["basis"] == "lifecycle")]
    assert sorted(battery["valid_from_date"]) == [dt.date(year, 1, 1) for year in range(2015, 2026)]
    assert one(emaps, technology="battery discharge", basis="lifecycle", valid_from_date=dt.date(2025, 1, 1))[
        "gco2e_per_kwh"
    ] == pytest.approx(358.44)
    assert one(emaps, technology="hydro discharge", basis="direct", valid_from_date=dt.date(2017, 1, 1))[
        "gco2e_per_kwh"
    ] == pytest.approx(379.81)


def test_emaps_row_count(emaps):
    # 12 undated modes + 2 storage modes x 11 years, for each basis.
    assert len(emaps) == 2 * (12 + 2 * 11) == 68
