"""`aifootprint estimate`: one job from flags, or a jobs file; data on stdout, errors on stderr, exit 0/1/2."""

import json
import time

import duckdb
import pandas as pd
import pytest
from test_footprint_warehouse import build_fixture_warehouse

from pipelines.cli import main


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("estimate_cli"))


@pytest.fixture
def warehouse(fixture_warehouse, monkeypatch):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(fixture_warehouse))
    return fixture_warehouse


def test_table_shows_results_inputs_sources_and_equivalences(warehouse, capsys):
    assert (
        main(["estimate", "--hardware", "H100 SXM", "--count", "8", "--hours", "24", "--zone", "FRA", "--year", "2022"])
        == 0
    )
    out = capsys.readouterr().out
    assert "energy                    209.7 kWh" in out  # 8 x 700 W x 24 h x PUE 1.56
    assert "operational emissions" in out and "embodied emissions" in out and "total emissions" in out
    for source in ("mlco2_impact", "green_algorithms", "owid_energy", "curated_chips", "2025-07-30"):
        assert source in out
    assert "years of an average U.S. household's electricity use" in out


def test_json(warehouse, capsys):
    assert (
        main(
            [
                "estimate",
                "--hardware",
                "A100 80GB",
                "--count",
                "1",
                "--hours",
                "1082990",
                "--power-w",
                "400",
                "--pue",
                "1",
                "--intensity",
                "57",
                "--format",
                "json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["results"]["operational_kgco2e"] == pytest.approx(24_694, rel=0.001)
    inputs = {i["name"]: i for i in result["inputs"]}
    assert inputs["power_w"]["origin"] == "given" and inputs["embodied_kgco2e_per_device"]["source_id"]


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--hardware", "H1000", "--count", "1", "--hours", "1"], "closest matches: h100-sxm"),
        (["--hardware", "H100", "--count", "1", "--hours", "1", "--zone", "Frnace"], "closest zones: FRA (France)"),
        (["--hardware", "H100", "--count", "0", "--hours", "1"], "count must be > 0"),
        (["--hardware", "H100", "--count", "1", "--hours", "-2"], "hours must be > 0"),
        (["--hardware", "H100", "--count", "1", "--hours", "1", "--pue", "0.8"], "pue must be >= 1"),
        (
            ["--hardware", "H100", "--count", "1", "--hours", "1", "--utilization", "1.5"],
            "utilization must be in (0, 1]",
        ),
        (["--hardware", "H100", "--count", "1"], "missing --hours"),
        (["--jobs", "jobs.csv", "--hardware", "H100", "--out", "o.csv"], "drop --hardware"),
        (["--jobs", "jobs.csv"], "--jobs needs --out"),
        (["--hardware", "H100", "--count", "1", "--hours", "1", "--out", "o.csv"], "--out, --skip-invalid, --columns"),
    ],
)
def test_bad_input_is_a_usage_error(warehouse, capsys, flags, message):
    assert main(["estimate", *flags]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_missing_warehouse_is_a_failure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "none"))
    assert main(["estimate", "--hardware", "H100", "--count", "1", "--hours", "1"]) == 1
    assert "aifootprint refresh" in capsys.readouterr().err


# --- a file of jobs ---------------------------------------------------------------------------------

JOBS_CSV = """run,hardware,count,hours,zone,year,pue
a,H100 SXM,8,24,FRA,2022,
b,A100 80GB,4,10,USA,2023,1.1
c,h100,1,1,France,,
"""


def test_jobs_csv_to_parquet_keeps_order_and_extra_columns(warehouse, tmp_path, capsys):
    (tmp_path / "jobs.csv").write_text(JOBS_CSV, encoding="utf-8")
    out = tmp_path / "results.parquet"
    assert main(["estimate", "--jobs", str(tmp_path / "jobs.csv"), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    frame = pd.read_parquet(out)
    assert frame["run"].tolist() == ["a", "b", "c"]
    assert frame["energy_kwh"].tolist() == pytest.approx(
        [8 * 700 * 24 * 1.56 / 1000, 4 * 400 * 10 * 1.1 / 1000, 700 * 1.56 / 1000]
    )
    assert frame.loc[0, "operational_kgco2e"] == pytest.approx(frame.loc[0, "energy_kwh"] * 78.55024 / 1000)
    assert frame["pue_source_id"].tolist()[::2] == ["green_algorithms", "green_algorithms"]
    assert frame.loc[2, "zone_id"] == "FRA" and frame.loc[2, "year_is_default"]


def test_jobs_parquet_to_csv(warehouse, tmp_path):
    pd.DataFrame(
        {
            "hardware": ["V100"],
            "count": [10_000],
            "hours": [355.2],
            "power_w": [330.0],
            "pue": [1.1],
            "intensity": [429.0],
        }
    ).to_parquet(tmp_path / "jobs.parquet")
    assert main(["estimate", "--jobs", str(tmp_path / "jobs.parquet"), "--out", str(tmp_path / "out.csv")]) == 0
    row = pd.read_csv(tmp_path / "out.csv").iloc[0]
    assert row["energy_kwh"] / 1000 == pytest.approx(1287, rel=0.01)
    assert row["operational_kgco2e"] / 1000 == pytest.approx(552, rel=0.01)


BAD_JOBS_CSV = """hardware,count,hours,zone,year,pue,utilization
H100,8,24,FRA,2022,,
H1000,1,1,FRA,2022,,
H100,0,1,FRA,2022,,
H100,1,1,Frnace,2022,,
H100,1,1,FRA,2022,0.9,
H100,1,1,FRA,2022,,1.5
H100,two,1,FRA,2022,,
A100 80GB,1,1,USA,2023,,
"""


def test_bad_rows_are_listed_and_nothing_is_written(warehouse, tmp_path, capsys):
    (tmp_path / "jobs.csv").write_text(BAD_JOBS_CSV, encoding="utf-8")
    out = tmp_path / "out.parquet"
    assert main(["estimate", "--jobs", str(tmp_path / "jobs.csv"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert not out.exists()
    expected = {
        3: "unknown accelerator 'H1000'",
        4: "count must be > 0, got 0",
        5: "unknown zone 'Frnace'",
        6: "pue must be >= 1, got 0.9",
        7: "utilization must be in (0, 1], got 1.5",
        8: "count two is not a finite number",
    }
    for line, reason in expected.items():
        assert f"line {line}: " in err and reason in err.split(f"line {line}: ")[1].splitlines()[0]
    assert "line 2:" not in err and "line 9:" not in err
    assert "6 invalid row(s), nothing computed" in err


def test_skip_invalid_computes_the_rest_and_lists_the_skipped(warehouse, tmp_path, capsys):
    (tmp_path / "jobs.csv").write_text(BAD_JOBS_CSV, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["estimate", "--jobs", str(tmp_path / "jobs.csv"), "--out", str(out), "--skip-invalid"]) == 0
    err = capsys.readouterr().err
    assert "skipped 6 invalid row(s)" in err and "line 3: unknown accelerator 'H1000'" in err
    assert "wrote 2 row(s)" in err
    assert pd.read_csv(out)["hardware"].tolist() == ["H100", "A100 80GB"]


def test_jobs_file_without_required_columns(warehouse, tmp_path, capsys):
    (tmp_path / "jobs.csv").write_text("hardware,gpus,hours\nH100,8,24\n", encoding="utf-8")
    assert main(["estimate", "--jobs", str(tmp_path / "jobs.csv"), "--out", str(tmp_path / "o.csv")]) == 2
    assert "missing column(s) ['count']" in capsys.readouterr().err


def test_a_million_jobs_in_one_query(warehouse, tmp_path, capsys):
    jobs, out = tmp_path / "jobs.csv", tmp_path / "out.parquet"
    with duckdb.connect() as con:
        con.execute(f"""copy (select (['H100 SXM', 'A100 80GB', 'V100', 'h100'])[1 + i % 4] as hardware,
                                     1 + i % 8 as count, 1 + i % 100 as hours,
                                     (['FRA', 'USA', 'France', 'WLD'])[1 + i % 4] as zone, 2020 + i % 4 as year
                              from range(1000000) t(i)) to '{jobs}' (header)""")
    started = time.monotonic()
    assert main(["estimate", "--jobs", str(jobs), "--out", str(out)]) == 0
    elapsed = time.monotonic() - started
    with duckdb.connect() as con:
        (rows,) = con.execute(f"select count(*) from '{out}'").fetchall()[0]
        # Job i = 123458 (output row 123,459): V100, 3 devices, 59 h, 'France' -> FRA, 2022.
        spot = con.execute(
            f"select hardware, canonical_model, zone_id, year, energy_kwh, gco2e_per_kwh "
            f"from '{out}' limit 1 offset 123458"
        ).fetchall()[0]
    assert rows == 1_000_000
    assert spot[:4] == ("V100", "v100-sxm-32gb", "FRA", 2022)
    assert spot[4] == pytest.approx(3 * 300 * 59 * 1.56 / 1000) and spot[5] == pytest.approx(78.55024)
    # About 6 s here; the bound only catches a per-row regression, not a slow shared machine.
    assert elapsed < 60, f"{elapsed:.1f} s for a million jobs"


def test_jobs_file_keeps_the_users_own_job_id_column(warehouse, tmp_path, capsys):
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "job_id,hardware,count,hours,zone,year\nrun-7,H100 SXM,8,24,FRA,2022\nrun-9,H100 SXM,1,10,FRA,2022\n",
        encoding="utf-8",
    )
    out = tmp_path / "results.parquet"
    assert main(["estimate", "--jobs", str(jobs), "--out", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert frame["job_id"].tolist() == ["run-7", "run-9"]
    assert "job_id_1" not in frame.columns and "input_job_id" not in frame.columns
    assert frame["energy_kwh"].tolist() == pytest.approx([8 * 700 * 24 * 1.56 / 1000, 700 * 10 * 1.56 / 1000])
