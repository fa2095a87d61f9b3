"""codecarbon: per-source factors and cloud regions on the recorded files."""

import pandas as pd
import pytest

from conftest import real_source
from pipelines.sources import codecarbon

pytestmark = pytest.mark.integration


def test_codecarbon_per_source_factors():
    factors = codecarbon.parse_generation_emission_factors(real_source("codecarbon")).set_index("technology")
    assert len(factors) == 9
    assert factors.loc["coal", ["gco2e_per_kwh", "basis"]].tolist() == [995, "direct"]
    assert factors.loc["gas", ["technology_as_published", "gco2e_per_kwh"]].tolist() == ["natural_gas", 743]
    assert factors.loc["fossil", ["gco2e_per_kwh", "basis"]].tolist() == [635, "direct"]
    assert factors.loc["nuclear", ["gco2e_per_kwh", "basis"]].tolist() == [29, "lifecycle"]
    assert factors.loc["solar", "gco2e_per_kwh"] == 48


def test_codecarbon_cloud_impact_is_googles_2023_data(gcp_regions):
    cloud = codecarbon.parse_cloud_regions(real_source("codecarbon")).set_index("zone_id")
    google_2023 = gcp_regions[gcp_regions["year"] == 2023].set_index("zone_id")
    assert len(cloud) == 40
    assert set(cloud.index) == set(google_2023.index)
    pd.testing.assert_series_equal(
        cloud["grid_gco2e_per_kwh"].sort_index(), google_2023["grid_gco2e_per_kwh"].sort_index()
    )
    assert cloud.loc["gcp:me-central1", "location"] == "Doha"
