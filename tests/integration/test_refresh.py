"""The whole asset graph, in-process, against the recorded sources in ../shared/sources."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED_SOURCES, query, rewrite_archive_file, writable_archive_copy
from pipelines.sources import SOURCES, sources_for_table

pytestmark = pytest.mark.integration


def test_every_grid_source_is_published(built_warehouse):
    published = {row[0] for row in query(built_warehouse, "select distinct source_id from grid_carbon_intensity")}
    assert published == {s.id for s in sources_for_table("grid_carbon_intensity")}


def test_france_2023_from_codecarbon(built_warehouse):
    rows = query(
        built_warehouse,
        """select gco2e_per_kwh, basis, source_vintage from grid_carbon_intensity
                                     where zone_id = 'FRA' and year = 2023 and source_id = 'codecarbon'""",
    )
    assert rows == [(pytest.approx(56.039), "lifecycle", "2024-09-20")]


def test_california_from_egrid_2016_state_rate_in_grams(built_warehouse):
    (value,) = query(
        built_warehouse,
        """select gco2e_per_kwh from grid_carbon_intensity
                                         where zone_id = 'USA-CA' and source_id = 'codecarbon'""",
    )[0]
    # usa_emissions.json: california 452.5 lb/MWh x 0.45359237 = 205.27 g/kWh
    assert value == pytest.approx(205.269, abs=0.01)


def test_parquet_matches_duckdb_and_carries_descriptions(built_warehouse):
    import pyarrow.parquet as pq

    parquet = pq.read_table(built_warehouse / "parquet" / "grid_carbon_intensity.parquet")
    (count,) = query(built_warehouse, "select count(*) from grid_carbon_intensity")[0]
    assert parquet.num_rows == count
    description = parquet.schema.field("gco2e_per_kwh").metadata[b"description"].decode()
    assert "grams of CO2-equivalent per kWh" in description


def test_sources_table_lists_every_raw_file_with_sha256(built_warehouse):
    rows = query(built_warehouse, "select source_id, file, sha256, license from sources")
    # Sources an archive never recorded (no folder) are skipped by the refresh and left out.
    expected = {
        (s.id, f.name) for s in SOURCES.values() for f in s.files if s.curated or (SHARED_SOURCES / s.id).is_dir()
    }
    assert {(r[0], r[1]) for r in rows} == expected
    by_file = {(r[0], r[1]): r[2] for r in rows}
    path = SHARED_SOURCES / "codecarbon" / "global_energy_mix.json"
    assert by_file[("codecarbon", "global_energy_mix.json")] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_preferred_view_has_one_row_per_zone_year(built_warehouse):
    (duplicates,) = query(
        built_warehouse,
        """select count(*) from (select zone_id, year from
                          grid_carbon_intensity_preferred group by all having count(*) > 1)""",
    )[0]
    assert duplicates == 0
    # North Dakota's latest value is Green Algorithms' 2020 figure, reused for at most 3 later years.
    row = query(
        built_warehouse,
        """select gco2e_per_kwh, data_year, is_carried_forward, years_carried_forward,
                source_id from grid_carbon_intensity_preferred where zone_id = 'USA-ND' and year = 2023""",
    )[0]
    assert row == (pytest.approx(663.05), 2020, True, 3, "green_algorithms")
    assert query(
        built_warehouse,
        """select max(year) from grid_carbon_intensity_preferred
                                     where zone_id = 'USA-ND'""",
    )[0] == (2023,)
    assert query(built_warehouse, """select max(years_carried_forward) from grid_carbon_intensity_preferred""")[0] == (
        3,
    )


def test_carry_forward_limit_is_configurable_and_flagged_in_the_cli_table(built_warehouse, monkeypatch, capsys):
    from pipelines.cli import main

    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    sql = "select year, data_year, is_carried_forward from grid_carbon_intensity_preferred where zone_id = 'USA-ND'"
    monkeypatch.setenv("AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS", "5")
    assert main(["query", sql + " order by year desc limit 1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "2025,2020,True"
    monkeypatch.setenv("AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS", "0")
    assert main(["query", sql + " and is_carried_forward", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "year,data_year,is_carried_forward\n"
    assert (
        main(
            ["query", "select max(years_carried_forward) as m from grid_carbon_intensity_preferred", "--format", "csv"]
        )
        == 0
    )
    assert capsys.readouterr().out == "m\n0\n"
    monkeypatch.delenv("AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS")
    assert main(["query", sql + " and year >= 2019 order by year"]) == 0
    captured = capsys.readouterr()
    assert [line.split()[0] for line in captured.out.splitlines()] == ["year", "2019", "2020", "2021", "2022", "2023"]
    assert captured.err.strip() == (
        "note: 4 of 5 row(s) repeat the value of an earlier data year "
        "(is_carried_forward; at most 3 years, AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS)"
    )
    monkeypatch.setenv("AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS", "three")
    assert main(["query", "select 1"]) == 1
    assert "AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS='three'" in capsys.readouterr().err


def test_preferred_view_covers_at_least_150_countries(built_warehouse):
    (countries,) = query(
        built_warehouse,
        """select count(distinct zone_id) from grid_carbon_intensity_preferred
                                              where zone_type = 'country'""",
    )[0]
    assert countries >= 150


def test_preferred_follows_source_priority(built_warehouse):
    # France 2024: OWID (Ember) outranks Electricity Maps, Ember's compilation and the tools' copies.
    row = query(
        built_warehouse,
        """select source_id, gco2e_per_kwh from grid_carbon_intensity_preferred
                                    where zone_id = 'FRA' and year = 2024""",
    )[0]
    assert row == ("owid_energy", pytest.approx(44.179085))


# --- failures leave the last good outputs byte-identical -------------------------------------
# Each test starts from a copy of one CLI-built warehouse *and its Dagster instance*, as a user's
# next scheduled refresh would: tables whose inputs did not change are not rewritten, and the
# ones whose inputs broke must keep their bytes.


def _digest_outputs(warehouse: Path) -> dict:
    files = [warehouse / "aifootprint.duckdb", *sorted((warehouse / "parquet").glob("*.parquet"))]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def _cli(args, home: Path):
    env = {**os.environ, "AIFOOTPRINT_WAREHOUSE": str(home / "warehouse"), "DAGSTER_HOME": str(home / "dagster_home")}
    env.pop("AIFOOTPRINT_ARCHIVE", None)
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def cli_built(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_built")
    archive = writable_archive_copy(root / "archive")
    result = _cli(["refresh", "--archive", str(archive)], root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def home(cli_built, tmp_path):
    """A private copy of the CLI-built warehouse, Dagster instance and archive."""
    for name in ("warehouse", "dagster_home", "archive"):
        shutil.copytree(cli_built / name, tmp_path / name)
    return tmp_path


def _rewrite(home: Path, source_id: str, file: str, old: bytes, new: bytes, fix_manifest: bool = True):
    """Replace `old` by `new` in an archived file; with `fix_manifest`, SOURCE.toml describes the new bytes."""
    target = home / "archive" / source_id / file
    assert old in target.read_bytes()
    data = target.read_bytes().replace(old, new, 1)
    if fix_manifest:
        rewrite_archive_file(home / "archive", source_id, file, data)
    else:
        target.write_bytes(data)


def test_corrupted_archive_file_fails_refresh_and_keeps_outputs(home):
    before = _digest_outputs(home / "warehouse")
    _rewrite(home, "codecarbon", "global_energy_mix.json", b"56.039", b"99.999", fix_manifest=False)

    result = _cli(["refresh", "--archive", str(home / "archive")], home)

    assert result.returncode == 1, result.stderr
    assert "source 'codecarbon', file 'global_energy_mix.json': sha256 mismatch" in result.stderr
    assert _digest_outputs(home / "warehouse") == before


def test_renamed_column_fails_with_source_file_and_column(home):
    before = _digest_outputs(home / "warehouse")
    _rewrite(home, "codecarbon", "eu-carbon-intensity-electricity.csv", b"Entity,Code,Year", b"Country,Code,Year")

    result = _cli(["refresh", "--archive", str(home / "archive")], home)

    assert result.returncode == 1
    assert "source 'codecarbon', file 'eu-carbon-intensity-electricity.csv'" in result.stderr
    assert "column 'Entity'" in result.stderr
    assert _digest_outputs(home / "warehouse") == before


def test_out_of_range_value_is_reported_with_rows(home):
    before = _digest_outputs(home / "warehouse")
    _rewrite(
        home,
        "codecarbon",
        "eu-carbon-intensity-electricity.csv",
        b"Austria,AUT,2000,158",
        b"Austria,AUT,2000,1000000000",
    )

    result = _cli(["refresh", "--archive", str(home / "archive")], home)

    assert result.returncode == 1
    assert "source 'codecarbon'" in result.stderr and "column 'gco2e_per_kwh' failed less_than(2000)" in result.stderr
    assert "'zone_id': 'AUT'" in result.stderr and "eu-carbon-intensity-electricity.csv" in result.stderr
    assert _digest_outputs(home / "warehouse") == before
