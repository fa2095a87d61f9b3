"""curated_reference: the curated equivalences and PUE tables, cited and valid."""

import pytest

from conftest import fixture_source
from curated_tables import curated_tables
from pipelines import settings
from pipelines.errors import SourceFormatError
from pipelines.sources import curated_reference


def test_curated_reference_tables_are_cited_and_valid():
    _, tables = curated_tables(curated_reference.SOURCE)
    equivalences = tables["equivalences"].set_index("key")
    assert equivalences.loc["us_household_electricity_kwh_per_year_2022", ["value", "unit"]].tolist() == [
        10791,
        "kWh/year",
    ]
    assert equivalences.loc["lb_to_kg", "value"] == 0.45359237
    pue = tables["datacenter_pue"]
    assert set(pue["scope"]) == {"industry", "provider"}
    for frame in tables.values():
        assert frame["citation_url"].str.startswith("http").all() and (frame["source_vintage"] == "2026-11-25").all()


def test_curated_row_without_a_url_is_an_error(tmp_path):
    text = (settings.curated_dir() / curated_reference.EQUIVALENCES).read_text(encoding="utf-8")
    lines = text.splitlines()
    header, first = lines[0], lines[1].replace("https://www.eia.gov/tools/faqs/faq.php?id=97&t=3", "")
    (tmp_path / curated_reference.EQUIVALENCES).write_text(f"{header}\n{first}\n", encoding="utf-8")
    raw = fixture_source("curated_reference", folder=tmp_path)
    with pytest.raises(SourceFormatError, match="every curated row needs its citation.*column 'citation_url'"):
        curated_reference.parse_equivalences(raw)


def test_curated_non_numeric_value_is_an_error(tmp_path):
    header = (
        "key,description,value,unit,citation_publisher,citation_title,citation_url,citation_published,citation_note"
    )
    (tmp_path / curated_reference.EQUIVALENCES).write_text(
        f"{header}\nx,desc,about ten,kWh,EIA,t,https://example.org/,2024,\n", encoding="utf-8"
    )
    with pytest.raises(SourceFormatError, match="non-numeric"):
        curated_reference.parse_equivalences(fixture_source("curated_reference", folder=tmp_path))
