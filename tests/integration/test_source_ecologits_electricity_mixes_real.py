"""ecologits_electricity_mixes against the recorded electricity_mixes.csv."""

import pytest

from conftest import real_source
from pipelines.sources import ecologits_electricity_mixes as ecologits, owid_energy
from pipelines.validation import validate

pytestmark = pytest.mark.integration

SOURCE_ID = "ecologits_electricity_mixes"


@pytest.fixture(scope="module")
def raw():
    return real_source(ecologits.SOURCE.id)


@pytest.fixture(scope="module")
def parsed(raw):
    return ecologits.parse_grid_intensity(raw)


@pytest.mark.parametrize(
    "zone_id, year, expected",
    [
        ("FRA", 2024, 44.18),
        ("USA", 2024, 383.55),
        ("IND", 2024, 708.32),
        ("DEU", 2024, 344.14),
        ("CHN", 2024, 559.55),
        ("IDN", 2023, 682.43),
        ("UKR", 2022, 256.21),
        ("WLD", 2024, 473.01),
    ],
)
def test_real_values(parsed, zone_id, year, expected):
    match = parsed[parsed["zone_id"] == zone_id]
    assert len(match) == 1
    assert (match["year"].iloc[0], match["gco2e_per_kwh"].iloc[0]) == (year, pytest.approx(expected))


def test_counts(parsed):
    assert len(parsed) == 50
    assert parsed["zone_type"].value_counts().to_dict() == {"country": 49, "aggregate": 1}
    assert parsed.groupby("year").size().to_dict() == {2022: 1, 2023: 2, 2024: 47}


def test_years_match_the_owid_series_ecologits_copied(parsed):
    """Each gwp is OWID's value for the year we assign it, /1000 rounded to 5 decimals."""
    owid = owid_energy.parse_grid_intensity(real_source(owid_energy.SOURCE.id))
    owid_values = owid.set_index(["zone_id", "year"])["gco2e_per_kwh"]
    for zone_id, year, grams in parsed[["zone_id", "year", "gco2e_per_kwh"]].itertuples(index=False):
        assert (zone_id, year) in owid_values.index, f"OWID has no {zone_id} {year}"
        assert round(owid_values[(zone_id, year)] / 1000, 5) == pytest.approx(grams / 1000, abs=1e-9), (
            f"{zone_id}: EcoLogits {grams} g is not OWID's {year} value {owid_values[(zone_id, year)]}"
        )
        # ... and it is OWID's latest year for that zone.
        assert year == owid.loc[owid["zone_id"] == zone_id, "year"].max()


def test_full_output_is_valid(raw, parsed):
    vintages = {name: f.vintage for name, f in raw.files.items()}
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage=parsed["source_file"].map(vintages))
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 50
    assert set(validated["source_vintage"]) == {"2025-09-08"}
