"""Live refreshes through a misbehaving mirror of the recorded sources (issue #7, items 1-2).

The refresh is pointed at the mirror by configuration (`mirror_url`) with short timeouts
and backoff, and otherwise runs as `aifootprint refresh` does. Transient faults are retried
until the file arrives; permanent ones fail the one source with an error naming it and the
file, while every other source still materializes and the published outputs whose inputs
failed keep their bytes.
"""

from __future__ import annotations

import dataclasses
import gzip
import re

import dagster as dg
import pandas as pd
import pytest

from http_server import Reply
from pipelines.errors import FetchError
from pipelines.io import staging_path
from pipelines.refresh import run_refresh
from pipelines.release import build_release
from pipelines.resources import RawStore
from pipelines.sources import SOURCES
from schemas import TABLES

from .support import (
    FAST_FETCH,
    STALL_S,
    ArchiveMirror,
    copy_warehouse,
    folder_digests,
    largest_recorded_file,
    manifest_entry,
    published_digests,
    recorded_sources,
    sha256_hex,
    staging_assets_of,
    table_rows,
    unrecorded_sources,
)

pytestmark = pytest.mark.faults

# The faulted file is the fourth of six in its source, so three files have already arrived
# when it breaks: the snapshot must still be all or nothing.
SOURCE_ID, FILE = "codecarbon", "usa_emissions.json"
# A source whose assets must keep working while SOURCE_ID is broken.
BYSTANDER, BYSTANDER_FILE = "ecologits_electricity_mixes", "electricity_mixes.csv"
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
    b"<body><h1>We'll be back soon</h1></body></html>\n"
)


def staging_key(source_id: str, table: str = "grid_carbon_intensity") -> str:
    return f"{table}__{source_id}"


def refresh(warehouse, mirror: ArchiveMirror, select=None, **options):
    return run_refresh(
        warehouse_dir=warehouse,
        mirror_url=mirror.url,
        instance=dg.DagsterInstance.ephemeral(),
        select=select,
        **{**FAST_FETCH, **options},
    )


def staging_digest(warehouse, key: str) -> str:
    return sha256_hex(staging_path(warehouse, dg.AssetKey(key)).read_bytes())


def test_live_refresh_through_the_mirror_records_every_file_with_the_archive_sha256(live_warehouse, mirror):
    for source in recorded_sources():
        for declared in source.files:
            entry = manifest_entry(live_warehouse / "raw" / source.id, declared.name)
            recorded = manifest_entry(mirror.archive / source.id, declared.name)
            assert entry["sha256"] == recorded["sha256"], f"{source.id}/{declared.name}"
            assert entry["url"] == declared.url  # the live URL, not the mirror's
            assert entry["obtained_from"].endswith(mirror.path(source.id, declared.name))
    assert not [p.name for p in (live_warehouse / "raw").iterdir() if p.name.startswith(".")]


# --- transient faults: retried, and the refresh succeeds ----------------------------------

TRANSIENT = {
    "500_then_503_then_ok": lambda ok: [Reply(500, b"oops"), Reply(503, b"busy"), ok],
    "429_then_ok": lambda ok: [Reply(429, headers={"Retry-After": "0"}), ok],
    "connection_reset_then_ok": lambda ok: [Reply(fault="reset"), ok],
    "stall_before_headers_then_ok": lambda ok: [Reply(200, ok.body, fault="stall", stall_s=STALL_S), ok],
    "stall_mid_body_then_ok": lambda ok: [Reply(200, ok.body, fault="stall_body", stall_s=STALL_S), ok],
    "truncated_body_then_ok": lambda ok: [Reply(200, ok.body, fault="truncate"), ok],
    "gzip_that_fails_to_decode_then_ok": lambda ok: [Reply(200, fault="bad_gzip"), ok],
}


@pytest.mark.parametrize("fault", TRANSIENT)
def test_transient_fault_is_retried_and_the_refresh_succeeds(fault, live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    replies = TRANSIENT[fault](mirror.good(SOURCE_ID, FILE))
    mirror.inject(SOURCE_ID, FILE, *replies)

    outcome = refresh(warehouse, mirror, select=[staging_key(SOURCE_ID)])

    assert outcome.success, "\n".join(outcome.report_lines())
    assert outcome.materialized == [staging_key(SOURCE_ID)]
    assert mirror.hits_for(SOURCE_ID, FILE) == len(replies)
    raw_dir = warehouse / "raw" / SOURCE_ID
    assert (raw_dir / FILE).read_bytes() == mirror.recorded(SOURCE_ID, FILE)
    assert manifest_entry(raw_dir, FILE)["sha256"] == sha256_hex(mirror.recorded(SOURCE_ID, FILE))
    assert staging_digest(warehouse, staging_key(SOURCE_ID)) == staging_digest(live_warehouse, staging_key(SOURCE_ID))


def test_429_waits_as_long_as_retry_after_says(live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    mirror.inject(SOURCE_ID, FILE, Reply(429, headers={"Retry-After": "1"}), mirror.good(SOURCE_ID, FILE))

    outcome = refresh(warehouse, mirror, select=[staging_key(SOURCE_ID)], backoff_max_s=5)

    assert outcome.success, "\n".join(outcome.report_lines())
    first, second = mirror.served_at[mirror.path(SOURCE_ID, FILE)]
    assert 0.95 <= second - first < 3  # not the 0.01 s backoff: the server's Retry-After


# --- permanent faults: only the affected source fails, and says why -----------------------


def permanent_faults(body: bytes, cap: int) -> dict[str, tuple[list[Reply], str]]:
    attempts = FAST_FETCH["max_attempts"]
    gave_up = f"gave up after {attempts} attempts: "
    return {
        "500_every_time": ([Reply(500)], gave_up + "HTTP 500 from http://127.0.0.1"),
        "429_every_time": ([Reply(429, headers={"Retry-After": "0"})], gave_up + "HTTP 429"),
        "404_not_retried": ([Reply(404, b"not found")], r"HTTP 404 from \S+ \(not retried\)"),
        "connection_reset_every_time": ([Reply(fault="reset")], gave_up + "ConnectionError for"),
        "stall_past_the_timeout_every_time": (
            [Reply(200, body, fault="stall", stall_s=STALL_S)],
            gave_up + r"\w*Timeout\w* for",
        ),
        "truncated_every_time": ([Reply(200, body, fault="truncate")], gave_up + r"body of \S+ cut short"),
        "gzip_that_never_decodes": ([Reply(200, fault="bad_gzip")], gave_up + r"body of \S+ failed to decode"),
        "html_error_page_with_200": ([Reply(200, HTML_ERROR_PAGE)], r"returned an HTML page \(status 200\), not data"),
        "body_over_the_size_cap": ([Reply(200, b"1" * (cap + 1))], f"is {cap + 1} bytes, over the {cap}-byte cap"),
        "body_over_the_cap_without_content_length": (
            [Reply(200, b"1" * (cap + 1), fault="no_length")],
            f"exceeded the {cap}-byte cap",
        ),
        # 20x the cap once inflated: the cap counts decoded bytes, so memory stays bounded.
        "gzip_bomb": (
            [Reply(200, gzip.compress(b"0" * (20 * cap)), {"Content-Encoding": "gzip"})],
            f"exceeded the {cap}-byte cap",
        ),
    }


PERMANENT = list(permanent_faults(b"", 1))


@pytest.mark.parametrize("fault", PERMANENT)
def test_permanent_fault_fails_only_its_source_and_keeps_its_last_snapshot(fault, live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    cap = 2 * largest_recorded_file()
    replies, reason = permanent_faults(mirror.recorded(SOURCE_ID, FILE), cap)[fault]
    mirror.inject(SOURCE_ID, FILE, *replies)
    raw_before = folder_digests(warehouse / "raw" / SOURCE_ID)
    staging_before = staging_digest(warehouse, staging_key(SOURCE_ID))
    published_before = published_digests(warehouse)

    outcome = refresh(warehouse, mirror, select=[staging_key(SOURCE_ID), staging_key(BYSTANDER)], max_bytes=cap)

    assert not outcome.success
    [(step, message)] = outcome.failures
    assert step == f"raw_{SOURCE_ID}"
    assert message.startswith(f"FetchError: source '{SOURCE_ID}', file '{FILE}': ")
    assert message.count(f"source '{SOURCE_ID}'") == 1, message  # named once, not once per retry
    assert re.search(reason, message), message
    assert outcome.skipped == [staging_key(SOURCE_ID)]
    assert outcome.materialized == [staging_key(BYSTANDER)]
    # The previous snapshot stays whole (files fetched before the fault are not swapped in)
    # and the failed fetch leaves no staging folder behind.
    assert folder_digests(warehouse / "raw" / SOURCE_ID) == raw_before
    assert not [p.name for p in (warehouse / "raw").iterdir() if p.name.startswith(".")]
    assert staging_digest(warehouse, staging_key(SOURCE_ID)) == staging_before
    assert published_digests(warehouse) == published_before


def test_permanent_fault_in_a_full_refresh_keeps_the_published_bytes_of_every_table_it_feeds(
    live_warehouse, mirror, tmp_path
):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    release = build_release(warehouse, "0.0.0-faults").path
    before = published_digests(warehouse)
    rows_before = {
        table: table_rows(warehouse, table) for table in TABLES if (warehouse / "parquet" / f"{table}.parquet").exists()
    }
    mirror.inject(SOURCE_ID, FILE, Reply(500))

    outcome = refresh(warehouse, mirror)

    # The mirror has nothing for a source the archive never recorded: a 404, failing it too.
    unrecorded = {f"raw_{source.id}" for source in unrecorded_sources()}
    assert {step for step, _ in outcome.failures} == {f"raw_{SOURCE_ID}"} | unrecorded, outcome.report_lines()
    [message] = [message for step, message in outcome.failures if step == f"raw_{SOURCE_ID}"]
    assert f"source '{SOURCE_ID}', file '{FILE}'" in message
    others = staging_assets_of(s.id for s in recorded_sources() if s.id != SOURCE_ID)
    assert others and others <= set(outcome.materialized), sorted(others - set(outcome.materialized))
    blocked_tables = {key for key in outcome.skipped if key in TABLES}
    assert {"grid_carbon_intensity", "sources"} <= blocked_tables
    after = published_digests(warehouse)
    for table in blocked_tables:
        parquet = f"parquet/{table}.parquet"
        assert after.get(parquet) == before.get(parquet), table  # same bytes, or still absent
        if table in rows_before:
            assert table_rows(warehouse, table) == rows_before[table], table
    if not set(outcome.materialized) & set(TABLES):
        assert published_digests(warehouse) == before  # the DuckDB file too, byte for byte
    releases_before = {k: v for k, v in before.items() if k.startswith("releases/")}
    assert any(k.startswith(f"releases/{release.name}/") for k in releases_before)
    assert {k: v for k, v in after.items() if k.startswith("releases/")} == releases_before


# --- a body whose sha256 differs from the archive manifest --------------------------------
# A live URL that is not pinned has no expected digest: changed bytes are the new snapshot,
# recorded with their sha256, and the parser and schemas decide whether they are data. A
# source that pins `sha256` on a file (commit-pinned URLs) refuses any other bytes.


def test_changed_bytes_from_an_unpinned_url_become_the_new_snapshot_with_their_sha256(live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    changed = mirror.recorded(BYSTANDER, BYSTANDER_FILE).replace(
        b"FRA,0.00000004858,9.3135,0.04418,", b"FRA,0.00000004858,9.3135,0.05000,"
    )
    assert changed != mirror.recorded(BYSTANDER, BYSTANDER_FILE)
    mirror.inject(BYSTANDER, BYSTANDER_FILE, Reply(200, changed))

    outcome = refresh(warehouse, mirror, select=[staging_key(BYSTANDER), "grid_carbon_intensity"])

    assert outcome.success, "\n".join(outcome.report_lines())
    # The raw manifest (what the `sources` table catalogues) records the new bytes' digest.
    assert manifest_entry(warehouse / "raw" / BYSTANDER, BYSTANDER_FILE)["sha256"] == sha256_hex(changed)
    grid = pd.read_parquet(warehouse / "parquet" / "grid_carbon_intensity.parquet")
    france = grid[(grid.source_id == BYSTANDER) & (grid.zone_id == "FRA")]
    assert france.gco2e_per_kwh.tolist() == [pytest.approx(50.0)]


def test_changed_bytes_that_are_not_data_fail_the_parser_and_publish_nothing(live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    before = published_digests(warehouse)
    # Another CSV served in its place: a mix-up a checksum-less URL cannot notice by itself.
    mirror.inject(BYSTANDER, BYSTANDER_FILE, Reply(200, mirror.recorded("boavizta", "gpu_specs.csv")))

    outcome = refresh(warehouse, mirror, select=[staging_key(BYSTANDER), "grid_carbon_intensity"])

    assert not outcome.success
    [(step, message)] = outcome.failures
    assert step == staging_key(BYSTANDER)
    assert f"source '{BYSTANDER}', file '{BYSTANDER_FILE}'" in message
    assert "column 'gwp'" in message and "columns present:" in message
    assert "grid_carbon_intensity" not in outcome.materialized
    assert published_digests(warehouse) == before


def pinned(source_id: str, archive) -> object:
    """The registered source with every file's sha256 pinned to the recorded archive."""
    source = SOURCES[source_id]
    files = tuple(
        dataclasses.replace(f, sha256=manifest_entry(archive / source_id, f.name)["sha256"]) for f in source.files
    )
    return dataclasses.replace(source, files=files)


def test_a_pinned_sha256_refuses_other_bytes_without_retrying(live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    source = pinned(SOURCE_ID, mirror.archive)
    store = RawStore(warehouse_dir=str(warehouse), mirror_url=mirror.url, **FAST_FETCH)
    assert store.snapshot(source).file(FILE).sha256 == source.file(FILE).sha256  # the pinned bytes pass
    raw_before = folder_digests(warehouse / "raw" / SOURCE_ID)
    tampered = mirror.recorded(SOURCE_ID, FILE).replace(b"452.5", b"152.5")
    mirror.inject(SOURCE_ID, FILE, Reply(200, tampered))
    hits_before = mirror.hits_for(SOURCE_ID, FILE)

    with pytest.raises(FetchError) as failure:
        store.snapshot(source)

    assert str(failure.value) == (
        f"source '{SOURCE_ID}', file '{FILE}': sha256 mismatch: the source pins {source.file(FILE).sha256}, "
        f"{mirror.url}{mirror.path(SOURCE_ID, FILE)} sent {sha256_hex(tampered)} ({len(tampered)} bytes)"
    )
    assert mirror.hits_for(SOURCE_ID, FILE) == hits_before + 1
    assert folder_digests(warehouse / "raw" / SOURCE_ID) == raw_before
