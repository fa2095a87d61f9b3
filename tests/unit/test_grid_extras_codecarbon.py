"""CodeCarbon's per-technology factors and cloud regions, on hand-written files in its format."""

import json
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import codecarbon
from pipelines.validation import validate

SOURCE_ID = "codecarbon"


def source_with(tmp_path, name: str, data: bytes):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / name).write_bytes(data)
    return fixture_source(SOURCE_ID, folder=tmp_path)


def per_source_with(tmp_path, **changes):
    data = json.loads((FIXTURES / SOURCE_ID / codecarbon.PER_SOURCE).read_text(encoding="utf-8"))
    data.update(changes)
    return source_with(tmp_path, codecarbon.PER_SOURCE, json.dumps(data).encode())


@pytest.fixture
def factors():
    return codecarbon.parse_generation_emission_factors(fixture_source(SOURCE_ID)).set_index("technology")


@pytest.fixture
def regions():
    return codecarbon.parse_cloud_regions(fixture_source(SOURCE_ID)).set_index("zone_id")


def test_factor_names_are_normalised(factors):
    assert factors.loc["gas", ["technology_as_published", "gco2e_per_kwh"]].tolist() == ["natural_gas", 743]
    assert factors.loc["oil", "technology_as_published"] == "petroleum"
    assert factors.loc["hydro", "technology_as_published"] == "hydroelectricity"


def test_basis_follows_each_citation(factors):
    assert factors["basis"].to_dict() == {
        "coal": "direct",
        "oil": "direct",
        "gas": "direct",
        "fossil": "direct",
        "hydro": "lifecycle",
        "nuclear": "lifecycle",
    }
    assert factors.loc["nuclear", "source_note"].endswith("comparison_of_lifecycle.pdf")
    assert factors.loc["fossil", "source_note"] == "https://www.epa.gov/egrid/data-explorer"


def test_world_average_is_a_grid_average_not_a_technology(factors):
    assert 475 not in factors["gco2e_per_kwh"].tolist()
    assert factors["valid_from_date"].isna().all()


def test_factors_are_schema_valid(factors):
    frame = factors.reset_index().assign(source_id=SOURCE_ID, source_vintage="2021-11-14")
    assert len(validate("generation_emission_factors", frame, source_id=SOURCE_ID)) == 6


def test_changed_unit_is_refused(tmp_path):
    with pytest.raises(SourceFormatError, match="expected unit 'gCO2.eq/kWh'"):
        codecarbon.parse_generation_emission_factors(per_source_with(tmp_path, unit="kgCO2/MWh"))


def test_unknown_technology_is_refused(tmp_path):
    with pytest.raises(SourceFormatError, match="unknown technology 'tidal'"):
        codecarbon.parse_generation_emission_factors(per_source_with(tmp_path, tidal=10, tidal_source="x"))


def test_citation_without_a_known_basis_is_refused(tmp_path):
    raw = per_source_with(tmp_path, coal_source="https://example.org/some-study")
    with pytest.raises(SourceFormatError, match="no known basis") as caught:
        codecarbon.parse_generation_emission_factors(raw)
    assert caught.value.column == "coal_source"


def test_cloud_regions_with_country_code_and_city(regions):
    paris = regions.loc["gcp:europe-west9"]
    assert paris[["provider", "region", "location", "country_zone_id", "year"]].tolist() == [
        "gcp",
        "europe-west9",
        "Paris",
        "FRA",
        2023,
    ]
    assert paris["grid_gco2e_per_kwh"] == 34
    assert paris["grid_intensity_basis"] == "direct"


def test_country_is_as_published(regions):
    # CodeCarbon files Hong Kong under China; the row keeps the publisher's code.
    assert regions.loc["gcp:asia-east2", "country_zone_id"] == "CHN"


def test_misspelt_region_is_corrected(regions):
    assert "gcp:me-cenrtal1" not in regions.index
    assert regions.loc["gcp:me-central1", ["region", "grid_gco2e_per_kwh"]].tolist() == ["me-central1", 575]


def test_no_cfe_or_pue_in_this_file(regions):
    assert regions["cfe_fraction"].isna().all() and regions["pue"].isna().all()


def test_cloud_regions_are_schema_valid(regions):
    frame = regions.reset_index().assign(source_id=SOURCE_ID, source_vintage="2024-07-13")
    assert len(validate("cloud_regions", frame, source_id=SOURCE_ID)) == 5


def test_other_providers_are_refused_until_their_year_is_known(tmp_path):
    text = (FIXTURES / SOURCE_ID / codecarbon.CLOUD_IMPACT).read_bytes() + (
        b"aws,Amazon Web Services,100,us-east-1,,USA,USA,Virginia,,379,https://example.org,\n"
    )
    with pytest.raises(SourceFormatError, match=r"provider\(s\) \['aws'\]") as caught:
        codecarbon.parse_cloud_regions(source_with(tmp_path, codecarbon.CLOUD_IMPACT, text))
    assert caught.value.column == "provider"


def test_non_numeric_impact_names_the_column(tmp_path):
    text = (FIXTURES / SOURCE_ID / codecarbon.CLOUD_IMPACT).read_bytes().replace(b",Paris,34,", b",Paris,low,")
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        codecarbon.parse_cloud_regions(source_with(tmp_path, codecarbon.CLOUD_IMPACT, text))
    assert caught.value.column == "impact"


def test_renamed_cloud_column_is_refused(tmp_path):
    text = (FIXTURES / SOURCE_ID / codecarbon.CLOUD_IMPACT).read_bytes().replace(b",impact,", b",intensity,")
    with pytest.raises(SourceFormatError, match="expected column") as caught:
        codecarbon.parse_cloud_regions(source_with(tmp_path, codecarbon.CLOUD_IMPACT, text))
    assert caught.value.column == "impact"


def test_codecarbon_feeds_three_tables():
    assert set(codecarbon.SOURCE.parsers) == {"grid_carbon_intensity", "generation_emission_factors", "cloud_regions"}
