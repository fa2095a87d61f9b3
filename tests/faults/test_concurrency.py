"""Concurrent refreshes and readers (issue #7, item 5).

A refresh holds `<warehouse>/.refresh.lock` from start to end; a second one is refused at
once with "warehouse ... is locked" and exit 1 rather than interleaving its publishes.
Readers never take that lock: they open the last committed DuckDB file read-only and see
either the old state or the new one, never a mixture or an error.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from conftest import rewrite_archive_file
from http_server import Reply
from pipelines.cli import main as cli_main
from pipelines.warehouse import Warehouse

from .support import copy_warehouse, published_digests, start_cli, table_rows

pytestmark = pytest.mark.faults

SOURCE_ID, FILE = "codecarbon", "eu-carbon-intensity-electricity.csv"
SELECT = [f"grid_carbon_intensity__{SOURCE_ID}", "grid_carbon_intensity"]
LOCKED = "is locked: another refresh is running"
AUSTRIA_2000 = (
    "select gco2e_per_kwh from grid_carbon_intensity where source_id = 'codecarbon' and zone_id = 'AUT' and year = 2000"
)


def test_second_refresh_is_refused_while_one_runs_and_queries_see_the_committed_state(
    live_warehouse, mirror, tmp_path, monkeypatch, capsys
):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    before = published_digests(warehouse)
    # The first refresh is parked inside a fetch, holding the lock, for as long as we need.
    changed = mirror.recorded(SOURCE_ID, FILE).replace(b"Austria,AUT,2000,158", b"Austria,AUT,2000,159", 1)
    mirror.inject(SOURCE_ID, FILE, Reply(200, changed, fault="hold"))
    first = start_cli(
        "refresh",
        "--select",
        *SELECT,
        warehouse=warehouse,
        dagster_home=tmp_path / "home1",
        AIFOOTPRINT_SOURCE_MIRROR=mirror.url,
    )
    try:
        assert mirror.holding.wait(240), "the first refresh never reached the mirror"

        # `aifootprint refresh` and `aifootprint query`, run in this process: another process
        # from the first one's point of view, which is all the lock knows about.
        monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home2"))
        capsys.readouterr()
        started = time.monotonic()
        second_exit = cli_main(["refresh", "--archive", str(mirror.archive)])
        second = capsys.readouterr()
        waited_s = time.monotonic() - started
        query_exit = cli_main(["query", AUSTRIA_2000, "--format", "json"])
        query = capsys.readouterr()
        assert first.poll() is None, "the first refresh must still be running"
    finally:
        mirror.release.set()
    _, first_stderr = first.communicate(timeout=240)

    assert second_exit == 1, second.err
    assert f"error: warehouse {warehouse} {LOCKED}; try again when it ends" in second.err
    assert waited_s < 30  # refused at once, not after waiting for the first to finish
    assert query_exit == 0, query.err
    assert json.loads(query.out) == [{"gco2e_per_kwh": 158.0}]  # the last committed state
    assert first.returncode == 0, first_stderr
    assert published_digests(warehouse) != before
    with Warehouse(warehouse).connect() as con:
        assert con.execute(AUSTRIA_2000).fetchall() == [(159.0,)]


def test_two_refreshes_started_together_never_corrupt_the_warehouse(built_warehouse, archive_copy, tmp_path):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    path = archive_copy / SOURCE_ID / FILE
    rewrite_archive_file(
        archive_copy, SOURCE_ID, FILE, path.read_bytes().replace(b"Austria,AUT,2000,158", b"Austria,AUT,2000,159", 1)
    )
    old_rows = table_rows(warehouse, "grid_carbon_intensity")
    seen, errors, done = set(), [], threading.Event()

    def read_continuously():
        # What `aifootprint query` does, as often as possible while both refreshes run.
        while not done.is_set():
            try:
                with Warehouse(warehouse).connect() as con:
                    seen.add(con.execute(AUSTRIA_2000).fetchall()[0][0])
            except Exception as exc:  # any failure to read is the finding
                errors.append(repr(exc))
            time.sleep(0.02)

    reader = threading.Thread(target=read_continuously)
    reader.start()
    refreshes = [
        start_cli(
            "refresh",
            "--archive",
            str(archive_copy),
            "--select",
            *SELECT,
            warehouse=warehouse,
            dagster_home=tmp_path / f"home{i}",
        )
        for i in range(2)
    ]
    try:
        stderrs = [p.communicate(timeout=300)[1] for p in refreshes]
    finally:
        done.set()
        reader.join()
    results = [(p.returncode, stderr) for p, stderr in zip(refreshes, stderrs, strict=True)]

    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 1]), results  # both ran one after the other, or one was refused
    for code, stderr in results:
        assert code == 0 or LOCKED in stderr, stderr
    assert errors == []
    assert seen <= {158.0, 159.0} and seen, seen
    with Warehouse(warehouse).connect() as con:
        assert con.execute(AUSTRIA_2000).fetchall() == [(159.0,)]
        assert con.execute("select count(*) from grid_carbon_intensity").fetchone()[0] == len(old_rows)
    assert not [p for p in warehouse.rglob("*.tmp")]
