"""owid_energy against the recorded OWID grapher export (../shared/sources/owid_energy)."""

import pytest

from conftest import real_source
from pipelines.sources import owid_energy
from pipelines.validation import validate

pytestmark = pytest.mark.integration

SOURCE_ID = "owid_energy"


@pytest.fixture(scope="module")
def raw():
    return real_source(owid_energy.SOURCE.id)


@pytest.fixture(scope="module")
def parsed(raw):
    return owid_energy.parse_grid_intensity(raw)


def value(frame, zone_id, year):
    match = frame[(frame["zone_id"] == zone_id) & (frame["year"] == year)]
    assert len(match) == 1, f"expected one row for {zone_id} {year}, got {len(match)}"
    return match["gco2e_per_kwh"].iloc[0]


@pytest.mark.parametrize(
    "zone_id, year, expected",
    [
        ("USA", 2024, 383.5492),
        ("FRA", 2024, 44.179085),
        ("IND", 2024, 708.3216),
        ("CHN", 2024, 559.5517),
        ("DEU", 2024, 344.13992),
        ("ZAF", 2024, 708.8762),
        ("XKX", 2024, 958.7156),
        ("WLD", 2024, 473.0065),
        ("WLD", 2000, 527.2703),
        ("USA", 2000, 607.52216),
        ("EU27", 2023, 237.48735),
        ("AGG-ASEAN-EMBER", 2024, 569.94794),
        ("BDI", 2023, 230.76924),
    ],
)
def test_real_values(parsed, zone_id, year, expected):
    assert value(parsed, zone_id, year) == pytest.approx(expected)


def test_counts(parsed):
    # 5,737 rows less 21 zeros (Burundi 2000-2012 but 2010-2011, Central African Republic 2013-2022).
    assert len(parsed) == 5716
    zone_types = parsed.drop_duplicates("zone_id")["zone_type"].value_counts().to_dict()
    assert zone_types == {"country": 214, "aggregate": 24}
    per_year = parsed.groupby("year").size()
    assert (per_year.index.min(), per_year.index.max()) == (2000, 2024)
    assert (per_year[2022], per_year[2023], per_year[2024]) == (236, 196, 100)


def test_zero_years_are_dropped(parsed):
    central_african = parsed.loc[parsed["zone_id"] == "CAF", "year"]
    assert central_african.max() == 2012
    assert not parsed.loc[parsed["zone_id"] == "BDI", "year"].isin([2000, 2009, 2012]).any()


def test_full_output_is_valid(raw, parsed):
    vintages = {name: f.vintage for name, f in raw.files.items()}
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage=parsed["source_file"].map(vintages))
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 5716
    assert set(validated["source_vintage"]) == {"2025-07-30"}
    assert set(validated["basis"]) == {"lifecycle"}


def test_codebook_confirms_the_unit_is_co2_equivalents(raw):
    import pandas as pd

    codebook = pd.read_csv(raw.file(owid_energy.CODEBOOK).path).set_index("column")
    assert codebook.loc["carbon_intensity_elec", "unit"] == "grams of CO₂ equivalents per kilowatt-hour"
    assert "Ember" in codebook.loc["carbon_intensity_elec", "source"]
