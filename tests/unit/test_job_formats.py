"""Usage records as jobs (pipelines/job_formats/): CodeCarbon emissions.csv, SLURM sacct, the mapping file.

Fixtures in tests/fixtures/job_formats/: codecarbon_emissions.csv written by the real CodeCarbon
3.3.2 offline tracker (CPU only), codecarbon_edited.csv (GPU runs and malformed rows, hand-edited
in the same layout), codecarbon_v1.csv (the older layout: no split, no version, no pue) and
sacct.txt (`sacct --parsable2` with steps, an array task, a heterogeneous job, bad rows).
"""

import textwrap

import duckdb
import pandas as pd
import pytest
from test_footprint_warehouse import build_fixture_warehouse

from conftest import FIXTURES
from peak_memory import run_measured_python
from pipelines import job_formats
from pipelines.cli import main

HERE = FIXTURES / "job_formats"
FRA_2022 = 78.55024  # the fixture warehouse's France intensity (carried forward to later years)
A100_TDP_W, A100_EMBODIED_KG, DEFAULT_PUE = 400, 150, 1.56


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("job_formats"))


@pytest.fixture
def warehouse(fixture_warehouse, monkeypatch):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(fixture_warehouse))
    return fixture_warehouse


def run_jobs(tmp_path, path, *flags):
    out = tmp_path / "out.csv"
    assert main(["estimate", "--jobs", str(path), "--out", str(out), *flags]) == 0
    return pd.read_csv(out)


# --- format detection ----------------------------------------------------------------------------


def test_format_is_recognised_from_the_header(tmp_path):
    assert job_formats.detect_format(HERE / "codecarbon_emissions.csv") == "codecarbon"
    assert job_formats.detect_format(HERE / "codecarbon_v1.csv") == "codecarbon"
    assert job_formats.detect_format(HERE / "sacct.txt") == "slurm"
    (tmp_path / "jobs.csv").write_text("hardware,count,hours\nH100,1,1\n", encoding="utf-8")
    assert job_formats.detect_format(tmp_path / "jobs.csv") == "plain"


# --- CodeCarbon ------------------------------------------------------------------------------------


def test_real_codecarbon_file_uses_the_measured_energy(warehouse, tmp_path):
    frame = run_jobs(tmp_path, HERE / "codecarbon_emissions.csv").set_index("project_name")
    assert list(frame.index) == ["fr-train", "fr-train-pue", "gcp-paris", "us-california"]
    run = frame.loc["fr-train"]
    # CodeCarbon 3.3.2 measured 2.3814013557699457e-05 kWh (pue 1: IT energy) -> x our PUE 1.56.
    assert run.measured_energy_kwh == pytest.approx(2.3814013557699457e-05)
    assert run.cpu_energy_kwh + run.ram_energy_kwh == pytest.approx(run.measured_energy_kwh)
    assert run.energy_kwh == pytest.approx(2.3814013557699457e-05 * DEFAULT_PUE)
    assert run.operational_kgco2e == pytest.approx(2.3814013557699457e-05 * DEFAULT_PUE * FRA_2022 / 1000)
    assert run.operational_to_tracker_ratio == pytest.approx(run.operational_kgco2e / 1.33451350575992e-06)
    assert (run.energy_basis, run.intensity_resolution, run.zone_id) == ("measured", "annual", "FRA")
    assert pd.isna(run.embodied_kgco2e) and run.total_kgco2e == pytest.approx(run.operational_kgco2e)
    # The tracker applied PUE 1.2 already: not applied twice, and reported as the PUE used.
    pue_run = frame.loc["fr-train-pue"]
    assert pue_run.energy_kwh == pytest.approx(3.611274771426815e-05)
    assert (pue_run.pue, bool(pue_run.is_pue_applied_by_tracker), bool(pue_run.pue_is_default)) == (1.2, True, False)
    # region 'california' -> the California subregion; its time zone is guessed (the US has several).
    us = frame.loc["us-california"]
    assert us.zone_id == "USA-CA" and us.gco2e_per_kwh == pytest.approx(216.43)
    assert "first of its" in us.timezone_basis and "--timezone" in us.timezone_basis


def test_codecarbon_start_is_stop_minus_duration_in_the_countrys_time_zone(warehouse, tmp_path):
    frame = run_jobs(tmp_path, HERE / "codecarbon_edited.csv", "--skip-invalid").set_index("project_name")
    # Stopped 2024-03-05T14:00:00 Paris time (UTC+1 in March) after 7,200 s -> started 11:00 UTC.
    assert frame.loc["fr-a100", "start_utc"] == "2024-03-05 11:00:00"
    assert frame.loc["fr-a100", "timezone"] == "Europe/Paris"
    given = run_jobs(tmp_path, HERE / "codecarbon_edited.csv", "--skip-invalid", "--timezone", "UTC")
    assert given.set_index("project_name").loc["fr-a100", "start_utc"] == "2024-03-05 12:00:00"


def test_codecarbon_gpu_run_by_hand(warehouse, tmp_path):
    run = run_jobs(tmp_path, HERE / "codecarbon_edited.csv", "--skip-invalid").set_index("project_name").loc["fr-a100"]
    # gpu_model "4 x NVIDIA A100-SXM4-80GB", gpu_count 4, 7,200 s, 2.92 kWh measured at pue 1.
    assert (run.canonical_model, run.device_count, run.hours) == ("a100-sxm-80gb", 4, 2)
    assert run.energy_kwh == pytest.approx(2.92 * 1.56)
    assert run.operational_kgco2e == pytest.approx(2.92 * 1.56 * FRA_2022 / 1000)
    assert run.embodied_kgco2e == pytest.approx(4 * A100_EMBODIED_KG * 2 / (4 * 8760))
    assert (run.cpu_energy_kwh, run.gpu_energy_kwh, run.ram_energy_kwh) == (0.08, 2.8, 0.04)
    assert run.operational_to_tracker_ratio == pytest.approx(2.92 * 1.56 * FRA_2022 / 1000 / 0.0896)


def test_codecarbon_bad_rows_have_a_reason_each(warehouse, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main(["estimate", "--jobs", str(HERE / "codecarbon_edited.csv"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 4: CodeCarbon version 4.0.0 is not one this reader knows" in err
    assert "line 5: energy_consumed 'n/a' is not a number" in err
    assert "line 6: timestamp '06/03/2024 12:00' is not a date and time" in err
    assert "line 7: several GPU models in one run" in err
    assert "4 invalid row(s), nothing computed" in err and not out.exists()
    assert "Traceback" not in err


def test_older_codecarbon_layout_without_split_or_version(warehouse, tmp_path, capsys):
    frame = run_jobs(tmp_path, HERE / "codecarbon_v1.csv", "--skip-invalid")
    first = frame.iloc[0]
    assert first.energy_kwh == pytest.approx(0.0375 * 1.56) and pd.isna(first.cpu_energy_kwh)
    assert first.hours == pytest.approx(0.5) and first.year == 2021 and len(frame) == 1
    # gcp europe-west1 (Belgium): this small warehouse has neither the region nor Belgium.
    assert "line 3: " in capsys.readouterr().err.split("unknown zone 'BEL'")[0]


def test_codecarbon_file_missing_required_columns_is_one_line(warehouse, tmp_path, capsys):
    bad = tmp_path / "emissions.csv"
    bad.write_text("timestamp,duration,emissions,energy_consumed\n2024-01-01T00:00:00,1,0.1,0.2\n", encoding="utf-8")
    assert main(["estimate", "--jobs", str(bad), "--jobs-format", "codecarbon", "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "missing column(s) ['country_iso_code']" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"timestamp,duration\xff\n", "not UTF-8"),
    ],
)
def test_unreadable_files_are_one_line_errors(warehouse, tmp_path, capsys, content, message):
    path = tmp_path / "emissions.csv"
    path.write_bytes(content)
    assert main(["estimate", "--jobs", str(path), "--jobs-format", "codecarbon", "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# --- SLURM -----------------------------------------------------------------------------------------


def test_sacct_eight_gpus_ten_hours_by_hand(warehouse, tmp_path, capsys):
    frame = run_jobs(tmp_path, HERE / "sacct.txt", "--mapping", str(HERE / "mapping.toml"), "--skip-invalid")
    job = frame.set_index("slurm_job_id").loc["1001"]
    # 8 x A100 (partition gpu_a100) x 400 W x 10 h x PUE 1.2 (cluster jeanzay) = 38.4 kWh; FRA.
    assert (job.canonical_model, job.device_count, job.hours, job.zone_id, job.pue) == (
        "a100-sxm-80gb",
        8,
        10,
        "FRA",
        1.2,
    )
    assert job.energy_kwh == pytest.approx(8 * 400 * 10 * 1.2 / 1000)
    assert job.operational_kgco2e == pytest.approx(38.4 * FRA_2022 / 1000)
    assert job.embodied_kgco2e == pytest.approx(8 * A100_EMBODIED_KG * 10 / (4 * 8760))
    # Start 08:00 Paris (mapping time zone) = 07:00 UTC.
    assert job.start_utc == "2024-03-01 07:00:00"


def test_sacct_steps_arrays_and_heterogeneous_jobs(warehouse, tmp_path, capsys):
    frame = run_jobs(tmp_path, HERE / "sacct.txt", "--mapping", str(HERE / "mapping.toml"), "--skip-invalid")
    err = capsys.readouterr().err
    # 1001 and its .batch/.extern/.0 steps count once; array task 1002_4 (CANCELLED by 12345) and
    # heterogeneous component 1003+0 are jobs; 1003+1 has no GPU.
    assert frame["slurm_job_id"].tolist() == ["1001", "1002_4", "1003+0"]
    assert frame["energy_kwh"].sum() == pytest.approx((8 * 10 + 1 * 0.5 + 2 * 26) * 400 * 1.2 / 1000)
    assert frame.set_index("slurm_job_id").loc["1003+0", "hours"] == 26  # Elapsed 1-02:00:00
    assert frame.set_index("slurm_job_id").loc["1002_4", "hours"] == 0.5  # Elapsed 30:00
    assert "left out 1 row(s): no GPU allocated" in err
    assert "left out 1 row(s): state RUNNING not in --include-states" in err
    assert "line 13: AllocTRES 'billing=8,cpu=8,gres/gpu=x,node=1': a GPU count is not a whole number" in err
    assert "line 14: Elapsed '1h' is not [D-]HH:MM:SS or MM:SS" in err
    assert "line 15: no accelerator for partition 'gpu_h100' in the mapping file" in err


def test_typed_and_untyped_gpu_counts_are_not_summed_twice():
    con = duckdb.connect()
    rows = con.execute(
        "select slurm_job_id, count, gpu_type from ("
        + job_formats.slurm.sacct_sql(HERE / "sacct.txt", job_formats.load_mapping(HERE / "mapping.toml"), con, None)
        + ") order by source_line"
    ).fetchall()
    counts = {job: (count, gpu_type) for job, count, gpu_type in rows}
    assert counts["1001"] == (8, "a100")  # gres/gpu:a100=8,gres/gpu=8 -> 8, not 16
    assert counts["1002_4"] == (1, "a100")  # typed only
    assert counts["1004"] == (4, "v100")
    assert "1001.batch" not in counts and "1003+0.0" not in counts


def test_include_states_brings_running_jobs_in(warehouse, tmp_path):
    frame = run_jobs(
        tmp_path,
        HERE / "sacct.txt",
        "--mapping",
        str(HERE / "mapping.toml"),
        "--skip-invalid",
        "--include-states",
        "COMPLETED,RUNNING",
    )
    jobs = frame.set_index("slurm_job_id")
    assert list(jobs.index) == ["1001", "1003+0", "1004"]  # CANCELLED now left out, RUNNING in
    # gpu_types.v100 -> V100 (300 W in the fixture warehouse), 4 GPUs for 2 h so far.
    assert jobs.loc["1004", "energy_kwh"] == pytest.approx(4 * 300 * 2 * 1.2 / 1000)


def test_python_api_returns_a_relation_for_footprint(fixture_warehouse):
    with duckdb.connect(str(fixture_warehouse / "aifootprint.duckdb"), read_only=True) as con:
        jobs = job_formats.read_sacct(HERE / "sacct.txt", job_formats.load_mapping(HERE / "mapping.toml"), con=con)
        usable = jobs.filter("reason is null and left_out is null")
        assert usable.aggregate("sum(count * hours)").fetchall()[0][0] == pytest.approx(8 * 10 + 0.5 + 2 * 26)
        runs = job_formats.read_codecarbon(HERE / "codecarbon_edited.csv", con=con)
        assert runs.filter("reason is null").aggregate("sum(measured_energy_kwh)").fetchall()[0][0] == pytest.approx(
            2.92 + 3.504
        )


@pytest.mark.parametrize(
    "toml, message",
    [
        ('timezone = "Mars/Olympus"\n', "timezone: unknown time zone 'Mars/Olympus'"),
        ('[partitions.gpu]\nhardwar = "A100"\n', "partitions.gpu.hardwar: unknown key"),
        ("[partitions.gpu]\npue = 1.2\n", "partitions.gpu has no hardware"),
        ("[clusters.jz]\npue = 0.9\n", "clusters.jz.pue must be >= 1"),
        ("[clusters.jz]\nzone = 3\n", "clusters.jz.zone must be text"),
        ('[partitions.gpu]\nhardware = "H1000"\n', "partitions.gpu.hardware: unknown accelerator 'H1000'"),
        ('[clusters.jz]\nzone = "Frnace"\n', "clusters.jz.zone: unknown zone 'Frnace'"),
        ("zone = [1\n", "not valid TOML"),
    ],
)
def test_mapping_errors_name_the_key(warehouse, tmp_path, capsys, toml, message):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(toml, encoding="utf-8")
    assert (
        main(
            ["estimate", "--jobs", str(HERE / "sacct.txt"), "--mapping", str(mapping), "--out", str(tmp_path / "o.csv")]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_format_flags_only_with_their_format(warehouse, tmp_path, capsys):
    assert (
        main(
            [
                "estimate",
                "--jobs",
                str(HERE / "codecarbon_emissions.csv"),
                "--mapping",
                str(HERE / "mapping.toml"),
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    assert "--mapping and --include-states go with SLURM files" in capsys.readouterr().err
    assert main(["estimate", "--hardware", "H100", "--count", "1", "--hours", "1", "--mapping", "m.toml"]) == 2
    assert "--mapping: only with --jobs FILE" in capsys.readouterr().err


def test_a_million_line_sacct_export_in_bounded_memory(fixture_warehouse, tmp_path):
    """1,000,000 lines (allocations and their .batch steps) through the CLI in a child process."""
    sacct = tmp_path / "sacct.txt"
    with duckdb.connect() as con:
        con.execute(f"""copy (select case when i % 2 = 0 then (i // 2)::varchar else (i // 2) || '.batch' end as JobID,
                                     'gpu_a100' as Partition, 'jeanzay' as Cluster, 'COMPLETED' as State,
                                     '2024-03-01T08:00:00' as Start, '2024-03-01T18:00:00' as "End",
                                     '10:00:00' as Elapsed,
                                     'billing=64,cpu=64,gres/gpu:a100=' || (1 + (i // 2) % 8) || ',gres/gpu='
                                         || (1 + (i // 2) % 8) || ',mem=512G,node=1' as AllocTRES
                              from range(999999) t(i)) to '{sacct}' (header, delimiter '|', quote '')""")
    mapping = HERE / "mapping.toml"
    cli = f"""
        import os
        os.environ["AIFOOTPRINT_WAREHOUSE"] = {str(fixture_warehouse)!r}
        from pipelines.cli import main
        code = main(["estimate", "--jobs", {str(sacct)!r}, "--mapping", {str(mapping)!r}, "--out", OUT])
    """
    # The same through the Python API on a connection whose DuckDB memory limit makes it spill.
    limited = f"""
        import duckdb
        from pipelines.footprint import estimate_jobs_file
        from pipelines.job_formats import FormatOptions
        con = duckdb.connect({str(fixture_warehouse / "aifootprint.duckdb")!r}, read_only=True)
        con.execute("set memory_limit = '512MB'")
        con.execute("set temp_directory = '{tmp_path / "spill"}'")
        estimate_jobs_file({str(sacct)!r}, OUT, warehouse=con, jobs_format="slurm",
                           format_options=FormatOptions(mapping={str(mapping)!r}))
        code = 0
    """
    peaks = {}
    for name, body in {"cli": cli, "limited": limited}.items():
        out = tmp_path / f"{name}.parquet"
        done = run_measured_python(f"OUT = {str(out)!r}\n" + textwrap.dedent(body) + "sys.exit(code)\n")
        assert done.returncode == 0, done.stderr
        peaks[name] = done.peak_rss_mb
        with duckdb.connect() as con:
            rows, gpu_hours = con.execute(f"select count(*), sum(device_count * hours) from '{out}'").fetchone()
        assert rows == 500_000  # the .batch steps are not jobs
        assert gpu_hours == pytest.approx(10 * sum(1 + j % 8 for j in range(500_000)))
    # Measured on 2 cores: the CLI about 0.63 GiB peak RSS (the streaming engine, pipelines/batch.py,
    # under its default 512MB DuckDB limit; the old engine's tables took about 1.5 GiB); the Python
    # API on a connection limited to 512 MB also about 0.63 GiB. Generous guards, not targets.
    assert peaks["cli"] < 4096, f"peak RSS {peaks['cli']:.0f} MiB"
    assert peaks["limited"] < 1536, f"peak RSS {peaks['limited']:.0f} MiB with memory_limit 512MB"


def test_measured_energy_columns_in_a_plain_jobs_file(warehouse, tmp_path, capsys):
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "run,hardware,count,hours,zone,year,measured_energy_kwh,tracker_pue,pue\n"
        "cpu-only,,,2,FRA,2022,10,,\n"  # IT energy x our default PUE; no accelerator
        "tracked,H100,1,2,FRA,2022,10,1.3,\n"  # the tracker's PUE already in the 10 kWh
        "both,H100,1,2,FRA,2022,10,1.3,1.2\n"  # our PUE on top would apply it twice
        "negative,H100,1,2,FRA,2022,-1,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["estimate", "--jobs", str(jobs), "--out", str(out), "--skip-invalid"]) == 0
    err = capsys.readouterr().err
    assert "line 4: the tracker already applied PUE 1.3 to the measured energy; drop pue" in err
    assert "line 5: measured energy must be >= 0 kWh, got -1" in err
    frame = pd.read_csv(out).set_index("run")
    assert frame.loc["cpu-only", "energy_kwh"] == pytest.approx(10 * 1.56)
    assert pd.isna(frame.loc["cpu-only", "embodied_kgco2e"])
    assert frame.loc["tracked", "energy_kwh"] == pytest.approx(10) and frame.loc["tracked", "pue"] == 1.3
    # The accelerator still gives the embodied share: 164 kg per H100 over 4 years, for 2 h.
    assert frame.loc["tracked", "embodied_kgco2e"] == pytest.approx(164 * 2 / (4 * 8760))


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "emissions.csv",
            b"timestamp,duration,emissions,energy_consumed,country_iso_code\n"
            b"2024-01-01T00:00:00,60,0.1,0.2,FRA\n2024-01-01T00:00:00,60,0.1,0.2,FR\xe9\n",
            "not UTF-8 text on line 3",
        ),
        # A JobName holding a pipe shifts the columns: sacct --parsable2 does not escape it.
        (
            "sacct.txt",
            b"JobID|JobName|Start|End|Elapsed|AllocTRES\n"
            b"1|a|2024-03-01T08:00:00|2024-03-01T09:00:00|01:00:00|gres/gpu=1\n"
            b"2|a|b|2024-03-01T08:00:00|2024-03-01T09:00:00|01:00:00|gres/gpu=1\n",
            "CSV Error on Line: 3: Expected Number of Columns",
        ),
    ],
)
def test_broken_lines_are_one_line_errors_naming_the_line(warehouse, tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert (
        main(
            [
                "estimate",
                "--jobs",
                str(path),
                "--mapping" if name == "sacct.txt" else "--skip-invalid",
                *([str(HERE / "mapping.toml")] if name == "sacct.txt" else []),
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o.csv").exists()


def test_to_footprint_jobs_feeds_the_sql_macro(fixture_warehouse):
    with duckdb.connect(str(fixture_warehouse / "aifootprint.duckdb"), read_only=True) as con:
        jobs = job_formats.read_sacct(HERE / "sacct.txt", job_formats.load_mapping(HERE / "mapping.toml"), con=con)
        skipped = dict(job_formats.to_footprint_jobs(con, jobs, "my_jobs"))
        assert skipped[9] == "no GPU allocated" and skipped[11].startswith("state RUNNING not in")
        assert skipped[15].startswith("no accelerator for partition 'gpu_h100'")
        rows = con.execute("select job_id, energy_kwh from footprint('my_jobs') order by job_id").fetchall()
        assert rows == [(2, pytest.approx(38.4)), (6, pytest.approx(0.24)), (8, pytest.approx(24.96))]
        runs = job_formats.read_codecarbon(HERE / "codecarbon_edited.csv", con=con)
        assert [line for line, _ in job_formats.to_footprint_jobs(con, runs, "runs")] == [4, 5, 6, 7]
        ((energy, ratio),) = con.execute(
            "select energy_kwh, operational_to_tracker_ratio from footprint('runs') where job_id = 2"
        ).fetchall()
        assert energy == pytest.approx(2.92 * 1.56) and ratio == pytest.approx(2.92 * 1.56 * FRA_2022 / 1000 / 0.0896)
