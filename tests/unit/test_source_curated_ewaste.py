"""curated_ewaste: curated e-waste facts and the ewaste_statistics schema, on the fixture."""

import re
import shutil

import pandas as pd
import pytest

from curated_ewaste_frames import FOLDER, parse
from pipelines.errors import SourceFormatError, ValidationError
from pipelines.validation import validate


def copy_fixtures(tmp_path):
    for path in FOLDER.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_curated_rows_keep_their_citations():
    frame = parse().set_index(["zone_id", "year", "metric", "series"])
    generated = frame.loc[("WLD", 2022, "generated", "UNITAR / ITU (Global E-waste Monitor 2024)")]
    assert generated["value"] == 62000
    assert (generated["unit"], generated["zone_type"], generated["zone_name"]) == ("kt", "aggregate", "World")
    assert generated["citation_url"] == "https://example.org/gem-2024"
    assert generated["citation_published"] == "2024-03-20"
    assert generated["citation_note"].startswith("'A record 62 million tonnes")
    # A month-only date stays as published, not a timestamp; an empty note is missing, not "".
    gem_2020 = frame.loc[
        ("WLD", 2030, "projected_generated", "UNU / UNITAR / ITU / ISWA (Global E-waste Monitor 2020)")
    ]
    assert (gem_2020["value"], gem_2020["citation_published"]) == (74700, "2020-07")
    assert pd.isna(
        frame.loc[("WLD", 2030, "projected_generated", "UNITAR / ITU (Global E-waste Monitor 2024)"), "citation_note"]
    )


def test_countries_get_their_iso_name_and_population_rows_come_from_their_file():
    frame = parse()
    norway = frame[frame["zone_id"] == "NOR"].iloc[0]
    assert (norway["zone_type"], norway["zone_name"]) == ("country", "Norway")
    population = frame[frame["metric"] == "population"].iloc[0]
    assert (population["value"], population["unit"], population["source_file"]) == (
        7.942e9,
        "persons",
        "world_population.csv",
    )


def test_two_editions_projecting_the_same_year_are_both_valid():
    validated = validate("ewaste_statistics", parse(), source_id="curated_ewaste")
    assert len(validated) == 6
    projections = validated[validated["metric"] == "projected_generated"].sort_values("value")
    assert projections["value"].tolist() == [74700, 82000]


def test_unknown_zone_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "ewaste_headlines.csv"
    path.write_text(path.read_text().replace("NOR,2019", "Norway,2019"))
    with pytest.raises(SourceFormatError, match="zone_id 'Norway' is neither ISO 3166-1 alpha-3"):
        parse(folder)


def test_row_without_citation_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "ewaste_headlines.csv"
    path.write_text(path.read_text().replace("https://example.org/gem-2020,2020-07,\n", ",2020-07,\n"))
    with pytest.raises(SourceFormatError, match="every curated row needs its citation.*column 'citation_url'"):
        parse(folder)


def test_non_numeric_value_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "ewaste_headlines.csv"
    path.write_text(path.read_text().replace(",62000,kt,", ",62 Mt,kt,"))
    with pytest.raises(SourceFormatError, match=r"1 non-numeric value\(s\) \(column 'value'\)"):
        parse(folder)


@pytest.mark.parametrize(
    "metric, unit, value, failure",
    [
        ("generated", "Mt", 62.0, "unit"),  # a unit the table does not use
        ("generated", "kg/person", 62.0, "unit does not match the metric's unit"),
        ("collection_rate", "percent", 223.0, "a percent value above 100"),
        ("generated", "kt", -1.0, "greater_than_or_equal_to(0)"),
        ("share_of_landfill", "percent", 5.0, "metric"),
    ],
)
def test_schema_refuses_bad_rows(metric, unit, value, failure):
    frame = parse()
    frame.loc[0, ["metric", "unit", "value"]] = [metric, unit, value]
    with pytest.raises(ValidationError, match=re.escape(failure)):
        validate("ewaste_statistics", frame, source_id="curated_ewaste")


def test_schema_refuses_duplicate_keys():
    frame = parse()
    with pytest.raises(ValidationError, match="duplicates|unique"):
        validate("ewaste_statistics", pd.concat([frame, frame.iloc[[0]]], ignore_index=True))
