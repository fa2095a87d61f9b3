"""The warehouse: Parquet files and a DuckDB database holding the published tables.

Publishing never leaves a half-written table behind. For each table the new Parquet file and
a new copy of the DuckDB file are written to temporary paths, then each is swapped in with
an atomic rename. A reader who opened the previous files keeps reading them; a crash before
the swap leaves the previous state untouched. Publishing a table writes that table only: the
views and macros of `warehouse/sql/` are applied file by file, in the same copy-and-rename way,
by their own assets (pipelines/assets/warehouse_sql.py), and by releases through `apply_sql`.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
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
_CREATES = re.compile(r"create\s+or\s+replace\s+(?:temp\s+)?(?:view|table|macro)\s+(\w+)", re.IGNORECASE)


_ARROW_TYPES = {
    "str": pa.string(),
    "string": pa.string(),
    "int64": pa.int64(),
    "int32": pa.int32(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "boolean": pa.bool_(),
}


def arrow_table(table_name: str, frame: pd.DataFrame) -> pa.Table:
    """The frame in the schema's column order, with descriptions and units as Parquet field metadata."""
    spec = table(table_name)
    frame = frame[spec.columns]
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    descriptions, units = spec.column_descriptions(), spec.column_units()
    declared = {name: str(column.dtype) for name, column in spec.schema.columns.items()}
    # A column empty in every row arrives as Arrow's null type; give it the schema's type so
    # readers (and older DuckDB versions binding views over it) see the declared column type.
    fields = [
        pa.field(
            field.name,
            _ARROW_TYPES.get(declared.get(field.name), pa.string()) if pa.types.is_null(field.type) else field.type,
            metadata={
                "description": descriptions.get(field.name, ""),
                **({"unit": units[field.name]} if units.get(field.name) else {}),
            },
        )
        for field in arrow.schema
    ]
    metadata = {
        "aifootprint.table": table_name,
        "aifootprint.description": spec.description,
        "aifootprint.primary_key": json.dumps(list(spec.primary_key)),
    }
    return arrow.cast(pa.schema(fields, metadata={**(arrow.schema.metadata or {}), **metadata}))


@dataclass(frozen=True)
class SqlFile:
    """One file of `warehouse/sql/`: the relations it creates and those it reads (its `-- requires:` lines)."""

    path: Path
    text: str
    requires: tuple[str, ...]
    creates: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.path.stem

    @classmethod
    def read(cls, path: Path) -> SqlFile:
        text = path.read_text(encoding="utf-8")
        requires = tuple(
            dict.fromkeys(name.strip() for line in _REQUIRES.findall(text) for name in line.split(",") if name.strip())
        )
        return cls(path, text, requires, tuple(dict.fromkeys(_CREATES.findall(text))))


def sql_files() -> list[SqlFile]:
    """Every SQL file, each after the files creating what it requires (file name breaks ties); first
    the one generated from the source registry's ranks (pipelines/source_priority.py)."""
    generated = SqlFile(Path(f"{source_priority.TABLE}.sql"), source_priority.sql(), (), (source_priority.TABLE,))
    files = [generated, *(SqlFile.read(path) for path in sorted(settings.sql_dir().glob("*.sql")))]
    upstream = {f.name: sql_files_required(f, files) for f in files}
    ordered: list[SqlFile] = []
    while len(ordered) < len(files):
        placed = {f.name for f in ordered}
        ready = [f for f in files if f.name not in placed and set(upstream[f.name]) <= placed]
        if not ready:
            cycle = sorted(set(upstream) - placed)
            raise ValueError(f"warehouse/sql: the `-- requires:` lines of {', '.join(cycle)} form a cycle")
        ordered.append(ready[0])
    return ordered


def sql_files_required(sql_file: SqlFile, files: list[SqlFile]) -> list[str]:
    """Names of the other SQL files creating a relation `sql_file` requires.

    A file may require a relation it also replaces (an empty stand-in another file creates):
    it then comes after that file.
    """
    return sorted(
        {other.name for name in sql_file.requires for other in files if other is not sql_file and name in other.creates}
    )


def tables_required(sql_file: SqlFile, files: list[SqlFile]) -> list[str]:
    """Published tables `sql_file` requires; a name that is neither a table nor created by a SQL file is an error."""
    created = {name for f in files for name in f.creates}
    unknown = [name for name in sql_file.requires if name not in TABLES and name not in created]
    if unknown:
        raise ValueError(
            f"{sql_file.path.name}: `-- requires:` names {', '.join(unknown)}, which is neither a "
            "published table nor created by a file of warehouse/sql/"
        )
    return [name for name in sql_file.requires if name in TABLES and name not in sql_file.creates]


def relation_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables, views and macros of the database's main schema."""
    return {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "union select function_name from duckdb_functions() where not internal and schema_name = 'main' "
            "and function_type in ('macro', 'table_macro')"
        ).fetchall()
    }


def missing_relations(con: duckdb.DuckDBPyConnection, sql_file: SqlFile) -> list[str]:
    """The relations (tables, views, macros) `sql_file` requires that the database lacks."""
    existing = relation_names(con)
    return [name for name in sql_file.requires if name not in existing]


def apply_sql(con: duckdb.DuckDBPyConnection, files: list[SqlFile] | None = None) -> list[str]:
    """Apply SQL files (default: every one, in dependency order) whose required relations all exist;
    return the names of the files applied."""
    applied = []
    for sql_file in sql_files() if files is None else files:
        if not missing_relations(con, sql_file):
            con.execute(sql_file.text)
            applied.append(sql_file.path.name)
    return applied


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
            raise WarehouseLockedError(
                f"warehouse {self.root} is locked: another {holder} is running; try again "
                f"when it ends{f' (pid {pid})' if pid else ''}"
            ) from None
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
        """Atomically replace one published table in Parquet and DuckDB; nothing else is rewritten.

        Views and macros over the table bind when queried, so they read the new rows as they are.
        Idempotent: if the new Parquet bytes equal the published ones and the database holds the
        table, nothing is rewritten, so an unchanged table keeps its bytes.
        """
        arrow = arrow_table(table_name, frame)
        parquet_path = self.parquet_path(table_name)
        parquet_path.parent.mkdir(parents=True, exist_ok=True)
        with self.write_lock():
            if guard_shrink:  # refreshes guard; a direct publish (tests, tools) means what it says
                self.refuse_shrink(table_name, arrow)
            parquet_tmp = parquet_path.with_name(f".{parquet_path.name}.tmp")
            try:
                pq.write_table(arrow, parquet_tmp, compression="zstd")
                unchanged = self._already_published(table_name, parquet_tmp, parquet_path, arrow.num_rows)
                if not unchanged:
                    _fsync(parquet_tmp)
                    with self._new_database() as con:
                        con.execute(
                            f'create or replace table "{table_name}" as select * from read_parquet(?)',
                            [str(parquet_tmp)],
                        )
                    # Database first: if a crash falls between the two renames, the Parquet file is
                    # the older one, and the next publish (which compares Parquet bytes) rewrites both.
                    os.replace(parquet_tmp, parquet_path)
            finally:
                parquet_tmp.unlink(missing_ok=True)
                # Debris of a writer killed mid-copy goes too, even when nothing is rewritten.
                self._database_tmp.unlink(missing_ok=True)
        return {
            "rows": arrow.num_rows,
            "parquet": str(parquet_path),
            "database": str(self.database_path),
            "unchanged": unchanged,
        }

    def apply_sql(self, files: list[SqlFile] | None = None) -> dict[str, list[str]]:
        """Apply SQL files (default: every one, in dependency order) to the database, atomically.

        Returns, per file, the required relations the database lacked: a file with any is skipped,
        and with nothing applied the database is left as it was.
        """
        files = sql_files() if files is None else files
        with self.write_lock(), self._new_database() as con:
            missing = {}
            for sql_file in files:
                missing[sql_file.path.name] = missing_relations(con, sql_file)
                if not missing[sql_file.path.name]:
                    con.execute(sql_file.text)
            if all(missing.values()):
                raise _NothingToWrite
        return missing

    @property
    def _database_tmp(self) -> Path:
        return self.database_path.with_name(f".{DATABASE_NAME}.tmp")

    @contextmanager
    def _new_database(self):
        """A connection to a copy of the database, swapped in (checkpointed, fsynced, renamed) when the block
        ends without an error; the published file is untouched otherwise. Callers hold the write lock."""
        database_tmp = self._database_tmp
        try:
            if self.database_path.exists():
                shutil.copyfile(self.database_path, database_tmp)
            else:
                database_tmp.unlink(missing_ok=True)
            with duckdb.connect(str(database_tmp)) as con:
                yield con
                con.execute("checkpoint")
            _fsync(database_tmp)
            os.replace(database_tmp, self.database_path)
        except _NothingToWrite:
            pass
        finally:
            database_tmp.unlink(missing_ok=True)

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
                problems.append(
                    "every row of source(s) "
                    + ", ".join(f"{source} ({rows} rows)" for source, rows in sorted(lost.items(), key=str))
                )
        share = settings.max_shrink_share()
        if old_rows and (old_rows - new_rows) / old_rows > share:
            problems.append(
                f"{old_rows - new_rows} of its {old_rows} rows (more than the "
                f"{share:.0%} AIFOOTPRINT_MAX_SHRINK_SHARE allows)"
            )
        if problems:
            raise ShrinkRefusedError(
                f"table {table_name} not published: it would lose {' and '.join(problems)}; its published "
                "version is kept. If the loss is intended, refresh with --allow-shrink (AIFOOTPRINT_ALLOW_SHRINK=1)"
            )

    def _already_published(self, table_name: str, new_parquet: Path, parquet_path: Path, rows: int) -> bool:
        """The same Parquet bytes are published and the database holds that table."""
        if not (parquet_path.exists() and self.database_path.exists()):
            return False
        if not _same_bytes(new_parquet, parquet_path):
            return False
        try:
            with duckdb.connect(str(self.database_path), read_only=True) as con:
                (in_database,) = con.execute(f'select count(*) from "{table_name}"').fetchone()
        except duckdb.Error:
            return False
        return in_database == rows

    def read(self, table_name: str) -> pd.DataFrame:
        return pq.read_table(self.parquet_path(table_name)).to_pandas()

    def connect(
        self, *, allow_external_access: bool = False, temp_directory: str | Path | None = None
    ) -> duckdb.DuckDBPyConnection:
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


class _NothingToWrite(Exception):
    """Raised inside `_new_database` to leave the published database as it was."""


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
    return dict(zip(counts["source_id"].to_pylist(), counts["count_all"].to_pylist(), strict=True))


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
