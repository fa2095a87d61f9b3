"""Published-table schemas accept good rows and reject bad ones with actionable messages."""

import pandas as pd
import pytest

from pipelines.errors import ValidationError
from pipelines.validation import validate
from schemas import TABLES


def good_row(**overrides):
    row = {
        "source_id": "demo",
        "source_vintage": "2024-09-20",
        "zone_id": "FRA",
        "zone_name": "France",
        "zone_type": "country",
        "year": 2023,
        "gco2e_per_kwh": 56.039,
        "basis": "lifecycle",
        "source_file": "global_energy_mix.json",
    }
    return {**row, **overrides}


def test_accepts_good_rows():
    frame = validate("grid_carbon_intensity", pd.DataFrame([good_row(), good_row(zone_id="DEU")]))
    assert frame["year"].dtype == "int64"


@pytest.mark.parametrize(
    "override, column, check",
    [
        ({"gco2e_per_kwh": 1e9}, "gco2e_per_kwh", "less_than(2000)"),
        ({"gco2e_per_kwh": -5.0}, "gco2e_per_kwh", "greater_than(0)"),
        ({"basis": "marginal"}, "basis", "isin"),
        ({"zone_type": "planet"}, "zone_type", "isin"),
        ({"source_vintage": "last year"}, "source_vintage", "str_matches"),
        ({"year": 1850}, "year", "greater_than_or_equal_to(1990)"),
    ],
)
def test_rejects_bad_values_naming_column_and_row(override, column, check):
    frame = pd.DataFrame([good_row(zone_id="DEU"), good_row(**override)])
    with pytest.raises(ValidationError) as error:
        validate("grid_carbon_intensity", frame, source_id="demo")
    message = str(error.value)
    assert "table 'grid_carbon_intensity', source 'demo'" in message
    assert f"column '{column}' failed {check}" in message
    assert "'row': 1" in message and "global_energy_mix.json" in message


def test_rejects_duplicate_primary_keys_naming_the_key_once():
    with pytest.raises(ValidationError) as error:
        validate("grid_carbon_intensity", pd.DataFrame([good_row(), good_row(gco2e_per_kwh=60.0)]))
    message = str(error.value)
    assert (
        "key (zone_id, year, source_id, basis) is not unique: 2 row(s) share a key in file(s) "
        "['global_energy_mix.json']"
    ) in message
    assert message.count("'row': 1") == 1


def test_rejects_missing_and_extra_columns():
    frame = pd.DataFrame([good_row()]).drop(columns=["basis"]).assign(comment="x")
    with pytest.raises(ValidationError) as error:
        validate("grid_carbon_intensity", frame)
    assert "basis" in str(error.value) and "comment" in str(error.value)


def test_every_column_of_every_table_is_described():
    for spec in TABLES.values():
        for column, description in spec.column_descriptions().items():
            assert len(description) > 10, f"{spec.name}.{column} needs a description with its unit"
        assert set(spec.primary_key) <= set(spec.columns)
        assert {"source_id", "source_vintage"} <= set(spec.columns)
