"""emaps_yearly against the recorded CO2.js yearly_2021..2025.json files."""

import pytest

from conftest import real_source
from pipelines.sources import emaps_yearly as emaps
from pipelines.validation import validate

pytestmark = pytest.mark.integration

SOURCE_ID = "emaps_yearly"
ZONES_PER_FILE = 352


@pytest.fixture(scope="module")
def raw():
    return real_source(emaps.SOURCE.id)


@pytest.fixture(scope="module")
def parsed(raw):
    return emaps.parse_grid_intensity(raw)


@pytest.mark.parametrize(
    "zone_id, year, expected",
    [
        ("DEU", 2021, 439),
        ("DEU", 2024, 341),
        ("DEU", 2025, 342),
        ("FRA", 2022, 91),
        ("FRA", 2024, 33),
        ("USA", 2024, 409),
        ("IND", 2024, 614),
        ("GBR", 2024, 175),
        ("XKX", 2025, 605),
        ("AUS", 2024, 489),
        ("AUS-NSW", 2021, 652),
        ("CAN-ON", 2024, 91),
        ("US-CAL-CISO", 2024, 229),
        ("SE-SE3", 2024, 21),
        ("IT-NO", 2024, 238),
        ("SE-SE1", 2021, 15),
        ("ES-IB-ME", 2022, 976),
    ],
)
def test_real_values(parsed, zone_id, year, expected):
    match = parsed[(parsed["zone_id"] == zone_id) & (parsed["year"] == year)]
    assert match["gco2e_per_kwh"].tolist() == [expected]


def test_counts(parsed):
    assert len(parsed) == 5 * ZONES_PER_FILE
    assert parsed.groupby("year").size().to_dict() == {year: ZONES_PER_FILE for year in range(2021, 2026)}
    per_zone = parsed[parsed["year"] == 2024].drop_duplicates("zone_id")["zone_type"].value_counts().to_dict()
    assert per_zone == {"country": 205, "subregion": 147}
    assert (parsed["zone_id"].str.startswith("US-")).sum() == 5 * 57


def test_zone_ids_are_unique_per_year(parsed):
    assert not parsed.duplicated(["zone_id", "year", "basis"]).any()


def test_iso_subdivisions_and_bidding_zones(parsed):
    ids = set(parsed["zone_id"])
    assert {"AUS-NSW", "CAN-QC", "USA-HI", "GBR-NIR", "ESP-CE"} <= ids
    assert {"IT-NO", "IT-SO", "DK-DK1", "NO-NO1", "JP-TK"} <= ids
    assert not {"ITA-NO", "ITA-SO", "AU-NSW", "CA-ON"} & ids


def test_full_output_is_valid(raw, parsed):
    vintages = {name: f.vintage for name, f in raw.files.items()}
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage=parsed["source_file"].map(vintages))
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 5 * ZONES_PER_FILE
    assert set(validated["basis"]) == {"lifecycle"}
    assert set(validated["source_vintage"]) == {"2026-02-04"}
