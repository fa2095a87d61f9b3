"""The streaming batch engine (pipelines/batch.py): globs, folders of parts, lean and full output,
the per-row checks, and the Spark engine held equal to DuckDB on every kind of default."""

import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_footprint_warehouse import build_fixture_warehouse

from peak_memory import CLI, run_measured_python
from pipelines import batch
from pipelines.cli import main

# One row per kind of input: every default taken, and every default overridden, once.
SAMPLE = pd.DataFrame(
    [
        # run, hardware, count, hours, zone, year, pue, power_w, utilization, intensity, lifetime, embodied
        ("all-defaults", "H100 SXM", 8, 24, None, None, None, None, None, None, None, None),
        ("zone-id-year", "H100 SXM", 8, 24, "FRA", 2022, None, None, None, None, None, None),
        ("zone-name-carried-forward", "h100", 1, 1, "France", 2021, None, None, None, None, None, None),
        ("alpha2-latest-year", "A100 80GB", 4, 10, "US", None, None, None, None, None, None, None),
        ("subregion", "A100 80GB", 2, 5, "USA-CA", 2022, None, None, None, None, None, None),
        ("given-pue", "A100 80GB", 4, 10, "USA", 2023, 1.1, None, None, None, None, None),
        ("given-power", "V100", 10000, 355.2, None, None, 1.1, 330, None, 429, None, None),
        ("given-utilization", "H100 SXM", 3, 7, "WLD", 2023, None, None, 0.5, None, None, None),
        ("given-intensity", "H100 SXM", 1, 1, "FRA", 2022, None, None, None, 12.5, None, None),
        ("given-lifetime-embodied", "H100 SXM", 2, 10, None, None, 1.2, 500, None, 100, 5, 200),
        ("no-embodied-figure", "V100", 1, 1, "FRA", 2020, None, None, None, None, None, None),
        ("given-embodied-no-figure", "V100", 1, 1, "FRA", 2020, None, None, None, None, 3, 80),
        ("fractional", "H100 SXM", 0.5, 0.25, "USA", 2020, 1.05, None, 0.9, None, 6, None),
    ],
    columns=(
        "run hardware count hours zone year pue power_w utilization intensity lifetime_years embodied_kgco2e"
    ).split(),
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("batch"))


def write_sample(path: Path) -> None:
    frame = SAMPLE.astype({"year": "Int64"})
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def test_full_output_equals_the_footprint_macro_row_by_row(warehouse, tmp_path):
    write_sample(tmp_path / "jobs.parquet")
    result = batch.estimate_jobs(tmp_path / "jobs.parquet", tmp_path / "out.parquet", warehouse=warehouse)
    assert (result.rows_written, result.bad_row_count) == (len(SAMPLE), 0)
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert out["run"].tolist() == SAMPLE["run"].tolist()  # the input's order
    by_run = out.set_index("run")
    assert by_run.loc["all-defaults", "zone_id"] == "WLD" and by_run.loc["all-defaults", "year"] == 2023
    assert by_run.loc["all-defaults", "gco2e_per_kwh"] == pytest.approx(484.40286)
    assert by_run.loc["zone-name-carried-forward", "gco2e_per_kwh"] == pytest.approx(59.08005)
    assert by_run.loc["zone-name-carried-forward", "intensity_is_carried_forward"]
    assert by_run.loc["alpha2-latest-year", ["zone_id", "year"]].tolist() == ["USA", 2023]
    assert by_run.loc["given-power", "energy_kwh"] / 1000 == pytest.approx(1287, rel=0.01)
    assert by_run.loc["given-utilization", "power_w"] == pytest.approx(350.0)
    assert pd.isna(by_run.loc["no-embodied-figure", "embodied_kgco2e"])
    assert by_run.loc["given-embodied-no-figure", "embodied_kgco2e"] == pytest.approx(80 / (3 * 8760))
    assert by_run.loc["zone-id-year", "energy_kwh"] == pytest.approx(8 * 700 * 24 * 1.56 / 1000)
    assert by_run.loc["zone-id-year", "pue_source_id"] == "green_algorithms"


def test_lean_output_is_the_full_outputs_keys_and_results(warehouse, tmp_path):
    write_sample(tmp_path / "jobs.csv")
    batch.estimate_jobs(tmp_path / "jobs.csv", tmp_path / "full.parquet", warehouse=warehouse)
    batch.estimate_jobs(tmp_path / "jobs.csv", tmp_path / "lean.parquet", columns="lean", warehouse=warehouse)
    full, lean = pd.read_parquet(tmp_path / "full.parquet"), pd.read_parquet(tmp_path / "lean.parquet")
    assert list(lean.columns) == ["run", "hardware", *batch.LEAN_COLUMNS]
    pd.testing.assert_frame_equal(lean, full[lean.columns])
    assert len(full.columns) > 3 * len(lean.columns)


def test_a_glob_and_a_folder_of_parquet_parts(warehouse, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    for number, rows in enumerate((SAMPLE.iloc[:5], SAMPLE.iloc[5:9], SAMPLE.iloc[9:])):
        rows.astype({"year": "Int64"}).to_parquet(parts / f"part-{number}.parquet", index=False)
    batch.estimate_jobs(parts, tmp_path / "folder.csv", warehouse=warehouse)
    batch.estimate_jobs(str(parts / "part-*.parquet"), tmp_path / "glob.csv", warehouse=warehouse)
    for name in ("folder.csv", "glob.csv"):
        out = pd.read_csv(tmp_path / name)
        assert out["run"].tolist() == SAMPLE["run"].tolist()
    with pytest.raises(batch.InvalidInputError, match="no file matches"):
        batch.open_jobs(str(tmp_path / "nothing-*.parquet"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(batch.InvalidInputError, match="folder holds no .parquet or .csv files"):
        batch.open_jobs(tmp_path / "empty")


def test_bad_rows_of_a_folder_name_their_part(warehouse, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    SAMPLE.iloc[:3].astype({"year": "Int64"}).to_parquet(parts / "a.parquet", index=False)
    SAMPLE.iloc[:3].assign(count=[1, -2, 3]).astype({"year": "Int64"}).to_parquet(parts / "b.parquet", index=False)
    with pytest.raises(batch.InvalidJobsError) as caught:
        batch.estimate_jobs(parts, tmp_path / "out.parquet", warehouse=warehouse)
    assert caught.value.bad_row_count == 1
    assert caught.value.bad_rows == [batch.BadRow(f"{parts / 'b.parquet'} row 2", "count must be > 0, got -2")]
    assert not (tmp_path / "out.parquet").exists()


def test_row_checks_agree_with_the_problem_list(warehouse):
    """footprint_inputs_valid() is the boolean twin of footprint_input_problem_list()."""
    values = {
        "device_count": [None, -1, 0, 1],
        "hours": [None, 0, 2],
        "pue": [None, 0.9, 1, 1.5],
        "utilization": [None, 0, 0.5, 1, 1.5],
        "power_w": [None, -5, 300],
        "gco2e_per_kwh": [None, -1, 0, 400],
        "lifetime_years": [None, 0, 4],
        "embodied_kgco2e_per_device": [None, -1, 0, 150],
        "measured_energy_kwh": [None, -1, 10],
        "tracker_pue": [None, 0.9, 1, 1.3],
    }
    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:
        grid = " cross join ".join(
            f"(select unnest([{', '.join('null' if v is None else str(v) for v in vs)}]::double[]) as {k})"
            for k, vs in values.items()
        )
        args = ", ".join(values)
        disagreements, combinations = con.execute(f"""
            select count(*) filter (where footprint_inputs_valid({args}) is distinct from
                                          (len(list_filter(footprint_input_problem_list({args}),
                                                           lambda p: p is not null)) = 0)),
                   count(*)
            from {grid}""").fetchall()[0]
    assert combinations == 4 * 3 * 4 * 5 * 3 * 4 * 3 * 4 * 3 * 4
    assert disagreements == 0


def test_memory_stays_flat_as_jobs_grow(warehouse, tmp_path):
    """Peak RSS of the whole CLI at 200 k and 2 M jobs: memory must not follow the input."""
    peaks = {}
    for rows in (200_000, 2_000_000):
        jobs = tmp_path / f"jobs-{rows}.parquet"
        with duckdb.connect() as con:
            con.execute(f"""copy (select (['H100 SXM', 'A100 80GB', 'V100', 'h100'])[1 + i % 4] as hardware,
                                         1 + i % 8 as count, 1 + i % 100 as hours, 'run-' || i as run,
                                         (['FRA', 'USA', 'France', 'WLD'])[1 + i % 4] as zone, 2020 + i % 4 as year
                                  from range({rows}) t(i)) to '{jobs}' (format parquet)""")
        run = run_measured_python(
            CLI,
            "estimate",
            "--jobs",
            str(jobs),
            "--out",
            str(tmp_path / "out.parquet"),
            "--memory-limit",
            "256MB",
            env={**os.environ, "AIFOOTPRINT_WAREHOUSE": str(warehouse)},
        )
        assert run.returncode == 0, run.stderr
        peaks[rows] = run.peak_rss_mb
        assert duckdb.sql(f"select count(*) from '{tmp_path / 'out.parquet'}'").fetchall()[0][0] == rows
    # Ten times the jobs; the peak may move with thread buffers, but far less than tenfold.
    assert peaks[2_000_000] < 1.5 * peaks[200_000] + 150, peaks
    assert peaks[2_000_000] < 1024, peaks


def test_cli_lean_columns(warehouse, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    write_sample(tmp_path / "jobs.csv")
    estimate = ["estimate", "--jobs", str(tmp_path / "jobs.csv"), "--out", str(tmp_path / "o.parquet")]
    assert main([*estimate, "--columns", "lean", "--no-progress"]) == 0
    assert capsys.readouterr().err.strip().startswith(f"wrote {len(SAMPLE)} row(s) to {tmp_path / 'o.parquet'} using ")
    assert main([*estimate, "--memory-limit", "lots"]) == 2
    assert "memory limit 'lots'" in capsys.readouterr().err


# --- Spark ------------------------------------------------------------------------------------------


def _spark_skip_reason() -> str | None:
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError:
        return "pyspark/sqlglot not installed (pip install -e '.[spark]')"
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        return "no JVM (java not on PATH, JAVA_HOME unset): Spark cannot start"
    return None


needs_spark = pytest.mark.skipif(_spark_skip_reason() is not None, reason=_spark_skip_reason() or "")


@pytest.fixture(scope="module")
def spark():
    from pipelines.batch_spark import spark_session

    session = spark_session("local[2]", "aifootprint-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def assert_spark_equals_duckdb(spark_output: Path, duckdb_output: Path) -> pd.DataFrame:
    """Both engines wrote the same columns and, run by run, the same values (floats to 1e-9); the Spark rows."""
    duck = pd.read_parquet(duckdb_output).set_index("run").sort_index()
    on_spark = pd.read_parquet(spark_output).set_index("run").sort_index()
    assert list(on_spark.columns) == list(duck.columns)
    for column in duck.columns:
        left, right = duck[column], on_spark[column]
        assert (left.isna() == right.isna()).all(), column
        if pd.api.types.is_float_dtype(left):
            assert right[left.notna()].to_numpy() == pytest.approx(left[left.notna()].to_numpy(), rel=1e-9), column
        else:
            assert left[left.notna()].astype(str).tolist() == right[left.notna()].astype(str).tolist(), column
    return on_spark


@needs_spark
@pytest.mark.parametrize("suffix, columns", [(".csv", "full"), (".parquet", "full"), (".parquet", "lean")])
def test_spark_equals_duckdb_on_every_kind_of_default(warehouse, tmp_path, spark, suffix, columns):
    from pipelines.batch_spark import estimate_jobs_spark

    jobs = tmp_path / f"jobs{suffix}"
    write_sample(jobs)
    batch.estimate_jobs(jobs, tmp_path / "duck.parquet", columns=columns, warehouse=warehouse)
    result = estimate_jobs_spark(jobs, tmp_path / "spark", columns=columns, spark=spark, warehouse=warehouse)
    assert (result.rows_written, result.bad_row_count) == (len(SAMPLE), 0)
    assert list((tmp_path / "spark").glob("part-*.parquet"))
    on_spark = assert_spark_equals_duckdb(tmp_path / "spark", tmp_path / "duck.parquet")
    assert on_spark.loc["given-power", "energy_kwh"] / 1000 == pytest.approx(1287, rel=0.01)


@needs_spark
def test_spark_counts_bad_rows_and_writes_nothing(warehouse, tmp_path, spark):
    from pipelines.batch_spark import estimate_jobs_spark

    (tmp_path / "jobs.csv").write_text(
        "run,hardware,count,hours,zone\nok,H100,1,1,FRA\nbad,H1000,1,1,FRA\nneg,H100,-3,1,FRA\n", encoding="utf-8"
    )
    with pytest.raises(batch.InvalidJobsError) as caught:
        estimate_jobs_spark(tmp_path / "jobs.csv", tmp_path / "spark", spark=spark, warehouse=warehouse)
    assert caught.value.bad_row_count == 2 and not (tmp_path / "spark").exists()
    reasons = sorted(row.reason for row in caught.value.bad_rows)
    assert reasons[0].startswith("count must be > 0") and "unknown accelerator 'H1000'" in reasons[1]
    result = estimate_jobs_spark(
        tmp_path / "jobs.csv", tmp_path / "spark", spark=spark, warehouse=warehouse, skip_invalid=True
    )
    assert (result.rows_written, result.bad_row_count) == (1, 2)
    assert pd.read_parquet(tmp_path / "spark")["run"].tolist() == ["ok"]


# Measured energy (a tracker's log, pipelines/job_formats/): the PUE rule, a CPU-only run, the ratio.
MEASURED = pd.DataFrame(
    [
        # run, hardware, count, hours, zone, year, pue, measured_energy_kwh, tracker_pue, tracker_kgco2e
        ("it-energy", "A100 80GB", 4, 2, "FRA", 2022, None, 2.92, 1, 0.0896),
        ("tracker-pue", "A100 80GB", 4, 2, "FRA", 2022, None, 3.504, 1.2, 0.1075),
        ("cpu-only", None, None, 2, "FRA", 2022, None, 10, None, None),
        ("our-pue", "H100 SXM", 1, 2, "USA", 2023, 1.1, 5, None, None),
        ("modelled", "H100 SXM", 1, 2, "FRA", 2022, None, None, None, None),
    ],
    columns="run hardware count hours zone year pue measured_energy_kwh tracker_pue tracker_kgco2e".split(),
)


@needs_spark
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_spark_equals_duckdb_on_measured_energy(warehouse, tmp_path, spark, suffix):
    from pipelines.batch_spark import estimate_jobs_spark

    jobs = tmp_path / f"jobs{suffix}"
    frame = MEASURED.astype({"year": "Int64", "count": "Float64"})
    frame.to_csv(jobs, index=False) if suffix == ".csv" else frame.to_parquet(jobs, index=False)
    batch.estimate_jobs(jobs, tmp_path / "duck.parquet", warehouse=warehouse)
    result = estimate_jobs_spark(jobs, tmp_path / "spark", spark=spark, warehouse=warehouse)
    assert (result.rows_written, result.bad_row_count) == (len(MEASURED), 0)
    on_spark = assert_spark_equals_duckdb(tmp_path / "spark", tmp_path / "duck.parquet")
    # 2.92 kWh of IT energy x the default PUE 1.56; the tracker's 1.2 already in 3.504 kWh.
    assert on_spark.loc["it-energy", "energy_kwh"] == pytest.approx(2.92 * 1.56)
    assert on_spark.loc["tracker-pue", ["energy_kwh", "pue"]].tolist() == pytest.approx([3.504, 1.2])
    assert on_spark.loc["our-pue", "energy_kwh"] == pytest.approx(5 * 1.1)
    assert pd.isna(on_spark.loc["cpu-only", "embodied_kgco2e"])
    assert on_spark["energy_basis"].to_dict() == {
        "cpu-only": "measured",
        "it-energy": "measured",
        "modelled": "modelled",
        "our-pue": "measured",
        "tracker-pue": "measured",
    }


def test_spark_refuses_usage_record_files_in_one_line(warehouse, tmp_path):
    from pipelines.batch_spark import estimate_jobs_spark

    codecarbon = Path(__file__).parent.parent / "fixtures" / "job_formats" / "codecarbon_emissions.csv"
    with pytest.raises(batch.InvalidInputError, match="--engine spark reads plain jobs files"):
        estimate_jobs_spark(codecarbon, tmp_path / "spark", warehouse=warehouse)
    assert not (tmp_path / "spark").exists()
