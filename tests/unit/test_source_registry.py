"""The source registry: discovery, and the priority ranks each source declares."""

from pathlib import Path

import duckdb
import pytest

import pipelines.sources
from conftest import REPO, SHARED_SOURCES
from pipelines import discovery, source_priority
from pipelines.sources import SOURCES, Source, SourceFile, priority_ranks


def _source(**fields) -> Source:
    return Source(
        **{
            "id": "toy",
            "title": "Toy",
            "publisher": "Toy",
            "license": "CC0",
            "homepage": "https://x.invalid",
            "files": (SourceFile("a.csv", "https://x.invalid/a.csv", "csv"),),
            "parsers": {"grid_carbon_intensity": lambda raw: None},
            **fields,
        }
    )


def test_discovery_imports_every_module_not_starting_with_an_underscore_sorted(tmp_path, monkeypatch):
    package = tmp_path / "toy_discovery_package"
    package.mkdir()
    for name in ("__init__", "zeta", "alpha", "_helpers"):
        (package / f"{name}.py").write_text(f"NAME = {name!r}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import toy_discovery_package

    assert [m.NAME for m in discovery.modules(toy_discovery_package)] == ["alpha", "zeta"]


def test_every_source_module_is_registered_under_its_module_name():
    modules = sorted(path.stem for path in Path(pipelines.sources.__file__).parent.glob("[!_]*.py"))
    assert len(modules) == 40 and "owid_energy" in modules
    assert sorted(SOURCES) == modules


def test_ranks_per_table_best_first():
    assert list(priority_ranks("grid_carbon_intensity").items()) == [
        ("owid_energy", 1),
        ("ember_country_intensity", 2),
        ("emaps_yearly", 3),
        ("egrid", 4),
        ("gcp_region_carbon", 5),
        ("ember_eu_power_2020", 6),
        ("codecarbon", 7),
        ("ecologits_electricity_mixes", 8),
        ("boavizta", 9),
        ("green_algorithms", 10),
        ("mlco2_impact", 11),
        ("ccf_cloud_factors", 12),
    ]
    assert priority_ranks("cloud_regions") == {}


def test_a_rank_needs_a_parser_for_its_table():
    with pytest.raises(ValueError, match=r"source 'toy' ranks table\(s\) \['accelerator_specs'\] it has no parser"):
        _source(priority={"accelerator_specs": 1})


def test_a_rank_is_a_whole_number_from_one():
    with pytest.raises(ValueError, match="whole numbers from 1"):
        _source(priority={"grid_carbon_intensity": 0})


def test_two_sources_may_not_share_a_rank(monkeypatch):
    monkeypatch.setitem(SOURCES, "toy", _source(priority={"grid_carbon_intensity": 4}))
    with pytest.raises(
        RuntimeError,
        match=r"share a priority rank for table 'grid_carbon_intensity': "
        r"\{4: \['egrid', 'toy'\]\}",
    ):
        pipelines.sources._refuse_shared_ranks()


def test_the_priority_table_holds_every_declared_rank():
    con = duckdb.connect()
    source_priority.create_table(con)

    assert con.execute("select * from source_priority where table_name = 'accelerator_specs'").fetchall() == [
        ("accelerator_specs", "mlco2_impact", 1),
        ("accelerator_specs", "green_algorithms", 2),
        ("accelerator_specs", "boavizta", 3),
        ("accelerator_specs", "epoch_ml_hardware", 4),
        ("accelerator_specs", "curated_chips", 5),
    ]
    assert con.execute("select count(*) from source_priority").fetchone() == (17,)
    assert [row[1] for row in con.execute("describe source_priority").fetchall()] == ["VARCHAR", "VARCHAR", "INTEGER"]


def test_a_new_rank_stales_only_the_ranks_and_the_views_that_rank(monkeypatch):
    """The ranks are a generated SQL file (`sql_source_priority`): a new rank changes its code version only,
    and the files that rank sources depend on it."""
    from pipelines.assets import warehouse_sql

    def versions():
        return {
            key.to_user_string(): asset.code_versions_by_key[key]
            for asset in warehouse_sql.sql_assets()
            for key in asset.keys
        }

    before = versions()
    monkeypatch.setitem(SOURCES, "toy", _source(priority={"grid_carbon_intensity": 13}))
    after = versions()
    assert [key for key in before if before[key] != after[key]] == ["sql_source_priority"]
    assert "('grid_carbon_intensity', 'toy', 13)" in source_priority.sql()
    readers = {
        key.to_user_string()
        for asset in warehouse_sql.sql_assets()
        for key in asset.keys
        if warehouse_sql.sql_asset_key("source_priority") in asset.asset_deps[key]
    }
    assert readers == {"sql_10_grid_preferred", "sql_20_hardware"}


def test_every_source_has_its_test_files_named_after_it():
    """docs/naming.md: a source's tests are tests/unit/test_source_<source_id>.py, and its recorded-file tests
    tests/integration/test_source_<source_id>_real.py (for a fetched source recorded under ../shared/sources)."""
    tests = REPO / "tests"
    without_unit = sorted(
        source_id for source_id in SOURCES if not (tests / "unit" / f"test_source_{source_id}.py").is_file()
    )
    assert without_unit == []
    recorded = [
        source_id
        for source_id, source in SOURCES.items()
        if not source.curated and (SHARED_SOURCES / source_id).is_dir()
    ]
    without_real = sorted(
        source_id
        for source_id in recorded
        if not (tests / "integration" / f"test_source_{source_id}_real.py").is_file()
    )
    assert without_real == []
