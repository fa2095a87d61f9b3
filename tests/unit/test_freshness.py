"""Freshness checks warn when a source's data is older than its stated threshold."""

import hashlib
from datetime import date, timedelta

import dagster as dg
import pytest

from pipelines.archive import write_manifest
from pipelines.assets import freshness
from pipelines.resources import RawStore
from pipelines.sources import SOURCES
from pipelines.sources._base import DEFAULT_FRESHNESS, Freshness


def archive_with_vintages(root, source, vintages: dict[str, str]):
    folder = root / source.id
    folder.mkdir(parents=True)
    entries = []
    for declared in source.files:
        body = f"{declared.name}\n".encode()
        (folder / declared.name).write_bytes(body)
        entries.append(
            {
                "path": declared.name,
                "url": declared.url,
                "sha256": hashlib.sha256(body).hexdigest(),
                "bytes": len(body),
                "data_as_of": vintages.get(declared.name, date.today().isoformat()),
            }
        )
    write_manifest(folder, source, entries)
    return root


def evaluate(source_id: str, root) -> dg.AssetCheckResult:
    check = next(c for c in freshness.checks if c.check_key.asset_key == dg.AssetKey(f"raw_{source_id}"))
    return check(raw_store=RawStore(warehouse_dir=str(root), archive_dir=str(root)))


def test_recent_data_passes(tmp_path):
    archive_with_vintages(tmp_path, SOURCES["owid_energy"], {})
    assert evaluate("owid_energy", tmp_path).passed


def test_old_file_warns_with_its_age(tmp_path):
    old = (date.today() - timedelta(days=600)).isoformat()
    archive_with_vintages(tmp_path, SOURCES["owid_energy"], {"carbon-intensity-electricity.csv": old})
    result = evaluate("owid_energy", tmp_path)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["stale_files_age_days"].value == {"carbon-intensity-electricity.csv": 600}


def test_year_series_is_judged_by_its_newest_file(tmp_path):
    source = SOURCES["gcp_region_carbon"]
    old = (date.today() - timedelta(days=2000)).isoformat()
    vintages = {f.name: old for f in source.files if f.name != "2024.csv"}
    archive_with_vintages(tmp_path, source, vintages)
    assert evaluate("gcp_region_carbon", tmp_path).passed


def test_a_closed_vintage_never_warns_and_says_why(tmp_path):
    old = (date.today() - timedelta(days=5000)).isoformat()
    source = SOURCES["ember_eu_power_2020"]
    archive_with_vintages(tmp_path, source, {f.name: old for f in source.files})
    assert evaluate("ember_eu_power_2020", tmp_path).passed
    check = next(c for c in freshness.checks if c.check_key.asset_key == dg.AssetKey("raw_ember_eu_power_2020"))
    assert next(iter(check.check_specs)).description == (
        "No freshness expectation: a closed historical vintage (Europe's power sector in 2020)."
    )


def test_every_registered_source_has_one_check_with_its_stated_threshold():
    assert sorted(c.check_key.asset_key.to_user_string() for c in freshness.checks) == sorted(
        f"raw_{source_id}" for source_id in SOURCES
    )
    assert SOURCES["egrid"].freshness == Freshness(730, "EPA releases eGRID about every 1-2 years")
    assert SOURCES["ai_energy_score"].freshness == DEFAULT_FRESHNESS == Freshness(730, "default threshold")


def test_no_threshold_needs_a_reason():
    with pytest.raises(ValueError, match="must say why"):
        Freshness(None, "")
