"""ember_country_intensity against the recorded CO2.js average-intensities.json."""

import pytest

from conftest import real_source
from pipelines.sources import ember_country_intensity as ember
from pipelines.validation import validate

pytestmark = pytest.mark.integration

SOURCE_ID = "ember_country_intensity"


@pytest.fixture(scope="module")
def raw():
    return real_source(ember.SOURCE.id)


@pytest.fixture(scope="module")
def parsed(raw):
    return ember.parse_grid_intensity(raw)


@pytest.mark.parametrize(
    "zone_id, year, expected",
    [
        ("USA", 2024, 383.55),
        ("FRA", 2024, 44.18),
        ("IND", 2024, 708.96),
        ("CHN", 2024, 557.5),
        ("DEU", 2024, 342.06),
        ("GBR", 2024, 215.79),
        ("XKX", 2024, 958.72),
        ("AFG", 2023, 123.71),
        ("WLD", 2024, 472.94),
        ("EU27", 2024, 213.02),
        ("AGG-G7", 2024, 343.3),
        ("AGG-EUROPE", 2024, 285),
    ],
)
def test_real_values(parsed, zone_id, year, expected):
    match = parsed[parsed["zone_id"] == zone_id]
    assert len(match) == 1
    assert (match["year"].iloc[0], match["gco2e_per_kwh"].iloc[0]) == (year, pytest.approx(expected))


def test_counts(parsed):
    # 222 entries less the Central African Republic's 0 (2022).
    assert len(parsed) == 221
    assert parsed["zone_type"].value_counts().to_dict() == {"country": 208, "aggregate": 13}
    assert parsed.groupby("year").size().to_dict() == {2022: 38, 2023: 81, 2024: 102}
    assert "CAF" not in set(parsed["zone_id"])


def test_aggregates_are_the_documented_regions(parsed):
    aggregates = parsed.loc[parsed["zone_type"] == "aggregate"]
    assert set(aggregates["zone_name"]) == {
        "Africa",
        "ASEAN",
        "Asia",
        "EU",
        "Europe",
        "G20",
        "G7",
        "Latin America and Caribbean",
        "Middle East",
        "North America",
        "Oceania",
        "OECD",
        "World",
    }


def test_full_output_is_valid(raw, parsed):
    vintages = {name: f.vintage for name, f in raw.files.items()}
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage=parsed["source_file"].map(vintages))
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 221
    assert set(validated["source_vintage"]) == {"2025-08-03"}
