"""A refresh fingerprint: everything a refresh's outputs depend on, hashed without Dagster.

In archive mode a refresh is a pure function of the archive's bytes, the curated files, the
code, the installed library versions and (for the daily freshness checks) the date. If all
of these and the published files are exactly as the last successful refresh left them, the
CLI answers at once instead of starting Dagster (~3 s of imports) to conclude the same.
Live mode never takes this path: only a conditional GET can tell whether a source changed.
Standard library only, so checking costs milliseconds.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from datetime import date
from importlib import metadata
from pathlib import Path

from pipelines import settings

FILE_NAME = ".refresh-fingerprint.json"
_LIBRARIES = ("dagster", "duckdb", "pandas", "pandera", "pyarrow", "pycountry", "python-calamine", "pyyaml")


def _hash_tree(digest, root: Path, patterns: tuple[str, ...], skip: frozenset = frozenset()) -> None:
    from pipelines.archive import sha256_of

    for pattern in patterns:
        for path in sorted(root.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                # In 1 MiB blocks (sha256_of): memory stays flat however large the file.
                digest.update(b"skipped" if path in skip else bytes.fromhex(sha256_of(path)))


def _wrong_sizes(archive_dir: Path) -> frozenset:
    """Archive files whose size differs from their manifest's `bytes`: the refresh refuses them
    anyway, so they are not hashed (a sparse file of gigabytes would take that long to read)."""
    from pipelines import archive
    from pipelines.errors import ArchiveError

    wrong = set()
    for manifest in archive_dir.glob(f"*/{archive.MANIFEST}"):
        try:
            entries = archive.read_manifest(manifest.parent, manifest.parent.name).get("files", [])
        except ArchiveError:
            continue  # hashed as bytes; the refresh names the problem
        for entry in entries:
            path = manifest.parent / entry["path"]
            try:
                if "bytes" in entry and path.is_file() and path.stat().st_size != entry["bytes"]:
                    wrong.add(path)
            except OSError:
                wrong.add(path)
    return frozenset(wrong)


def _outputs(warehouse_dir: Path) -> dict[str, list[int]]:
    paths = [warehouse_dir / "aifootprint.duckdb", *sorted((warehouse_dir / "parquet").glob("*.parquet"))]
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in paths if p.is_file()}


def compute(archive_dir: Path, warehouse_dir: Path) -> dict:
    inputs = hashlib.sha256()
    inputs.update(str(archive_dir.resolve()).encode())
    wrong_sizes = _wrong_sizes(archive_dir)
    _hash_tree(inputs, archive_dir, ("*",), wrong_sizes)
    _hash_tree(inputs, settings.curated_dir(), ("*",))
    code = hashlib.sha256()
    _hash_tree(code, settings.PACKAGE_ROOT / "pipelines", ("*.py",))
    _hash_tree(code, settings.PACKAGE_ROOT / "schemas", ("*.py",))
    _hash_tree(code, settings.sql_dir(), ("*.sql",))
    for library in _LIBRARIES:
        try:
            code.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            code.update(f"{library} missing".encode())
    return {
        "inputs": inputs.hexdigest(),
        "code": code.hexdigest(),
        "date": date.today().isoformat(),
        "outputs": _outputs(warehouse_dir),
        "files_of_wrong_size": len(wrong_sizes),
    }


def refresh_running(warehouse_dir: Path) -> bool:
    """Whether another process holds the warehouse's refresh lock (see Warehouse.refresh_lock)."""
    lock_path = warehouse_dir / ".refresh.lock"
    if not lock_path.exists():
        return False
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def unchanged_since_last_refresh(archive_dir: Path, warehouse_dir: Path) -> dict | None:
    """The stored fingerprint if nothing has changed since it was written, else None."""
    path = warehouse_dir / FILE_NAME
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if (
        not isinstance(stored, dict)
        or not isinstance(stored.get("run_ids"), list)
        or not all(isinstance(run, str) for run in stored["run_ids"])
    ):
        return None
    current = compute(archive_dir, warehouse_dir)
    if current["files_of_wrong_size"]:
        return None  # never "nothing changed" over files the refresh would refuse
    return stored if {k: stored.get(k) for k in current} == current else None


def record(archive_dir: Path, warehouse_dir: Path, run_ids: list[str]) -> None:
    fingerprint = {**compute(archive_dir, warehouse_dir), "run_ids": run_ids}
    tmp = warehouse_dir / f".{FILE_NAME}.tmp"
    tmp.write_text(json.dumps(fingerprint, indent=2))
    os.replace(tmp, warehouse_dir / FILE_NAME)


def forget(warehouse_dir: Path) -> None:
    (warehouse_dir / FILE_NAME).unlink(missing_ok=True)


# --- which Dagster runs built this warehouse ------------------------------------------------
#
# Dagster decides staleness from its instance (DAGSTER_HOME), which knows nothing of the
# warehouse folder a run wrote to: after warehouse A is refreshed from new bytes, warehouse B
# (same DAGSTER_HOME, same new bytes, old tables) would look up to date. So each warehouse
# records, per asset, the run that last materialized it *there*; an asset whose latest
# materialization in the instance is another run (or none) is recomputed, never skipped.

STATE_FILE = ".dagster-runs.json"


def runs_that_built(warehouse_dir: Path) -> dict[str, str]:
    """{asset key: run id} of the runs that last materialized each asset into this warehouse."""
    try:
        state = json.loads((Path(warehouse_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    runs = state.get("runs") if isinstance(state, dict) else None
    if not isinstance(runs, dict):
        return {}
    return {key: run for key, run in runs.items() if isinstance(key, str) and isinstance(run, str)}


def record_runs(warehouse_dir: Path, materialized: dict[str, str]) -> None:
    """Add `{asset key: run id}` to the warehouse's record (atomically: a crash leaves the old one,
    which can only make the next refresh recompute more)."""
    if not materialized:
        return
    from pipelines.archive import write_atomic

    runs = {**runs_that_built(warehouse_dir), **materialized}
    write_atomic(
        Path(warehouse_dir) / STATE_FILE, json.dumps({"runs": dict(sorted(runs.items()))}, indent=1).encode("utf-8")
    )


def not_built_here(instance, warehouse_dir: Path, keys) -> set:
    """Of `keys`, those whose latest materialization in `instance` is not recorded as this warehouse's."""
    recorded = runs_that_built(warehouse_dir)
    result = set()
    for key in keys:
        latest = instance.get_latest_materialization_event(key)
        if latest is None or recorded.get(key.to_user_string()) != latest.run_id:
            result.add(key)
    return result
