"""Parsers of the footprint reference tables: curated CSVs and Green Algorithms' defaults_PUE.csv."""

import pandas as pd
import pytest

from conftest import fixture_source
from pipelines import settings
from pipelines.archive import resolve_curated
from pipelines.assets.factory import with_provenance
from pipelines.errors import SourceFormatError
from pipelines.sources import curated_reference, curated_training_runs, green_algorithms
from pipelines.validation import validate

# defaults_PUE.csv as Green Algorithms writes it: an index row, then the column names.
PUE_FILE = """index,>1,
provider,PUE,source
Unknown,1.56,2024 https://datacenter.uptimeinstitute.com/rs/711-RIA-145/images/2024.GlobalDataCenterSurvey.Report.pdf?version=0
gcp,1.12,https://www.nutanix.dev/2023/05/04/digging-into-data-center-efficiency-pue-and-the-impact-of-hci/
OVHcloud,1.09,https://www.nutanix.dev/2023/05/04/digging-into-data-center-efficiency-pue-and-the-impact-of-hci/"""


def _pue(tmp_path, text=PUE_FILE):
    (tmp_path / green_algorithms.PUE_DEFAULTS).write_text(text, encoding="utf-8")
    return green_algorithms.parse_datacenter_pue(fixture_source("green_algorithms", folder=tmp_path))


def test_green_algorithms_pue_default_and_providers(tmp_path):
    frame = _pue(tmp_path).set_index("entity")
    default = frame.loc["Uptime Institute global average (Green Algorithms default for an unknown provider)"]
    assert (default.scope, default.year, default.pue, default.citation_publisher) == (
        "industry",
        2024,
        1.56,
        "Uptime Institute",
    )
    assert default.citation_url.startswith("https://datacenter.uptimeinstitute.com/")
    google = frame.loc["Google Cloud Platform"]
    assert (google.scope, google.year, google.pue, google.citation_publisher) == ("provider", 2023, 1.12, "Nutanix")
    assert frame.loc["OVHcloud", "pue"] == 1.09  # a provider without a code keeps its name
    validate("datacenter_pue", frame.reset_index().assign(source_id="green_algorithms", source_vintage="2025-02-05"))


def test_green_algorithms_pue_without_a_year_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="defaults_PUE.csv.*states no year"):
        _pue(tmp_path, PUE_FILE.replace("2024 https://", "https://").replace("2024.Global", "Global"))


def test_green_algorithms_pue_renamed_column_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="PUE"):
        _pue(tmp_path, PUE_FILE.replace("provider,PUE,source", "provider,pue_value,source"))


def _curated(source):
    raw = resolve_curated(settings.curated_dir(), source)
    return raw, {
        table: validate(table, with_provenance(parse(raw), raw), source_id=source.id)
        for table, parse in source.parsers.items()
    }


def test_curated_reference_tables_are_cited_and_valid():
    _, tables = _curated(curated_reference.SOURCE)
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


def test_curated_training_runs_keep_published_figures():
    _, tables = _curated(curated_training_runs.SOURCE)
    runs = tables["ai_training_runs"].set_index("model")
    gpt3 = runs.loc["GPT-3 175B"]
    assert (gpt3.hardware_count, gpt3.training_hours, gpt3.power_w, gpt3.pue, gpt3.reported_tco2e) == (
        10000,
        355.2,
        330,
        1.1,
        552.1,
    )
    bloom = runs.loc["BLOOM 176B"]
    assert (bloom.gpu_hours, bloom.zone_id, bloom.grid_gco2e_per_kwh, bloom.reported_energy_mwh) == (
        1082990,
        "FRA",
        57,
        433.196,
    )
    assert runs["canonical_model"].isna().all() and runs["reported_market_based_tco2e"].isna().all()
    assert runs["citation_url"].str.startswith("http").all()


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


def test_duplicate_pue_rows_are_rejected():
    row = {
        "scope": "industry",
        "entity": "Uptime",
        "year": 2024,
        "pue": 1.56,
        "citation_publisher": None,
        "citation_title": None,
        "citation_url": None,
        "citation_published": None,
        "citation_note": None,
        "source_file": "f.csv",
        "source_id": "s",
        "source_vintage": "2024-01-01",
    }
    with pytest.raises(Exception, match="unique|duplicate"):
        validate("datacenter_pue", pd.DataFrame([row, {**row, "pue": 1.6}]))
