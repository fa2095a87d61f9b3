"""un_sdg_ewaste: SDG API Series/Data responses (one JSON per e-waste series) -> ewaste_statistics."""

import json
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import un_sdg_ewaste
from pipelines.validation import validate

FOLDER = FIXTURES / "un_sdg_ewaste"


def parse(folder=FOLDER):
    frame = un_sdg_ewaste.parse_ewaste_statistics(fixture_source("un_sdg_ewaste", folder=folder))
    return frame.assign(source_id="un_sdg_ewaste", source_vintage="2024-01-01")


def value(frame, zone_id, year, metric):
    match = frame[(frame["zone_id"] == zone_id) & (frame["year"] == year) & (frame["metric"] == metric)]
    assert len(match) == 1, f"expected one {metric} row for {zone_id} {year}, got {len(match)}"
    return match.iloc[0]


def copy_fixtures(tmp_path):
    for path in FOLDER.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_tonnes_become_kilotonnes_and_kg_stay_per_person():
    frame = parse()
    world = value(frame, "WLD", 2022, "generated")
    assert (world["value"], world["unit"], world["series"], world["zone_type"]) == (
        62000.0,
        "kt",
        "EN_EWT_GENV",
        "aggregate",
    )
    assert value(frame, "NOR", 2022, "generated")["value"] == 142.0
    per_capita = value(frame, "NOR", 2022, "generated_per_capita")
    assert (per_capita["value"], per_capita["unit"]) == (26.0, "kg/person")
    assert value(frame, "WLD", 2022, "collection_rate")[["value", "unit"]].tolist() == [22.3, "percent"]
    assert value(frame, "NOR", 2022, "recycling_rate")["value"] == 73.9


def test_every_series_maps_to_its_metric():
    frame = parse()
    assert frame.groupby("series")["metric"].unique().map(list).to_dict() == {
        "EN_EWT_COLLPCAP": ["collected_per_capita"],
        "EN_EWT_COLLR": ["collection_rate"],
        "EN_EWT_COLLV": ["collected"],
        "EN_EWT_GENPCAP": ["generated_per_capita"],
        "EN_EWT_GENV": ["generated"],
        "EN_EWT_RCYPCAP": ["recycled_per_capita"],
        "EN_EWT_RCYR": ["recycling_rate"],
        "EN_EWT_RCYV": ["recycled"],
    }


def test_m49_codes_become_zone_ids():
    zones = parse().drop_duplicates("zone_id").set_index("zone_id")
    assert zones.loc["XKX", "zone_type"] == "country"  # M49 412, which ISO 3166-1 does not code
    assert zones.loc["GLP", "zone_name"] == "Guadeloupe"
    assert zones.loc["AGG-SUB-SAHARAN-AFRICA", "zone_type"] == "aggregate"
    assert zones.loc["WLD", "zone_name"] == "World"


def test_national_reporting_rows_and_missing_values_are_left_out():
    frame = parse()
    # Norway 2022 has a custodian (G) estimate of 142,000 t and a national (N) figure of 139,300 t.
    assert frame[(frame["zone_id"] == "NOR") & (frame["metric"] == "generated")]["value"].tolist() == [142.0]
    # Guadeloupe's generated value is "NaN" in the response: no row, not a zero.
    assert frame[(frame["zone_id"] == "GLP") & (frame["metric"] == "generated")].empty


def test_values_are_kept_as_published_even_when_implausible():
    # Guadeloupe 2022 collected carries a documented x1,000 slip (5,367,000 t); the parser does
    # not second-guess the publisher, the asset checks report such rows.
    assert value(parse(), "GLP", 2022, "collected")["value"] == pytest.approx(5367.0)


def test_output_is_schema_valid():
    assert len(validate("ewaste_statistics", parse(), source_id="un_sdg_ewaste")) == 26


def test_paginated_response_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "EN_EWT_GENV.json"
    payload = json.loads(path.read_text())
    payload["totalPages"] = 2
    path.write_text(json.dumps(payload))
    with pytest.raises(SourceFormatError, match="file 'EN_EWT_GENV.json': response is page 1 of 2"):
        parse(folder)


def test_truncated_response_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "EN_EWT_RCYV.json"
    payload = json.loads(path.read_text())
    payload["data"] = payload["data"][:1]
    path.write_text(json.dumps(payload))
    with pytest.raises(SourceFormatError, match="totalElements says 2 observations, 'data' holds 1"):
        parse(folder)


def test_unknown_unit_is_refused_not_guessed(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "EN_EWT_GENPCAP.json"
    path.write_text(path.read_text().replace('"Units": "KG"', '"Units": "TONNES"'))
    with pytest.raises(SourceFormatError, match="unit 'TONNES' is not one this parser converts to kg/person"):
        parse(folder)


def test_non_numeric_value_names_file_and_rows(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "EN_EWT_COLLR.json"
    path.write_text(path.read_text().replace('"value": "73.9"', '"value": "<5"'))
    with pytest.raises(
        SourceFormatError,
        match=r"file 'EN_EWT_COLLR.json': 1 non-numeric value\(s\) "
        r"\(column 'value'\).*Norway",
    ):
        parse(folder)


def test_wrong_series_in_a_file_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path)
    path = folder / "EN_EWT_RCYR.json"
    path.write_text(path.read_text().replace('"series": "EN_EWT_RCYR"', '"series": "EN_MWT_RCYR"'))
    with pytest.raises(SourceFormatError, match="is series 'EN_MWT_RCYR', expected EN_EWT_RCYR"):
        parse(folder)


def test_html_error_page_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path)
    (folder / "EN_EWT_COLLV.json").write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>")
    with pytest.raises(SourceFormatError, match="file 'EN_EWT_COLLV.json': received an HTML page"):
        parse(folder)


def test_source_declares_one_api_url_per_series():
    urls = {f.name: f.url for f in un_sdg_ewaste.SOURCE.files}
    assert set(urls) == {f"{code}.json" for code in un_sdg_ewaste.SERIES_METRICS}
    assert urls["EN_EWT_GENV.json"] == (
        "https://unstats.un.org/sdgapi/v1/sdg/Series/Data?seriesCode=EN_EWT_GENV&pageSize=100000"
    )
