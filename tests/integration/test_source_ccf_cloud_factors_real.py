from __future__ import annotations

import pytest

from conftest import real_source
from pipelines.sources import ccf_cloud_factors, gcp_region_carbon
from pipelines.validation import validate

SOURCE = ccf_cloud_factors.SOURCE
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def raw():
    return real_source(SOURCE.id)


@pytest.fixture(scope="module")
def rows(raw):
    return ccf_cloud_factors.parse_grid_intensity(raw)


def _value(rows, zone_id):
    match = rows[rows["zone_id"] == zone_id]
    assert len(match) == 1
    return match.iloc[0]["gco2e_per_kwh"]


def test_regions_per_provider(rows):
    # Azure publishes 24 regions; Finland Central and Germany West Central lack their '0.'.
    assert rows["zone_id"].str.split(":").str[0].value_counts().to_dict() == {"aws": 25, "gcp": 24, "azure": 22}


def test_defective_azure_rows_are_dropped(rows):
    assert not {"azure:germanywestcentral", "azure:finlandcentral"} & set(rows["zone_id"])
    assert rows["gco2e_per_kwh"].max() < 1000


def test_real_values(rows):
    assert _value(rows, "aws:us-east-1") == pytest.approx(415.755)
    assert _value(rows, "aws:eu-west-3") == pytest.approx(52)
    assert _value(rows, "aws:ap-southeast-1") == pytest.approx(408.5)
    assert _value(rows, "azure:eastus2") == pytest.approx(415.755)
    assert _value(rows, "azure:francecentral") == pytest.approx(67)
    assert _value(rows, "azure:swedencentral") == pytest.approx(9)
    assert _value(rows, "gcp:us-central1") == pytest.approx(479)
    assert _value(rows, "gcp:europe-west6") == pytest.approx(29)


def test_basis_by_provider(rows):
    provider = rows["zone_id"].str.split(":").str[0]
    assert rows.groupby(provider)["basis"].agg(lambda b: sorted(set(b))).to_dict() == {
        "aws": ["direct"],
        "azure": ["direct"],
        "gcp": ["lifecycle"],
    }


def test_gcp_factors_are_googles_2019_figures_where_google_measured_hourly(rows):
    # Supports data year 2019: CCF's GCP factors equal Google's 2019 file for every region
    # that had a CFE figure in 2019; the 8 without one differ.
    google = gcp_region_carbon.parse_grid_intensity(real_source(gcp_region_carbon.SOURCE.id, names=["2019.csv"]))
    ccf = rows[rows["zone_id"].str.startswith("gcp:")].set_index("zone_id")["gco2e_per_kwh"].round(3)
    joined = google.set_index("zone_id")["gco2e_per_kwh"].to_frame("google").join(ccf.rename("ccf"), how="inner")
    assert len(joined) == 24
    different = sorted(joined.index[joined["google"] != joined["ccf"]])
    assert different == [
        "gcp:asia-east2",
        "gcp:asia-northeast1",
        "gcp:asia-northeast2",
        "gcp:asia-northeast3",
        "gcp:asia-south1",
        "gcp:asia-southeast2",
        "gcp:europe-west6",
        "gcp:northamerica-northeast1",
    ]


def test_schema_valid(raw, rows):
    vintages = {name: f.vintage for name, f in raw.files.items()}
    frame = rows.assign(source_id=SOURCE.id, source_vintage=rows["source_file"].map(vintages))
    assert len(validate("grid_carbon_intensity", frame, source_id=SOURCE.id)) == 71
