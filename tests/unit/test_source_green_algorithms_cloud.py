import math

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import green_algorithms
from pipelines.validation import validate


def parse(folder=None):
    frame = green_algorithms.parse_cloud_regions(fixture_source("green_algorithms", folder=folder))
    return frame.assign(source_id="green_algorithms", source_vintage="2022-04-12")


def test_regions_with_pue_year_and_country():
    regions = parse().set_index("zone_id")
    oregon = regions.loc["gcp:us-west1"]
    assert (oregon["pue"], oregon["year"], oregon["country_zone_id"], oregon["location"]) == (
        1.11,
        2020,
        "USA",
        "Oregon",
    )
    assert math.isnan(regions.loc["gcp:us-west2", "pue"])
    assert regions.loc["azure:eastus2", "region"] == "eastus2"  # Azure display name -> API id
    assert regions.loc["azure:southafricanorth", "country_zone_id"] == "ZAF"
    assert regions.loc["azure:germanywestcentral", "location"] == "Frankfurt"  # "(Public)" dropped


def test_output_is_schema_valid():
    assert len(validate("cloud_regions", parse())) == 5


def test_row_without_a_cited_date_is_refused(tmp_path):
    for path in (FIXTURES / "green_algorithms").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    datacentres = tmp_path / "cloudProviders_datacenters.csv"
    datacentres.write_text(
        datacentres.read_text().replace(
            "https://azure.microsoft.com/en-gb/global-infrastructure/geographies/#geographies (29/09/2020)",
            "https://azure.microsoft.com/en-gb/global-infrastructure/geographies/#geographies",
        )
    )
    with pytest.raises(SourceFormatError, match="cloudProviders_datacenters.csv': no '\\(dd/mm/yyyy\\)' date"):
        parse(tmp_path)
