"""emaps_factors parser against a hand-written config/defaults.yaml in Electricity Maps' format."""

import datetime as dt
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import emaps_factors
from pipelines.validation import validate

SOURCE_ID = "emaps_factors"
DEFAULTS = "defaults.yaml"


@pytest.fixture
def parsed():
    return emaps_factors.parse_generation_emission_factors(fixture_source(SOURCE_ID))


def factor(frame, technology, basis, valid_from_date=None):
    match = frame[
        (frame["technology"] == technology)
        & (frame["basis"] == basis)
        & (frame["valid_from_date"].isna() if valid_from_date is None else frame["valid_from_date"] == valid_from_date)
    ]
    assert len(match) == 1, f"expected one {basis} {technology} row from {valid_from_date}, got {len(match)}"
    return match.iloc[0]


def source_with(tmp_path, text: str):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / DEFAULTS).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_single_factors_per_basis(parsed):
    assert factor(parsed, "coal", "lifecycle")["gco2e_per_kwh"] == 820
    assert factor(parsed, "coal", "direct")["gco2e_per_kwh"] == 760
    assert factor(parsed, "gas", "lifecycle")["gco2e_per_kwh"] == 490
    assert factor(parsed, "wind", "direct")["gco2e_per_kwh"] == 0
    assert factor(parsed, "oil", "lifecycle")["source_note"] == "UK POST 2014"
    assert factor(parsed, "oil", "direct")["source_note"] == "EIA 2020/BEIS 2021"


def test_a_list_becomes_one_row_per_date(parsed):
    discharge = parsed[(parsed["technology"] == "battery discharge") & (parsed["basis"] == "lifecycle")]
    assert discharge.set_index("valid_from_date")["gco2e_per_kwh"].to_dict() == {
        dt.date(2015, 1, 1): 370.25,
        dt.date(2016, 1, 1): 368.45,
    }
    # The folded YAML citation keeps its words, with single spaces.
    assert factor(parsed, "battery discharge", "direct", dt.date(2015, 1, 1))["source_note"] == (
        "2015 annual consumption-weighted mean carbon intensity across Electricity Maps zones "
        "(insufficient battery charging-hour data)"
    )


def test_undated_factors_have_no_valid_from(parsed):
    assert factor(parsed, "battery charge", "direct")["gco2e_per_kwh"] == 0
    assert parsed.loc[parsed["technology"] != "battery discharge", "valid_from_date"].isna().all()


def test_only_emission_factors_are_read(parsed):
    # isLowCarbon / fallbackZoneMixes also map modes to values; they are not factors.
    assert len(parsed) == 2 * (5 + 2)
    assert set(parsed["source_file"]) == {DEFAULTS}
    assert (parsed["technology"] == parsed["technology_as_published"]).all()


def test_output_is_schema_valid(parsed):
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage="2026-04-28")
    validated = validate("generation_emission_factors", frame, source_id=SOURCE_ID)
    assert len(validated) == 14


def test_unquoted_date_loads_as_a_date(tmp_path):
    text = (FIXTURES / SOURCE_ID / DEFAULTS).read_text(encoding="utf-8").replace("'2016-01-01'", "2016-01-01")
    frame = emaps_factors.parse_generation_emission_factors(source_with(tmp_path, text))
    assert dt.date(2016, 1, 1) in set(frame["valid_from_date"].dropna())


def test_python_tags_are_refused_not_executed(tmp_path):
    text = "emissionFactors: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(SourceFormatError, match="invalid YAML"):
        emaps_factors.parse_generation_emission_factors(source_with(tmp_path, text))


def test_unknown_mode_names_the_basis(tmp_path):
    text = (
        (FIXTURES / SOURCE_ID / DEFAULTS)
        .read_text(encoding="utf-8")
        .replace("    wind:\n      source: IPCC 2014\n      value: 11", "    tidal:\n      source: x\n      value: 11")
    )
    with pytest.raises(SourceFormatError, match="unknown production mode 'tidal'") as caught:
        emaps_factors.parse_generation_emission_factors(source_with(tmp_path, text))
    assert caught.value.column == "emissionFactors.lifecycle"


def test_non_numeric_value_names_the_mode(tmp_path):
    text = (FIXTURES / SOURCE_ID / DEFAULTS).read_text(encoding="utf-8").replace("value: 760", "value: n/a")
    with pytest.raises(SourceFormatError, match="non-numeric value 'n/a'") as caught:
        emaps_factors.parse_generation_emission_factors(source_with(tmp_path, text))
    assert caught.value.column == "emissionFactors.direct.coal"


def test_dated_entry_without_datetime(tmp_path):
    text = (
        (FIXTURES / SOURCE_ID / DEFAULTS)
        .read_text(encoding="utf-8")
        .replace("datetime: '2016-01-01'", "datetime: sometime", 1)
    )
    with pytest.raises(SourceFormatError, match="without a valid datetime") as caught:
        emaps_factors.parse_generation_emission_factors(source_with(tmp_path, text))
    assert caught.value.column == "emissionFactors.direct.battery discharge"


def test_missing_basis_and_missing_section(tmp_path):
    with pytest.raises(SourceFormatError, match="no 'emissionFactors' mapping"):
        emaps_factors.parse_generation_emission_factors(source_with(tmp_path, "isLowCarbon: {}\n"))
    with pytest.raises(SourceFormatError, match="no 'lifecycle' factors"):
        emaps_factors.parse_generation_emission_factors(
            source_with(tmp_path, "emissionFactors:\n  direct:\n    coal: {source: IPCC 2014, value: 760}\n")
        )


def test_html_instead_of_yaml(tmp_path):
    with pytest.raises(SourceFormatError, match="received an HTML page"):
        emaps_factors.parse_generation_emission_factors(source_with(tmp_path, "<!DOCTYPE html><html>404</html>"))


def test_source_declares_the_pinned_file():
    (declared,) = emaps_factors.SOURCE.files
    assert declared.name == DEFAULTS
    assert "/electricitymaps-contrib/b354f28aad434182bf591c51481e7eded62306cf/config/defaults.yaml" in declared.url
