"""curated_minerals: the curated reader names a blank citation and trims cells."""

import pytest

from conftest import fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import curated_minerals


def test_the_curated_reader_names_a_blank_citation_and_trims_cells(tmp_path):
    header = (
        "mineral,component,role,citation_publisher,citation_title,citation_url,citation_published,"
        "citation_locator,citation_note,via_url"
    )
    (tmp_path / curated_minerals.FILE).write_text(
        f"{header}\n cobalt ,vias,liner,USGS,Cobalt,https://example.org/co,2024, ,note,\n", encoding="utf-8"
    )
    frame = curated_minerals.parse_mineral_uses(fixture_source("curated_minerals", folder=tmp_path))
    assert (frame.loc[0, "mineral"], frame.loc[0, "citation_locator"], frame.loc[0, "source_file"]) == (
        "cobalt",
        None,
        "mineral_uses.csv",
    )
    (tmp_path / curated_minerals.FILE).write_text(
        f"{header}\ncobalt,vias,liner,USGS,,https://example.org/co,2024,,,\n", encoding="utf-8"
    )
    with pytest.raises(SourceFormatError, match="every curated row needs its citation: 1 row.*'citation_title'"):
        curated_minerals.parse_mineral_uses(fixture_source("curated_minerals", folder=tmp_path))
    (tmp_path / curated_minerals.FILE).write_text(
        f"{header}\ncobalt,,liner,USGS,Cobalt,https://example.org/co,2024,,,\n", encoding="utf-8"
    )
    with pytest.raises(SourceFormatError, match="every curated row needs a value here.*'component'"):
        curated_minerals.parse_mineral_uses(fixture_source("curated_minerals", folder=tmp_path))
