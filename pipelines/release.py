"""Versioned, immutable releases of the published tables.

`build_release` writes `<warehouse>/releases/<version>/`:

* `<table>.parquet` for every table in `schemas.TABLES` that the warehouse holds (zstd, with
  the schema's column descriptions as field metadata and the table's description and
  primary key as key-value metadata);
* `aifootprint.duckdb`: every table copied in (self-contained: it opens from any working
  directory and needs no other file), plus the warehouse SQL (`warehouse/sql/`: preferred-value
  views, macros) applied on top, with the schema's descriptions as comments;
* `datapackage.json` (Frictionless Data Package; see `pipelines.datapackage`);
* `CHANGELOG.md` against the previous release: tables added and removed, schema changes,
  and rows added, removed and changed by primary key;
* `index.html`: the explorer page, charts as inline SVG, readable offline (`pipelines.report`);
* `SHA256SUMS` over every other file, in `sha256sum -c` format.

Everything is written into a hidden temporary folder next to the final one and renamed into
place only when complete; `<warehouse>/releases/index.json` then lists the new version. A
version that exists is never overwritten.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import licences, settings
from pipelines.archive import sha256_of
from pipelines.changelog import TableDiff, compare_releases, render_changelog
from pipelines.datapackage import ResourceFile, build_datapackage, table_schema_type
from pipelines.dataset import how_to_cite
from pipelines.errors import AifootprintError
from pipelines.report import write_report
from pipelines.sources import sources_for_table
from pipelines.sql_quoting import quote_identifier, quote_literal
from pipelines.warehouse import DATABASE_NAME, Warehouse, apply_sql, arrow_table
from schemas import TABLES

RELEASES_FOLDER = "releases"
INDEX_NAME = "index.json"
CHECKSUMS_NAME = "SHA256SUMS"
CHANGELOG_NAME = "CHANGELOG.md"
DATAPACKAGE_NAME = "datapackage.json"
# DuckDB 2.x writes database files that only DuckDB >= 2 opens unless told otherwise. People
# query a downloaded release with whatever DuckDB they have, so write the oldest storage
# format that holds views, macros and comments.
DUCKDB_STORAGE_VERSION = "v1.0.0"
# A version is a folder name and a URL path segment: no separators, no leading dot.
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
_ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("us"),
    "date": pa.date32(),
}


class ReleaseError(AifootprintError):
    """A release could not be built (nothing to release, version taken, schema drift)."""


@dataclass
class ReleaseResult:
    version: str
    path: Path
    created: str
    previous: str | None
    tables: dict[str, int]
    diffs: list[TableDiff]
    unchanged_from: str | None = None  # set when the data equals this (latest) release: nothing written

    def summary_lines(self) -> list[str]:
        rows = sum(self.tables.values())
        if self.unchanged_from:
            return [
                f"nothing to release: every table is identical to the latest release {self.unchanged_from} "
                f"({len(self.tables)} table(s), {rows:,} rows); no new version written"
            ]
        lines = [f"release {self.version} written to {self.path}: {len(self.tables)} table(s), {rows:,} rows"]
        if self.previous is None:
            lines.append("first release: nothing to compare with")
            return lines
        lines.append(f"compared with {self.previous}:")
        for diff in self.diffs:
            if diff.status == "changed":
                detail = f"+{diff.added:,} added, -{diff.removed:,} removed, ~{diff.changed:,} changed"
                if diff.schema_changes:
                    detail += f", {len(diff.schema_changes)} schema change(s)"
            else:
                detail = diff.status
            lines.append(f"  {diff.name}: {detail}")
        return lines


def releases_dir(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / RELEASES_FOLDER


def is_valid_version(version: str) -> bool:
    return bool(VERSION_PATTERN.match(version))


def read_index(folder: Path) -> dict:
    """`index.json` of a releases folder; an empty index when there is none yet."""
    path = Path(folder) / INDEX_NAME
    if not path.exists():
        return {"name": "aifootprint", "latest": None, "releases": []}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:  # bad JSON, not UTF-8, or nested past the recursion limit
        raise ReleaseError(
            f"{path} is not valid JSON ({str(exc)[:120] or 'nested too deeply'}); fix or restore it before releasing"
        ) from None
    if not isinstance(index, dict) or not isinstance(index.get("releases"), list):
        raise ReleaseError(f"{path} has no 'releases' list")
    if not all(isinstance(entry, dict) for entry in index["releases"]):
        raise ReleaseError(f"{path}: every entry of 'releases' must be an object; fix or restore it before releasing")
    return index


def default_version(today, taken: set[str]) -> str:
    """CalVer `YYYY.MM.DD`, then `YYYY.MM.DD.1`, `.2` ... for further releases that day."""
    base = today.strftime("%Y.%m.%d")
    if base not in taken:
        return base
    n = 1
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def published_tables(store: Warehouse) -> dict[str, str]:
    """Table name -> where the warehouse holds it ('parquet' or 'database'), in TABLES order.

    Tables appear here as soon as their schema is registered and the warehouse holds them,
    so a table added by a new module is released without touching this code.
    """
    relations: set[str] = set()
    if store.database_path.exists():
        with store.connect() as con:
            relations = {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'main'"
                ).fetchall()
            }
    found = {}
    for name in TABLES:
        if store.parquet_path(name).exists():
            found[name] = "parquet"
        elif name in relations:
            found[name] = "database"
    return found


def connect_release(release_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a release's database whose views find their Parquet files
    from any working directory."""
    release_path = Path(release_path).resolve()
    con = duckdb.connect(str(release_path / DATABASE_NAME), read_only=True)
    # SET rather than a connect() config entry: DuckDB before 1.2 refuses it as a global option.
    con.execute(f"set file_search_path = {quote_literal(str(release_path))}")
    con.execute("set variable max_carry_forward_years = ?", [settings.max_carry_forward_years()])
    return con


def build_info() -> dict:
    """The code a release was built from: git commit (and whether the tree was dirty)."""
    commit = dirty = None
    root = settings.PACKAGE_ROOT
    # Only ask git about our own checkout: an installed package may sit inside someone else's repo.
    if (root / "pyproject.toml").is_file():
        toplevel = _git(root, "rev-parse", "--show-toplevel")
        if toplevel and Path(toplevel).resolve() == root:
            commit = _git(root, "rev-parse", "HEAD")
            status = _git(root, "status", "--porcelain", "--untracked-files=no")
            dirty = None if status is None else bool(status)
    try:
        package_version = importlib.metadata.version("aifootprint")
    except importlib.metadata.PackageNotFoundError:
        package_version = None
    return {"git_commit": commit, "git_dirty": dirty, "aifootprint_version": package_version}


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip()


def expected_tables(store: Warehouse) -> dict[str, str]:
    """Every registered table a release should hold -> why it may be absent ("" when it must be there).

    A table all of whose sources the last refresh reported as absent from its archive (e.g. the
    SEC filings, which no recorded archive holds) cannot be built from that archive: its absence
    is expected and said so in the release. Any other absent table means a failed or partial refresh.
    """
    from pipelines.refresh import read_record

    record = read_record(store.root)
    if record is None:
        # Not built by `aifootprint refresh` (tables published from Python, tests): no refresh
        # to have failed. A refresh writes its record before it publishes anything.
        return {name: "no refresh recorded for this warehouse" for name in TABLES}
    not_recorded = {
        source_id for source_id, seen in record["sources"].items() if seen.get("status") == "not in the archive"
    }
    expected = {}
    for name in TABLES:
        feeding = {s.id for s in sources_for_table(name)}
        expected[name] = (
            (f"not built: its source(s) {', '.join(sorted(feeding))} were not in the last refresh's archive")
            if feeding and feeding <= not_recorded
            else ""
        )
    return expected


def build_release(
    warehouse_dir: Path | str | None = None,
    version: str | None = None,
    *,
    now: datetime | None = None,
    hold_refresh_lock: bool = True,
    allow_partial: bool = False,
    include_restricted: bool = False,
) -> ReleaseResult:
    """Build `<warehouse>/releases/<version>/` from the published tables.

    Refuses a warehouse missing tables a refresh should have published (`allow_partial=True`
    releases it anyway, recorded in the release). When every table's data is byte-identical to
    the latest release, nothing is written and the result has `unchanged_from` set.

    `hold_refresh_lock=False` is for the Dagster `release` asset, which runs inside a refresh
    that already holds the lock (after every table it depends on has been published).
    Rows of sources whose licence does not allow redistribution (pipelines.licences) are left out
    and listed in CHANGELOG.md and datapackage.json, unless `include_restricted` (a private build).
    """
    store = Warehouse(Path(warehouse_dir or settings.warehouse_dir()))
    if version is not None and not is_valid_version(version):
        raise ReleaseError(
            f"invalid version '{version}': use letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    now = now or datetime.now(UTC)
    created = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    folder = releases_dir(store.root)
    refresh_guard = store.refresh_lock("release") if hold_refresh_lock else nullcontext()
    # The publish lock keeps tables from being replaced while they are copied, and serialises
    # releases, so two of them cannot pick the same version.
    with refresh_guard, store.write_lock():
        tables = published_tables(store)
        if not tables:
            raise ReleaseError(
                f"nothing to release: the warehouse {store.root} holds no published table; "
                "run `aifootprint refresh` first"
            )
        expected = expected_tables(store)
        missing = [name for name in TABLES if name not in tables and not expected[name]]
        if missing and not allow_partial:
            raise ReleaseError(
                f"refusing a partial release: the warehouse lacks {len(missing)} table(s) a refresh publishes: "
                f"{', '.join(missing)} (a failed or partial refresh?). Run `aifootprint refresh` until it "
                "succeeds, or pass --allow-partial to release without them (recorded in the release)"
            )
        not_included = {
            name: (expected[name] or "missing from the warehouse (released with --allow-partial)")
            for name in TABLES
            if name not in tables
        }
        folder.mkdir(parents=True, exist_ok=True)
        index = read_index(folder)
        taken = {entry.get("version") for entry in index["releases"]} | {
            p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
        }
        if version is None:
            version = default_version(now.date(), taken)
        elif version in taken:
            raise ReleaseError(
                f"release {version} already exists in {folder}; releases are immutable, choose another --version"
            )
        previous = _previous_release(folder, index)
        latest = _latest_release(folder, index)
        # Builds serialise on the publish lock held here, so any build folder left now is from a
        # build that was killed: remove it.
        for leftover in folder.glob(".*.building-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=f".{version}.building-"))
        try:
            # mkdtemp makes the folder private; a release is meant to be served and shared.
            os.chmod(staging, 0o755)
            resources = [
                _write_table(store, name, where, staging, include_restricted) for name, where in tables.items()
            ]
            if latest and _same_data(folder / latest, resources, not_included):
                return ReleaseResult(
                    latest,
                    folder / latest,
                    created,
                    latest,
                    {r.spec.name: r.rows for r in resources},
                    [],
                    unchanged_from=latest,
                )
            _write_database(staging, resources)
            diffs = compare_releases(folder / previous if previous else None, staging)
            build = {**build_info(), "partial": bool(missing), "tables_not_included": not_included}
            (staging / CHANGELOG_NAME).write_text(
                render_changelog(version, created, previous, build, diffs) + licences.changelog_section(resources),
                encoding="utf-8",
            )
            descriptor = build_datapackage(version=version, created=created, resources=resources, build=build)
            descriptor["citation"] = how_to_cite(version, created)
            (staging / DATAPACKAGE_NAME).write_text(
                json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            # The explorer page reads the finished tables and is itself covered by the checksums.
            write_report(staging)
            checksums = write_checksums(staging)
            for path in staging.iterdir():
                _fsync(path)
            final = folder / version
            os.rename(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _fsync_dir(folder)
        entry = {
            "version": version,
            "date": created,
            "path": f"{version}/",
            "checksums": f"{version}/{CHECKSUMS_NAME}",
            "checksums_sha256": sha256_of(final / CHECKSUMS_NAME),
            "files": len(checksums) + 1,
            "bytes": sum((final / name).stat().st_size for name in [*checksums, CHECKSUMS_NAME]),
            "tables": {r.spec.name: r.rows for r in resources},
            "previous": previous,
            "git_commit": build["git_commit"],
            "partial": bool(missing),
        }
        index = {
            **index,
            "name": index.get("name", "aifootprint"),
            "latest": version,
            "releases": [*index["releases"], entry],
        }
        _write_json_atomically(folder / INDEX_NAME, index)
    return ReleaseResult(version, final, created, previous, {r.spec.name: r.rows for r in resources}, diffs)


def _latest_release(folder: Path, index: dict) -> str | None:
    latest = index.get("latest")
    if isinstance(latest, str) and is_valid_version(latest) and (folder / latest).is_dir():
        return latest
    return _previous_release(folder, index)


def _same_data(release: Path, resources: list[ResourceFile], not_included: dict) -> bool:
    """The release holds exactly these tables, byte for byte, and left out the same ones."""
    on_disk = {p.stem: p for p in release.glob("*.parquet")}
    if set(on_disk) != {r.spec.name for r in resources}:
        return False
    if any(sha256_of(on_disk[r.spec.name]) != r.sha256 for r in resources):
        return False
    try:
        descriptor = json.loads((release / DATAPACKAGE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (descriptor.get("build") or {}).get("tables_not_included", {}) == not_included


def _previous_release(folder: Path, index: dict) -> str | None:
    """The most recently built release still on disk (index order is build order)."""
    for entry in reversed(index["releases"]):
        version = entry.get("version")
        if isinstance(version, str) and is_valid_version(version) and (folder / version).is_dir():
            return version
    return None


def _write_table(
    store: Warehouse, name: str, where: str, folder: Path, include_restricted: bool = False
) -> ResourceFile:
    spec = TABLES[name]
    if where == "parquet":
        frame = pq.read_table(store.parquet_path(name)).to_pandas()
    else:
        with store.connect() as con:
            frame = con.execute(f"select * from {quote_identifier(name)}").fetchdf()
    withheld = []
    if not include_restricted:
        frame, withheld = licences.releasable_rows(frame, name)
    if set(frame.columns) != set(spec.columns):
        raise ReleaseError(
            f"table '{name}' in the warehouse has columns {sorted(frame.columns)} but schemas/ declares "
            f"{sorted(spec.columns)}; run `aifootprint refresh` so the warehouse matches the code"
        )
    path = folder / f"{name}.parquet"
    pq.write_table(_with_declared_types(arrow_table(name, frame), spec), path, compression="zstd")
    # Credit every source a table's values came from: derived tables name theirs in columns
    # such as intensity_source_id and tdp_source_id, and CC-BY sources require attribution.
    source_columns = [c for c in frame.columns if c == "source_id" or c.endswith("_source_id")]
    if source_columns:
        source_ids = tuple(sorted({value for c in source_columns for value in frame[c].dropna().unique().tolist()}))
    else:
        source_ids = tuple(s.id for s in sources_for_table(name))
    return ResourceFile(spec, path.name, path.stat().st_size, sha256_of(path), len(frame), source_ids, tuple(withheld))


def _with_declared_types(arrow: pa.Table, spec) -> pa.Table:
    """Columns that are empty in every row get the schema's type instead of Arrow's `null`.

    pandas hands Arrow an all-None object column as type `null`; readers then see a column of
    no type (older DuckDB versions refuse to bind a view over it), where the schema says string.
    """
    fields = []
    for arrow_field in arrow.schema:
        if pa.types.is_null(arrow_field.type):
            declared = _ARROW_TYPES.get(table_schema_type(spec.schema.columns[arrow_field.name].dtype))
            if declared is not None:
                arrow_field = arrow_field.with_type(declared)
        fields.append(arrow_field)
    return arrow.cast(pa.schema(fields, metadata=arrow.schema.metadata))


def _write_database(folder: Path, resources: list[ResourceFile]) -> None:
    path = folder / DATABASE_NAME
    con = duckdb.connect()
    try:
        con.execute(f"attach {quote_literal(str(path))} as release (storage_version '{DUCKDB_STORAGE_VERSION}')")
        con.execute("use release")
        con.execute(f"set file_search_path = {quote_literal(str(folder))}")
        by_kind = {"table": [], "view": []}
        for resource in resources:
            by_kind["view" if resource.spec.kind == "view" else "table"].append(resource)
        for resource in by_kind["table"]:
            _copy_parquet_table(con, resource)
        # The warehouse's own views and macros, over the same names, so queries that run on
        # the warehouse run unchanged on a release.
        apply_sql(con)
        existing = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'release'"
            ).fetchall()
        }
        for resource in by_kind["view"]:
            if resource.spec.name not in existing:
                _copy_parquet_table(con, resource)
        for resource in resources:
            spec = resource.spec
            relation = "view" if _is_view(con, spec.name) else "table"
            con.execute(f"comment on {relation} {quote_identifier(spec.name)} is {quote_literal(spec.description)}")
            for column, description in spec.column_descriptions().items():
                con.execute(
                    f"comment on column {quote_identifier(spec.name)}.{quote_identifier(column)} "
                    f"is {quote_literal(description)}"
                )
        con.execute("use memory")
        con.execute("detach release")
    finally:
        con.close()


def _copy_parquet_table(con, resource: ResourceFile) -> None:
    # The rows are copied in, so the database opens and answers from any working directory,
    # moved or alone, with no file access (a few MB more than views over the Parquet files).
    con.execute(
        f"create or replace table {quote_identifier(resource.spec.name)} as "
        f"select * from read_parquet({quote_literal(resource.path)})"
    )


def _is_view(con, name: str) -> bool:
    # Schema main only: `legacy.<table>` views (renamed columns) share the names of tables.
    return bool(
        con.execute(
            "select count(*) from duckdb_views() where database_name = 'release' "
            "and schema_name = 'main' and view_name = ?",
            [name],
        ).fetchone()[0]
    )


def write_checksums(folder: Path) -> list[str]:
    """Write SHA256SUMS (`sha256sum -c` format) for every file in the folder; return the names."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != CHECKSUMS_NAME)
    lines = []
    for name in names:
        if "\n" in name or "\\" in name:
            # sha256sum escapes such names; none of ours should ever need it.
            raise ReleaseError(f"file name {name!r} cannot be listed in {CHECKSUMS_NAME}")
        lines.append(f"{sha256_of(folder / name)}  {name}\n")
    (folder / CHECKSUMS_NAME).write_text("".join(lines), encoding="utf-8")
    return names


# --- Small helpers ---------------------------------------------------------------------------


def _write_json_atomically(path: Path, data: dict) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _fsync(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
