"""The warehouse: Parquet files and a DuckDB database holding the published tables.

Publishing never leaves a half-written table behind. For each table the new Parquet file and
a new copy of the DuckDB file are written to temporary paths, then each is swapped in with
an atomic rename. A reader who opened the previous files keeps reading them; a crash before
the swap leaves the previous state untouched. Views and macros from `warehouse/sql/` are
re-applied to every new copy, so the calculations always match the code.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import settings, source_priority
from pipelines.errors import ShrinkRefusedError, WarehouseLockedError
from schemas import TABLES, table

DATABASE_NAME = "aifootprint.duckdb"
_REQUIRES = re.compile(r"^--\s*requires:\s*(.+)$", re.MULTILINE)


_ARROW_TYPES = {"str": pa.string(), "string": pa.string(), "int64": pa.int64(), "int32": pa.int32(),
                "float64": pa.float64(), "bool": pa.bool_(), "boolean": pa.bool_()}


def arrow_table(table_name: str, frame: pd.DataFrame) -> pa.Table:
    """The frame in the schema's column order, with descriptions and units as Parquet field metadata."""
    spec = table(table_name)
    frame = frame[spec.columns]
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    descriptions, units = spec.column_descriptions(), spec.column_units()
    declared = {name: str(column.dtype) for name, column in spec.schema.columns.items()}
    # A column empty in every row arrives as Arrow's null type; give it the schema's type so
    # readers (and older DuckDB versions binding views over it) see the declared column type.
    fields = [pa.field(field.name, _ARROW_TYPES.get(declared.get(field.name), pa.string())
                       if pa.types.is_null(field.type) else field.type,
                       metadata={"description": descriptions.get(field.name, ""),
                                 **({"unit": units[field.name]} if units.get(field.name) else {})})
              for field in arrow.schema]
    metadata = {
        "aifootprint.table": table_name,
        "aifootprint.description": spec.description,
        "aifootprint.primary_key": json.dumps(list(spec.primary_key)),
    }
    return arrow.cast(pa.schema(fields, metadata={**(arrow.schema.metadata or {}), **metadata}))


def sql_files() -> list[Path]:
    return sorted(settings.sql_dir().glob("*.sql"))


def sql_digest() -> str:
    digest = hashlib.sha256()
    for path in sql_files():
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(source_priority.digest())
    return digest.hexdigest()


def apply_sql(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every SQL file whose `-- requires:` tables all exist, after the source ranks they read;
    return the files applied."""
    source_priority.create_table(con)
    existing = {row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}
    applied = []
    for path in sql_files():
        text = path.read_text(encoding="utf-8")
        required = {name.strip() for match in _REQUIRES.findall(text) for name in match.split(",") if name.strip()}
        if required <= existing:
            con.execute(text)
            applied.append(path.name)
            existing |= {row[0] for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}
    return applied


_CREATES = re.compile(r"create\s+or\s+replace\s+(?:temp\s+)?(?:view|table|macro)\s+(\w+)", re.IGNORECASE)


def published_tables_behind(relation: str) -> list[str]:
    """Published tables a warehouse view or macro reads, through the `-- requires:` of the SQL files."""
    texts = {path.name: path.read_text(encoding="utf-8") for path in sql_files()}
    creator = {name: file for file, text in texts.items() for name in _CREATES.findall(text)}
    tables, pending, seen = set(), [relation], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in TABLES:
            tables.add(name)
        elif name in creator:
            pending += [required.strip() for line in _REQUIRES.findall(texts[creator[name]])
                        for required in line.split(",") if required.strip()]
    return sorted(tables)


class Warehouse:
    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def database_path(self) -> Path:
        return self.root / DATABASE_NAME

    def parquet_path(self, table_name: str) -> Path:
        return self.root / "parquet" / f"{table_name}.parquet"

    @contextmanager
    def write_lock(self, wait_s: float = 600.0):
        """Serialise writers to this warehouse (one process at a time)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".publish.lock", "w") as handle:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseLockedError(f"warehouse {self.root} is locked by another writer") from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def refresh_lock(self, operation: str = "refresh"):
        """Held for a whole refresh or release; a second one is told at once which operation holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / ".refresh.lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder, pid = _lock_holder(handle)
            handle.close()
            raise WarehouseLockedError(f"warehouse {self.root} is locked: another {holder} is running; try again "
                                       f"when it ends{f' (pid {pid})' if pid else ''}") from None
        try:
            handle.seek(0)
            handle.truncate()
            # The pid alone for a refresh (what tools reading the lock expect); "<pid> release" otherwise.
            handle.write(str(os.getpid()) if operation == "refresh" else f"{os.getpid()} {operation}")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def publish(self, table_name: str, frame: pd.DataFrame, *, guard_shrink: bool = False) -> dict:
        """Atomically replace one published table in Parquet and DuckDB.

        Idempotent: if the new Parquet bytes equal the published ones and the database was
        built with the current SQL, nothing is rewritten, so an unchanged table keeps its bytes.
        """
        arrow = arrow_table(table_name, frame)
        parquet_path = self.parquet_path(table_name)
        parquet_path.parent.mkdir(parents=True, exist_ok=True)
        with self.write_lock():
            if guard_shrink:  # refreshes guard; a direct publish (tests, tools) means what it says
                self.refuse_shrink(table_name, arrow)
            parquet_tmp = parquet_path.with_name(f".{parquet_path.name}.tmp")
            database_tmp = self.database_path.with_name(f".{DATABASE_NAME}.tmp")
            try:
                pq.write_table(arrow, parquet_tmp, compression="zstd")
                if self._already_published(table_name, parquet_tmp, parquet_path, arrow.num_rows):
                    return {"rows": arrow.num_rows, "parquet": str(parquet_path),
                            "database": str(self.database_path), "unchanged": True}
                if self.database_path.exists():
                    shutil.copyfile(self.database_path, database_tmp)
                else:
                    database_tmp.unlink(missing_ok=True)
                with duckdb.connect(str(database_tmp)) as con:
                    con.execute(f'create or replace table "{table_name}" as '
                                f"select * from read_parquet(?)", [str(parquet_tmp)])
                    apply_sql(con)
                    con.execute("create or replace table aifootprint_build as select ? as sql_digest",
                                [sql_digest()])
                    con.execute("checkpoint")
                _fsync(parquet_tmp)
                _fsync(database_tmp)
                # Database first: if a crash falls between the two renames, the Parquet file is
                # the older one, and the next publish (which compares Parquet bytes) rewrites both.
                os.replace(database_tmp, self.database_path)
                os.replace(parquet_tmp, parquet_path)
            finally:
                parquet_tmp.unlink(missing_ok=True)
                database_tmp.unlink(missing_ok=True)
        return {"rows": arrow.num_rows, "parquet": str(parquet_path), "database": str(self.database_path),
                "unchanged": False}

    def refuse_shrink(self, table_name: str, new: pa.Table) -> None:
        """Raise ShrinkRefusedError if `new` would drop every row of a source the published table has,
        or more than settings.max_shrink_share() of its rows, unless settings.allow_shrink().

        A source missing from an archive, or unreachable, must not silently take its rows out of
        the warehouse: the published version is kept until someone says the loss is intended.
        """
        path = self.parquet_path(table_name)
        if not path.exists() or settings.allow_shrink():
            return
        try:
            old_schema = pq.read_schema(path)
            by_source = "source_id" in old_schema.names and "source_id" in new.schema.names
            old = pq.read_table(path, columns=["source_id"] if by_source else [])
        except (OSError, pa.ArrowException):
            return  # an unreadable published file is replaced, not defended
        old_rows, new_rows = old.num_rows, new.num_rows
        problems = []
        if by_source:
            old_counts = _rows_per_source(old)
            new_counts = _rows_per_source(new.select(["source_id"]))
            lost = {source: rows for source, rows in old_counts.items() if source not in new_counts}
            if lost:
                problems.append("every row of source(s) " + ", ".join(
                    f"{source} ({rows} rows)" for source, rows in sorted(lost.items(), key=str)))
        share = settings.max_shrink_share()
        if old_rows and (old_rows - new_rows) / old_rows > share:
            problems.append(f"{old_rows - new_rows} of its {old_rows} rows (more than the "
                            f"{share:.0%} AIFOOTPRINT_MAX_SHRINK_SHARE allows)")
        if problems:
            raise ShrinkRefusedError(
                f"table {table_name} not published: it would lose {' and '.join(problems)}; its published "
                "version is kept. If the loss is intended, refresh with --allow-shrink (AIFOOTPRINT_ALLOW_SHRINK=1)")

    def _already_published(self, table_name: str, new_parquet: Path, parquet_path: Path, rows: int) -> bool:
        """The same Parquet bytes are published and the database holds that table, built with today's SQL."""
        if not (parquet_path.exists() and self.database_path.exists()):
            return False
        if not _same_bytes(new_parquet, parquet_path):
            return False
        try:
            with duckdb.connect(str(self.database_path), read_only=True) as con:
                (built_with,) = con.execute("select sql_digest from aifootprint_build").fetchone()
                (in_database,) = con.execute(f'select count(*) from "{table_name}"').fetchone()
        except duckdb.Error:
            return False
        return built_with == sql_digest() and in_database == rows

    def read(self, table_name: str) -> pd.DataFrame:
        return pq.read_table(self.parquet_path(table_name)).to_pandas()

    def connect(self, *, allow_external_access: bool = False,
                temp_directory: str | Path | None = None) -> duckdb.DuckDBPyConnection:
        """A read-only connection; by default no file or network access beyond the database.

        DuckDB's default spill folder is `<database>.tmp` beside the database, inside the
        warehouse; `temp_directory` puts it elsewhere.
        """
        if not self.database_path.exists():
            raise FileNotFoundError(f"no warehouse database at {self.database_path}; run `aifootprint refresh` first")
        config = {} if allow_external_access else {"enable_external_access": False}
        if temp_directory is not None:
            config["temp_directory"] = str(temp_directory)
        con = duckdb.connect(str(self.database_path), read_only=True, config=config)
        # DuckDB draws its progress bar on stdout when it decides the session is interactive,
        # which would interleave it with the rows a command writes there.
        con.execute("set enable_progress_bar = false")
        # Read by grid_carbon_intensity_preferred (warehouse/sql/10_grid_preferred.sql).
        con.execute("set variable max_carry_forward_years = ?", [settings.max_carry_forward_years()])
        return con


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes, compared in blocks (neither is held in memory)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as first, open(b, "rb") as second:
        while True:
            block = first.read(1 << 20)
            if block != second.read(1 << 20):
                return False
            if not block:
                return True


def _lock_holder(handle) -> tuple[str, str | None]:
    """(operation, pid) from the lock file its holder wrote; ('refresh', None) if it says nothing usable."""
    try:
        handle.seek(0)
        pid, _, operation = handle.read(200).strip().partition(" ")
    except (OSError, ValueError):
        return "refresh", None
    return (operation if operation in {"refresh", "release"} else "refresh"), (pid if pid.isdigit() else None)


def _rows_per_source(arrow: pa.Table) -> dict:
    counts = arrow.group_by("source_id").aggregate([([], "count_all")])
    return dict(zip(counts["source_id"].to_pylist(), counts["count_all"].to_pylist()))


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
