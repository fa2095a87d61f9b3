"""owid_ewaste: OWID's e-waste recycling rate (SDG 12.5.1), two definitions told apart per row."""

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import owid_ewaste
from pipelines.validation import validate

FOLDER = FIXTURES / "owid_ewaste"


def parse(folder=FOLDER):
    frame = owid_ewaste.parse_ewaste_statistics(fixture_source(owid_ewaste.SOURCE_ID, folder=folder))
    return frame.assign(source_id=owid_ewaste.SOURCE_ID, source_vintage="2026-04-01")


def test_each_row_names_its_rate_definition():
    frame = parse().set_index("zone_id")
    assert frame.loc["MLT", ["value", "rate_definition"]].tolist() == [122.8, "recycled_over_collected"]
    assert frame.loc["DEU", ["value", "rate_definition"]].tolist() == [85.8, "recycled_over_collected"]
    assert frame.loc["WLD", ["year", "value", "rate_definition"]].tolist() == [2022, 22.3, "recycled_over_generated"]
    assert frame.loc["JPN", "rate_definition"] == "recycled_over_generated"
    assert frame.loc["CHE", "rate_definition"] == "recycled_over_generated"  # not a Eurostat WEEE reporter
    assert frame.loc["AGG-AFRICA-UN", ["zone_type", "zone_name"]].tolist() == ["aggregate", "Africa (UN)"]


def test_over_100_is_valid_only_relative_to_the_mass_collected():
    frame = parse()
    assert len(validate("ewaste_statistics", frame, source_id=owid_ewaste.SOURCE_ID)) == len(frame)
    mislabelled = frame.assign(rate_definition="recycled_over_generated")
    with pytest.raises(Exception, match="percent value above 100"):
        validate("ewaste_statistics", mislabelled, source_id=owid_ewaste.SOURCE_ID)


@pytest.mark.parametrize(
    "text, message",
    [
        ("Entity,Code,Year,Proportion\nMalta,MLT,2011,lots", "non-numeric"),
        ("Entity,Code,Year\nMalta,MLT,2011", "expected one value column"),
        ("Entity,Code,Year,Proportion\nAtlantis,ATL,2011,5", "not ISO 3166-1 alpha-3"),
        ("Country,Year,Proportion\nMalta,2011,5", "expected column(s) ['Entity', 'Code']"),
    ],
)
def test_bad_files_fail_with_a_message(tmp_path, text, message):
    (tmp_path / owid_ewaste.FILE).write_text(text)
    with pytest.raises(SourceFormatError, match=owid_ewaste.FILE) as error:
        parse(tmp_path)
    assert message in str(error.value)
