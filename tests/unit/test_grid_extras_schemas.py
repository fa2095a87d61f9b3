"""The four grid_extras schemas accept good rows and reject bad ones, naming the column."""

import datetime as dt

import pandas as pd
import pytest

from pipelines.errors import ValidationError
from pipelines.validation import validate
from schemas import table

PROVENANCE = {"source_id": "demo", "source_vintage": "2024-01-01"}

GOOD = {
    "generation_emission_factors": {
        "technology": "battery discharge",
        "technology_as_published": "battery discharge",
        "basis": "lifecycle",
        "gco2e_per_kwh": 370.25,
        "valid_from_date": dt.date(2015, 1, 1),
        "source_note": "Electricity Maps",
        "source_file": "defaults.yaml",
    },
    "grid_marginal_emission_factors": {
        "zone_id": "AFG",
        "zone_name": "Afghanistan",
        "zone_type": "country",
        "margin": "combined",
        "energy_project_type": "firm_energy",
        "year": 2021,
        "gco2_per_kwh": 193.0,
        "source_file": "ifi.csv",
    },
    "cloud_regions": {
        "provider": "gcp",
        "region": "us-central1",
        "location": "Iowa",
        "zone_id": "gcp:us-central1",
        "country_zone_id": "USA",
        "year": 2023,
        "grid_gco2e_per_kwh": 430.0,
        "grid_intensity_basis": "direct",
        "cfe_fraction": 0.95,
        "pue": None,
        "source_file": "2023.csv",
    },
    "grid_intensity_halfhourly": {
        "zone_id": "GBR",
        "zone_name": "Great Britain",
        "period_start_utc": "2019-08-25T12:30Z",
        "period_end_utc": "2019-08-25T13:00Z",
        "forecast_gco2_per_kwh": 183,
        "actual_gco2_per_kwh": None,
        "intensity_index": "moderate",
        "source_file": "intensity.json",
    },
}


def frame(table_name, **overrides):
    return pd.DataFrame([{**GOOD[table_name], **PROVENANCE, **overrides}])


@pytest.mark.parametrize("table_name", sorted(GOOD))
def test_good_rows_are_accepted(table_name):
    assert len(validate(table_name, frame(table_name))) == 1


def test_published_columns_are_the_staging_columns_plus_provenance():
    for table_name, row in GOOD.items():
        assert set(table(table_name).columns) == set(row) | set(PROVENANCE)


def test_dates_and_timestamps_are_typed():
    factors = validate("generation_emission_factors", frame("generation_emission_factors"))
    assert factors["valid_from_date"].iloc[0] == dt.date(2015, 1, 1)
    halfhours = validate("grid_intensity_halfhourly", frame("grid_intensity_halfhourly"))
    assert str(halfhours["period_start_utc"].dtype) == "datetime64[us, UTC]"


def test_undated_factor_is_accepted():
    assert (
        validate("generation_emission_factors", frame("generation_emission_factors", valid_from_date=None)) is not None
    )


@pytest.mark.parametrize(
    "table_name, override, column",
    [
        ("generation_emission_factors", {"technology": "tidal"}, "technology"),
        ("generation_emission_factors", {"basis": "marginal"}, "basis"),
        ("generation_emission_factors", {"gco2e_per_kwh": -1.0}, "gco2e_per_kwh"),
        ("generation_emission_factors", {"source_note": ""}, "source_note"),
        ("grid_marginal_emission_factors", {"energy_project_type": "nuclear"}, "energy_project_type"),
        ("grid_marginal_emission_factors", {"gco2_per_kwh": 0.0}, "gco2_per_kwh"),
        ("grid_marginal_emission_factors", {"margin": "build"}, "margin"),
        ("cloud_regions", {"cfe_fraction": 95.0}, "cfe_fraction"),
        ("cloud_regions", {"pue": 0.9}, "pue"),
        ("cloud_regions", {"country_zone_id": "US"}, "country_zone_id"),
        ("cloud_regions", {"zone_id": "GCP:us-central1"}, "zone_id"),
        ("grid_intensity_halfhourly", {"intensity_index": "extreme"}, "intensity_index"),
        ("grid_intensity_halfhourly", {"forecast_gco2_per_kwh": 5000}, "forecast_gco2_per_kwh"),
    ],
)
def test_bad_values_are_rejected_naming_the_column(table_name, override, column):
    with pytest.raises(ValidationError) as error:
        validate(table_name, frame(table_name, **override), source_id="demo")
    assert f"column '{column}'" in str(error.value)


@pytest.mark.parametrize(
    "table_name, override, check",
    [
        ("grid_marginal_emission_factors", {"margin": "operating"}, "operating_margin_rows_are_labelled"),
        ("cloud_regions", {"zone_id": "gcp:us-east1"}, "zone_id_is_provider_and_region"),
        ("cloud_regions", {"grid_gco2e_per_kwh": None}, "basis_goes_with_intensity"),
        ("grid_intensity_halfhourly", {"period_end_utc": "2019-08-25T12:00Z"}, "period_ends_after_start"),
    ],
)
def test_row_level_rules(table_name, override, check):
    with pytest.raises(ValidationError, match=check):
        validate(table_name, frame(table_name, **override))


@pytest.mark.parametrize("table_name", sorted(GOOD))
def test_duplicate_primary_keys_are_rejected(table_name):
    with pytest.raises(ValidationError, match="unique"):
        validate(table_name, pd.concat([frame(table_name), frame(table_name)], ignore_index=True))


def test_undated_duplicates_are_duplicates():
    twice = pd.concat([frame("generation_emission_factors", valid_from_date=None)] * 2, ignore_index=True)
    with pytest.raises(ValidationError, match="unique"):
        validate("generation_emission_factors", twice)
