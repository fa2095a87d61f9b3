from __future__ import annotations

import pytest

from conftest import real_source
from pipelines.sources import ember_eu_power_2020
from pipelines.validation import validate

SOURCE = ember_eu_power_2020.SOURCE
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rows():
    return ember_eu_power_2020.parse_grid_intensity(real_source(SOURCE.id))


def _value(rows, zone_id, year):
    match = rows[(rows["zone_id"] == zone_id) & (rows["year"] == year)]
    assert len(match) == 1
    return match.iloc[0]["gco2e_per_kwh"]


def test_30_areas_by_21_years(rows):
    assert len(rows) == 30 * 21
    assert sorted(rows["year"].unique()) == list(range(2000, 2021))
    assert rows.drop_duplicates("zone_id")["zone_type"].value_counts().to_dict() == {"country": 28, "aggregate": 2}
    assert {"CZE", "GBR", "EU27", "AGG-EU27-1"} <= set(rows["zone_id"])


def test_real_values(rows):
    assert _value(rows, "AUT", 2000) == 158
    assert _value(rows, "POL", 2018) == 789
    assert _value(rows, "CZE", 2020) == 386
    assert _value(rows, "SWE", 2018) == 13
    assert _value(rows, "GBR", 2020) == 209
    assert _value(rows, "EU27", 2018) == 287
    assert _value(rows, "EU27", 2020) == 226
    assert _value(rows, "AGG-EU27-1", 2000) == 411


def test_schema_valid(rows):
    frame = rows.assign(source_id=SOURCE.id, source_vintage="2021-01-27")
    assert len(validate("grid_carbon_intensity", frame, source_id=SOURCE.id)) == 630
