"""pipelines.validation drops pandera's per-row `str` dtype check only where it is moot: the result
and the errors are those of the full pandera schema."""

import pandas as pd
import pytest

from pipelines.errors import ValidationError
from pipelines.validation import _vectorised, validate
from schemas import table

ROWS = pd.DataFrame(
    {
        "zone_id": ["FRA", "USA", "USA-CA"],
        "zone_name": ["France", "United States", "California"],
        "zone_type": ["country", "country", "subregion"],
        "year": [2022, 2023, 2022],
        "gco2e_per_kwh": [78.55024, 392.848, 216.43],
        "basis": ["lifecycle", "lifecycle", "unknown"],
        "source_file": ["owid.csv", "owid.csv", "CI.csv"],
        "source_id": ["owid_energy", "owid_energy", "green_algorithms"],
        "source_vintage": ["2025-07-30", "2025-07-30", "2022-10-22"],
    }
)


def test_all_string_columns_skip_only_the_per_row_type_check():
    schema = table("grid_carbon_intensity").schema
    fast = _vectorised(schema, ROWS)
    assert fast.columns["zone_id"].dtype is None and fast.columns["year"].dtype is not None
    assert fast.columns["zone_id"].checks == schema.columns["zone_id"].checks
    pd.testing.assert_frame_equal(validate("grid_carbon_intensity", ROWS), schema.validate(ROWS.copy(), lazy=True))


def test_a_column_that_is_not_all_strings_keeps_the_full_check():
    mixed = ROWS.assign(zone_name=["France", 7, "California"])
    assert _vectorised(table("grid_carbon_intensity").schema, mixed).columns["zone_name"].dtype is not None
    assert validate("grid_carbon_intensity", mixed)["zone_name"].tolist() == ["France", "7", "California"]


def test_nulls_and_value_checks_still_fail_on_string_columns():
    bad = ROWS.assign(zone_name=["France", None, "California"], zone_type=["country", "planet", "subregion"])
    with pytest.raises(ValidationError) as caught:
        validate("grid_carbon_intensity", bad, source_id="owid_energy")
    message = str(caught.value)
    assert "column 'zone_name' failed not_nullable in 1 row(s)" in message
    assert "column 'zone_type' failed isin" in message and "'planet'" in message
