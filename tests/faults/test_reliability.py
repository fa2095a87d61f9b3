"""Reliability (issue #18): one real-process test (at least) per class of failure.

1. "Nothing to do" is decided per warehouse, never from a Dagster home shared with another.
2. Every fetch and download has a wall-clock deadline per file, however slowly bytes trickle.
3. Memory does not grow with input: archive hashing, downloads and query output stream.
4. A running query stops on Ctrl-C (SIGINT) or --timeout, and spills outside the warehouse.
5. Hostile or malformed input ends in a one-line error with exit 1 or 2, never a traceback.
6. A table that would lose a source, or too many rows, keeps its published version.
7. Control characters never reach the terminal; CSV text cells cannot become formulas.
Plus: the release lock names its holder; killed release builds are cleaned up.

Children run as `python -m pipelines.cli` with the configuration a user would set (environment
variables, flags); peak memory is the child's own high-water mark (VmHWM). Memory and time bounds
are generous guards that catch growth with input size, not benchmarks.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import SHARED_SOURCES, rewrite_archive_file
from http_server import FaultServer, Reply
from peak_memory import CLI, Finished, run_measured_python
from pipelines.refresh import run_refresh
from pipelines.warehouse import Warehouse

from .support import FAST_FETCH, cli_command, cli_env, copy_warehouse, published_digests, table_rows

pytestmark = pytest.mark.faults

MB = 1024 * 1024
# A generous ceiling on how long any one child may take before the test calls it hung.
CHILD_LIMIT_S = 300


def run_measured(*args: str, env: dict) -> Finished:
    """Run the CLI to completion; return its exit status, output and its own peak RSS."""
    return run_measured_python(CLI, *args, env=env, timeout_s=CHILD_LIMIT_S)


def assert_one_line_error(finished: Finished, *fragments: str) -> None:
    assert finished.returncode in (1, 2), finished.stderr
    assert "Traceback" not in finished.stderr, finished.stderr
    errors = [line for line in finished.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, finished.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


# --- 1. state keyed to the warehouse it describes --------------------------------------------


def test_two_warehouses_sharing_one_dagster_home_both_get_the_changed_archive_rows(
    built_warehouse, archive_copy, tmp_path
):
    source_id, name = "ecologits_electricity_mixes", "electricity_mixes.csv"
    original = (archive_copy / source_id / name).read_bytes()
    assert b"\nFRA,0.00000004858,9.3135,0.04418,3.6737\n" in original  # France's GWP, 44.18 g/kWh
    rewrite_archive_file(archive_copy, source_id, name, original.replace(b",0.04418,", b",0.09418,"))
    home = tmp_path / "shared_dagster_home"
    warehouse_a = copy_warehouse(built_warehouse, tmp_path / "a")
    warehouse_b = copy_warehouse(built_warehouse, tmp_path / "b")
    france = (
        "select gco2e_per_kwh from grid_carbon_intensity "
        "where source_id = 'ecologits_electricity_mixes' and zone_id = 'FRA'"
    )

    def france_in(warehouse: Path) -> float:
        with Warehouse(warehouse).connect() as con:
            return con.execute(france).fetchone()[0]

    assert france_in(warehouse_b) == pytest.approx(44.18)
    for warehouse in (warehouse_a, warehouse_b):
        finished = run_measured("refresh", "--archive", str(archive_copy), env=cli_env(warehouse, home))
        assert finished.returncode == 0, finished.stderr
        assert france_in(warehouse) == pytest.approx(94.18), f"{warehouse.name}:\n{finished.stderr}"
    # B's own record now matches the instance: the next refresh of B is a no-op, and stays correct.
    again = run_measured("refresh", "--archive", str(archive_copy), env=cli_env(warehouse_b, home))
    assert again.returncode == 0 and "nothing changed" in again.stderr, again.stderr
    assert france_in(warehouse_b) == pytest.approx(94.18)
    # A warehouse the shared home never saw: every asset recomputed, not trusted to the home.
    warehouse_c = copy_warehouse(built_warehouse, tmp_path / "c")
    finished = run_measured(
        "refresh",
        "--archive",
        str(archive_copy),
        "--select",
        "grid_carbon_intensity__" + source_id,
        "grid_carbon_intensity",
        env=cli_env(warehouse_c, home),
    )
    assert finished.returncode == 0, finished.stderr
    assert france_in(warehouse_c) == pytest.approx(94.18)


# --- 2. deadlines on every wait ----------------------------------------------------------------


def release_folder_routes(server: FaultServer, files: dict[str, bytes], version: str = "1.0") -> str:
    """Serve a release `version` holding `files` at server.url/releases/; return that URL."""
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in files.items()).encode()
    index = {
        "latest": version,
        "releases": [
            {
                "version": version,
                "checksums": f"{version}/SHA256SUMS",
                "checksums_sha256": hashlib.sha256(sums).hexdigest(),
            }
        ],
    }
    server.route("/releases/index.json", Reply(200, json.dumps(index).encode()))
    server.route(f"/releases/{version}/SHA256SUMS", Reply(200, sums))
    for name, data in files.items():
        server.route(f"/releases/{version}/{name}", Reply(200, data))
    return server.url + "/releases/"


def fast_deadline_env(warehouse: Path, home: Path) -> dict:
    # A 1 s deadline whatever the declared length (a huge minimum rate adds nothing to it).
    return cli_env(warehouse, home, AIFOOTPRINT_FETCH_DEADLINE_S="1", AIFOOTPRINT_FETCH_MIN_BYTES_PER_S="1e12")


def test_download_retries_a_file_that_trickles_past_its_deadline(tmp_path):
    data = bytes(range(256)) * 40  # 10 KB: at a byte every 50 ms it would take over 8 minutes
    with FaultServer() as server:
        url = release_folder_routes(server, {"table.parquet": data})
        server.route("/releases/1.0/table.parquet", Reply(200, data, fault="trickle", stall_s=0.05), Reply(200, data))
        finished = run_measured(
            "download",
            "--from",
            url,
            "--to",
            str(tmp_path / "releases"),
            env=fast_deadline_env(tmp_path / "w", tmp_path / "home"),
        )
        hits = server.hits("/releases/1.0/table.parquet")
    assert finished.returncode == 0, finished.stderr
    assert hits == 2  # the trickling attempt was cut at its deadline, the retry got the file
    assert (tmp_path / "releases" / "1.0" / "table.parquet").read_bytes() == data
    assert not [p for p in (tmp_path / "releases").iterdir() if p.name.startswith(".")]


def test_download_that_always_trickles_fails_with_one_line_and_installs_nothing(tmp_path):
    data = b"x" * 4000
    with FaultServer() as server:
        url = release_folder_routes(server, {"table.parquet": data})
        server.route("/releases/1.0/table.parquet", Reply(200, data, fault="trickle", stall_s=0.05))
        finished = run_measured(
            "download",
            "--from",
            url,
            "--to",
            str(tmp_path / "releases"),
            env=fast_deadline_env(tmp_path / "w", tmp_path / "home"),
        )
    assert_one_line_error(finished, "table.parquet", "deadline", "gave up after 5 attempts")
    assert finished.returncode == 1
    # Nothing is left behind, not even the target folder the download created.
    assert not (tmp_path / "releases").exists()


def test_live_refresh_counts_a_trickling_source_as_a_retryable_fault_then_fails_only_it(
    built_warehouse, mirror, tmp_path, monkeypatch
):
    source_id, name = "codecarbon", "usa_emissions.json"
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    before = published_digests(warehouse)
    monkeypatch.setenv("AIFOOTPRINT_FETCH_DEADLINE_S", "0.5")
    monkeypatch.setenv("AIFOOTPRINT_FETCH_MIN_BYTES_PER_S", "1e12")
    body = mirror.recorded(source_id, name)
    mirror.inject(source_id, name, Reply(200, body, fault="trickle", stall_s=0.05))

    outcome = run_refresh(
        warehouse_dir=warehouse,
        mirror_url=mirror.url,
        instance=dg.DagsterInstance.ephemeral(),
        select=[f"raw_{source_id}", f"grid_carbon_intensity__{source_id}"],
        **FAST_FETCH,
    )

    assert not outcome.success
    [(step, message)] = outcome.failures
    assert step == f"raw_{source_id}"
    assert name in message and "deadline" in message and "gave up after 3 attempts" in message
    assert mirror.hits_for(source_id, name) == 3
    assert published_digests(warehouse) == before


# --- 3. memory bounded independent of input size ----------------------------------------------


def test_query_streams_rows_in_bounded_memory(built_warehouse, tmp_path):
    env = cli_env(built_warehouse, tmp_path / "home")
    small = run_measured(
        "query", "select i, 'row number ' || i as label from range(10) t(i)", "--format", "csv", env=env
    )
    rows = 3_000_000
    big = run_measured(
        "query", f"select i, 'row number ' || i as label from range({rows}) t(i)", "--format", "csv", env=env
    )
    assert small.returncode == 0 and big.returncode == 0, big.stderr
    lines = big.stdout.splitlines()
    assert len(lines) == rows + 1 and lines[0] == "i,label" and lines[-1] == f"{rows - 1},row number {rows - 1}"
    # Fetching it whole holds ~3 M Python strings (hundreds of MB); streamed, a batch at a time.
    assert big.peak_rss_mb < small.peak_rss_mb + 150, (small.peak_rss_mb, big.peak_rss_mb)


def test_download_streams_a_large_release_file_to_disk(tmp_path):
    large = b"\x5a" * (160 * MB)
    with FaultServer() as server:
        small_url = release_folder_routes(server, {"small.bin": b"tiny"}, version="0.1")
        small = run_measured(
            "download",
            "--from",
            small_url,
            "--to",
            str(tmp_path / "small"),
            env=cli_env(tmp_path / "w", tmp_path / "home"),
        )
        big_url = release_folder_routes(server, {"large.bin": large}, version="0.2")
        big = run_measured(
            "download", "--from", big_url, "--to", str(tmp_path / "big"), env=cli_env(tmp_path / "w", tmp_path / "home")
        )
    assert small.returncode == 0 and big.returncode == 0, big.stderr
    installed = tmp_path / "big" / "0.2" / "large.bin"
    assert installed.stat().st_size == len(large)
    # Held in memory, the file alone would add 160 MB (320 MB with the copy made of it).
    assert big.peak_rss_mb < small.peak_rss_mb + 64, (small.peak_rss_mb, big.peak_rss_mb)


def test_a_huge_sparse_file_listed_with_a_small_size_is_refused_before_it_is_read(archive_copy, tmp_path):
    source_id, name = "ecologits_electricity_mixes", "electricity_mixes.csv"
    with open(archive_copy / source_id / name, "r+b") as handle:
        handle.truncate(4 * 1024 * MB)  # 4 GiB, sparse: no disk used, but reading it would take it all
    env = cli_env(tmp_path / "warehouse", tmp_path / "home")
    finished = run_measured("sources", "--archive", str(archive_copy), "--format", "csv", env=env)
    assert finished.returncode == 0, finished.stderr
    [row] = [line for line in finished.stdout.splitlines() if line.startswith(source_id + ",")]
    assert "size mismatch: manifest says 2026 bytes, file has 4294967296" in row
    assert finished.peak_rss_mb < 1024
    # The no-op fingerprint reads the same archive before any refresh: neither reads it whole.
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / ".refresh-fingerprint.json").write_text(json.dumps({"run_ids": []}))
    probe = run_measured_python(
        """
        from pathlib import Path
        from pipelines import fingerprint
        print(fingerprint.unchanged_since_last_refresh(Path(sys.argv[1]), Path(sys.argv[2])))
        """,
        str(archive_copy),
        str(tmp_path / "warehouse"),
        env=env,
        timeout_s=CHILD_LIMIT_S,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["None"]
    assert probe.peak_rss_mb < 1024


# --- 4. queries that can be stopped -------------------------------------------------------------

ENDLESS_QUERY = "select count(*) from range(100000000000) a(i), range(100) b(j) where (i * j) % 7 = 3"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_interrupts_a_running_query(built_warehouse, tmp_path):
    process = subprocess.Popen(
        cli_command("query", ENDLESS_QUERY),
        env=cli_env(built_warehouse, tmp_path / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait until DuckDB is busy (well past the imports' CPU time), however slow the machine.
        deadline = time.monotonic() + CHILD_LIMIT_S
        while cpu_seconds(process.pid) < 4 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip() == "error: query interrupted (Ctrl-C); 0 row(s) had been written"
    assert out == ""


def test_query_timeout_stops_a_running_query(built_warehouse, tmp_path):
    finished = run_measured("query", ENDLESS_QUERY, "--timeout", "1.5", env=cli_env(built_warehouse, tmp_path / "home"))
    assert_one_line_error(finished, "query stopped after its --timeout of 1.5s")
    assert finished.returncode == 1


def test_a_query_that_spills_writes_nothing_into_the_warehouse_folder(built_warehouse, tmp_path):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    before = {p.name for p in warehouse.iterdir()}
    seen_in_warehouse, seen_in_tmp, done = set(), set(), threading.Event()

    def watch():
        while not done.is_set():
            seen_in_warehouse.update(p.name for p in warehouse.iterdir())
            seen_in_tmp.update(p.name for p in private_tmp.rglob("*"))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        finished = run_measured(
            "query",
            "set memory_limit = '40MB'; set threads = 1; "
            "select md5(i::varchar) as h from range(2000000) t(i) order by h",
            "--format",
            "csv",
            env=cli_env(warehouse, tmp_path / "home", TMPDIR=str(private_tmp)),
        )
    finally:
        done.set()
        watcher.join()
    assert finished.returncode == 0, finished.stderr
    assert len(finished.stdout.splitlines()) == 2_000_001
    assert seen_in_warehouse == before  # DuckDB's default would be aifootprint.duckdb.tmp/ in there
    assert any(name.startswith("duckdb_temp") for name in seen_in_tmp)  # it did spill, privately
    assert list(private_tmp.iterdir()) == []  # and removed what it spilled


# --- 5. hostile input: one line, exit 1 or 2 ------------------------------------------------------


def write_release_folder(folder: Path, sums: bytes, index: object | None = None) -> Path:
    (folder / "1.0").mkdir(parents=True)
    (folder / "1.0" / "SHA256SUMS").write_bytes(sums)
    if index is None:
        index = {
            "latest": "1.0",
            "releases": [
                {"version": "1.0", "checksums": "1.0/SHA256SUMS", "checksums_sha256": hashlib.sha256(sums).hexdigest()}
            ],
        }
    (folder / "index.json").write_text(index if isinstance(index, str) else json.dumps(index))
    return folder


DIGEST = "0" * 64
HOSTILE_RELEASES = {
    "non_utf8_sha256sums": (b"\xff\xfe" + f"{DIGEST}  table.parquet\n".encode(), None, "not UTF-8"),
    "over_long_name": (f"{DIGEST}  {'n' * 300}.parquet\n".encode(), None, "longer than a file system allows"),
    "name_both_file_and_folder": (
        f"{DIGEST}  data\n{DIGEST}  data/table.parquet\n".encode(),
        None,
        "both as a file and as a folder",
    ),
    "index_entries_of_the_wrong_type": (
        b"",
        {"latest": None, "releases": [1, "x", {"version": 5}, None]},
        "lists no release with a version",
    ),
    "index_latest_not_text": (b"", {"latest": {"a": 1}, "releases": [{"version": "1.0"}]}, "'latest' is a dict"),
    "index_entry_without_checksums": (b"", {"releases": [{"version": "1.0", "checksums": 7}]}, "lacks 'checksums'"),
    "index_nested_past_the_recursion_limit": (b"", "[" * 100_000 + "]" * 100_000, "not valid JSON"),
}


@pytest.mark.parametrize("case", HOSTILE_RELEASES)
def test_a_hostile_release_folder_is_a_one_line_error(case, tmp_path):
    sums, index, expected = HOSTILE_RELEASES[case]
    folder = write_release_folder(tmp_path / "releases", sums, index)
    finished = run_measured(
        "download", "--from", str(folder), "--to", str(tmp_path / "to"), env=cli_env(tmp_path / "w", tmp_path / "home")
    )
    assert_one_line_error(finished, expected)
    assert not (tmp_path / "to").exists() or list((tmp_path / "to").iterdir()) == []


def test_a_redirect_loop_is_a_one_line_error(tmp_path):
    with FaultServer() as server:
        server.route("/releases/index.json", Reply(302, headers={"Location": "/releases/index.json"}))
        finished = run_measured(
            "download",
            "--from",
            server.url + "/releases/",
            "--to",
            str(tmp_path / "to"),
            env=cli_env(tmp_path / "w", tmp_path / "home"),
        )
        hits = server.hits("/releases/index.json")
    assert_one_line_error(finished, "redirects more than 10 times")
    assert hits == 11


HOSTILE_MANIFESTS = {
    "nested_past_the_recursion_limit": (b"x = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
    "files_not_an_array": (b'id = "s"\nfiles = "electricity_mixes.csv"\n', "'files' is a str"),
    "bytes_as_text": (
        b'[[files]]\npath = "electricity_mixes.csv"\nsha256 = "00"\nbytes = "2026"\n',
        "'bytes' of 'electricity_mixes.csv' is '2026'",
    ),
    "path_as_a_number": (b"[[files]]\npath = 12\n", "files entry 1 has no 'path' text"),
    "not_utf8": (b'id = "\xff\xfe"\n', "is not UTF-8"),
}


@pytest.mark.parametrize("case", HOSTILE_MANIFESTS)
def test_a_malformed_source_manifest_names_the_manifest_without_a_traceback(case, archive_copy, tmp_path):
    data, expected = HOSTILE_MANIFESTS[case]
    source_id = "ecologits_electricity_mixes"
    (archive_copy / source_id / "SOURCE.toml").write_bytes(data)
    env = cli_env(tmp_path / "warehouse", tmp_path / "home")
    finished = run_measured("sources", "--archive", str(archive_copy), "--format", "csv", env=env)
    assert finished.returncode == 0 and "Traceback" not in finished.stderr, finished.stderr
    [row] = [line for line in finished.stdout.splitlines() if line.startswith(source_id + ",")]
    assert "SOURCE.toml" in row and expected in row, row
    refreshed = run_measured("refresh", "--archive", str(archive_copy), "--select", f"raw_{source_id}", env=env)
    assert refreshed.returncode == 1 and "Traceback" not in refreshed.stderr, refreshed.stderr
    assert expected in refreshed.stderr


def test_out_of_range_years_and_non_finite_numbers_are_one_line_errors(built_warehouse, tmp_path):
    env = cli_env(built_warehouse, tmp_path / "home")
    job = ("estimate", "--hardware", "H100 SXM", "--count", "1", "--hours", "1")
    assert_one_line_error(
        run_measured(*job, "--year", "99999999999999999999", env=env), "year 99999999999999999999 is out of range"
    )
    assert_one_line_error(
        run_measured("estimate", "--hardware", "H100 SXM", "--count", "nan", "--hours", "1", env=env),
        "--count nan: not a finite number",
    )
    jobs = tmp_path / "jobs.parquet"
    pq.write_table(
        pa.table(
            {
                "hardware": ["H100 SXM", "H100 SXM"],
                "count": [1, 1],
                "hours": [1, 1],
                "year": pa.array([2023, 2**62], pa.int64()),
            }
        ),
        jobs,
    )
    finished = run_measured("estimate", "--jobs", str(jobs), "--out", str(tmp_path / "out.csv"), env=env)
    assert_one_line_error(finished, "1 invalid row(s), nothing computed")
    assert f"row 2: year must be a whole number from 1 to 9999, got {2**62}" in finished.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_mistyped_setting_is_a_one_line_error(tmp_path):
    env = cli_env(tmp_path / "w", tmp_path / "home", AIFOOTPRINT_FETCH_DEADLINE_S="soon")
    finished = run_measured("download", "--from", "http://127.0.0.1:9/", "--to", str(tmp_path / "to"), env=env)
    assert_one_line_error(finished, "AIFOOTPRINT_FETCH_DEADLINE_S='soon' is not a number")


# --- 6. tables that would shrink keep their published version -------------------------------------


def test_refresh_from_an_archive_lacking_most_sources_keeps_every_published_row(built_warehouse, tmp_path):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    # An archive that holds one small source and lacks every other (an empty folder is refused
    # outright as "not a raw archive").
    empty = tmp_path / "sparse_archive"
    shutil.copytree(SHARED_SOURCES / "ecologits_electricity_mixes", empty / "ecologits_electricity_mixes")
    specs_before = table_rows(warehouse, "accelerator_specs")
    sources_before = {row[0] for row in specs_before}
    assert len(sources_before) >= 3 and len(specs_before) > 50
    digests_before = published_digests(warehouse)

    finished = run_measured("refresh", "--archive", str(empty), env=cli_env(warehouse, tmp_path / "fresh_home"))

    assert finished.returncode == 1, finished.stderr
    assert "Traceback" not in finished.stderr
    assert "table accelerator_specs not published: it would lose every row of source(s) " in finished.stderr
    assert "--allow-shrink" in finished.stderr
    assert table_rows(warehouse, "accelerator_specs") == specs_before
    assert (
        published_digests(warehouse)["parquet/accelerator_specs.parquet"]
        == digests_before["parquet/accelerator_specs.parquet"]
    )
    kept = [line for line in finished.stderr.splitlines() if line.startswith("kept the previous version of")]
    assert kept and "accelerator_specs" in kept[0], finished.stderr
    published = [line for line in finished.stderr.splitlines() if line.startswith("published ")]
    assert published and "accelerator_specs" not in published[0]
    # Every table keeps every source it had.
    for name in ("accelerator_specs", "grid_carbon_intensity", "training_footprint_estimates"):
        path = f"parquet/{name}.parquet"
        if path in digests_before:
            before = pq.read_table(built_warehouse / path, columns=["source_id"]).column(0).to_pylist()
            after = pq.read_table(warehouse / path, columns=["source_id"]).column(0).to_pylist()
            assert set(before) <= set(after), name

    allowed = run_measured(
        "refresh", "--archive", str(empty), "--allow-shrink", env=cli_env(warehouse, tmp_path / "fresh_home")
    )
    assert "accelerator_specs not published" not in allowed.stderr, allowed.stderr
    after = table_rows(warehouse, "accelerator_specs")
    assert 0 < len(after) < len(specs_before)  # the curated rows alone, as asked


# --- 7. output safety ------------------------------------------------------------------------------


def test_control_characters_from_a_jobs_file_never_reach_the_terminal(built_warehouse, tmp_path):
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes(
        b'hardware,count,hours,zone\n"H100\x1b[2J\x1b]0;pwned\x07",1,1,FRA\nH100 SXM,1,1,"Fr\x1b[31mance\rX"\n'
    )
    finished = run_measured(
        "estimate",
        "--jobs",
        str(jobs),
        "--out",
        str(tmp_path / "out.csv"),
        env=cli_env(built_warehouse, tmp_path / "home"),
    )
    assert finished.returncode == 2
    assert not any(c in finished.stderr for c in "\x1b\x07\r"), repr(finished.stderr)
    assert "H100\\x1b[2J\\x1b]0;pwned\\x07" in finished.stderr
    assert "Fr\\x1b[31mance\\rX" in finished.stderr


def test_csv_output_neutralises_formulas_in_text_columns_only(built_warehouse, tmp_path):
    env = cli_env(built_warehouse, tmp_path / "home")
    finished = run_measured(
        "query",
        "select '=HYPERLINK(\"http://x\")' as a, '+1' as b, '-1' as c, '@SUM(A1)' as d, -3.5 as n, 'plain' as e",
        "--format",
        "csv",
        env=env,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[1] == '"\'=HYPERLINK(""http://x"")",\'+1,\'-1,\'@SUM(A1),-3.5,plain'

    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "label,hardware,count,hours,zone,pue\n=cmd|' /C calc'!A0,H100 SXM,2,10,FRA,1.2\n"
        "-negative,H100 SXM,1,1,FRA,1.1\n"
    )
    out = tmp_path / "out.csv"
    finished = run_measured("estimate", "--jobs", str(jobs), "--out", str(out), env=env)
    assert finished.returncode == 0, finished.stderr
    import csv

    rows = list(csv.DictReader(out.open()))
    assert [row["label"] for row in rows] == ["'=cmd|' /C calc'!A0", "'-negative"]
    assert float(rows[0]["energy_kwh"]) > 0 and not rows[0]["energy_kwh"].startswith("'")


# --- smaller: the release lock, killed release builds ----------------------------------------------


def test_a_release_refused_by_another_release_says_so(built_warehouse, tmp_path):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pipelines.warehouse import Warehouse; "
            "lock = Warehouse(sys.argv[1]).refresh_lock('release'); lock.__enter__(); "
            "print('held', flush=True); sys.stdin.read()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        finished = run_measured("release", "--version", "9.9", env=cli_env(warehouse, tmp_path / "home"))
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert_one_line_error(finished, "another release is running; try again when it ends", f"(pid {holder.pid})")


def test_a_killed_release_build_leaves_nothing_behind_after_the_next_release(built_warehouse, tmp_path):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    leftover = warehouse / "releases" / ".1.0.building-abc123"
    (leftover / "parquet").mkdir(parents=True)
    (leftover / "parquet" / "half.parquet").write_bytes(b"PAR1")
    finished = run_measured("release", "--version", "1.0", env=cli_env(warehouse, tmp_path / "home"))
    assert finished.returncode == 0, finished.stderr
    assert not leftover.exists()
    assert not [p.name for p in (warehouse / "releases").iterdir() if p.name.startswith(".") and p.is_dir()]
