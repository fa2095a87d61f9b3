"""Which data a command reads (a warehouse or a release), how to name it, and how to cite it.

A release folder has the warehouse's database layout (`<folder>/aifootprint.duckdb`, with every
table copied in), so pointing the warehouse at it is all `--release` needs. Every estimate names
the dataset it used: the release version, or the warehouse and when its last refresh finished.
"""

from __future__ import annotations

import json
from pathlib import Path

DATABASE_NAME = "aifootprint.duckdb"  # same as pipelines.warehouse.DATABASE_NAME (not imported: duckdb is slow)

# Kept in step with CITATION.cff at the repository root (a test compares them).
CITATION_TITLE = "aifootprint: an open dataset on the environmental cost of AI"
CITATION_AUTHOR = "The aifootprint contributors"
CITATION_URL = "https://github.com/aifootprint/aifootprint"


class NotARelease(ValueError):
    pass


def resolve_release(folder: str | Path) -> Path:
    """A release folder; a folder of releases (with index.json, as `download` and `release` write) means
    its latest release."""
    path = Path(folder)
    if not path.is_dir():
        raise NotARelease(f"{folder}: no such folder")
    if (path / DATABASE_NAME).is_file() and (path / "datapackage.json").is_file():
        return path.resolve()
    index = path / "index.json"
    if index.is_file():
        try:
            latest = json.loads(index.read_text(encoding="utf-8")).get("latest")
        except (ValueError, UnicodeDecodeError, AttributeError):
            raise NotARelease(f"{index}: not a valid release index") from None
        if isinstance(latest, str) and "/" not in latest and (path / latest / DATABASE_NAME).is_file():
            return (path / latest).resolve()
        raise NotARelease(f"{folder}: index.json names no release present here (latest: {latest!r})")
    raise NotARelease(f"{folder}: not a release (no {DATABASE_NAME} with datapackage.json, and no index.json)")


def describe(root: Path) -> dict:
    """What a warehouse or release folder holds, for the record of a result."""
    root = Path(root)
    package = root / "datapackage.json"
    if package.is_file():
        try:
            descriptor = json.loads(package.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            descriptor = {}
        version = descriptor.get("version")
        return {
            "kind": "release",
            "version": version,
            "created": descriptor.get("created"),
            "label": f"aifootprint release {version} ({descriptor.get('created') or 'date unknown'})",
        }
    try:
        record = json.loads((root / "last_refresh.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    finished = record.get("finished_at") if isinstance(record, dict) else None
    mode = record.get("mode") if isinstance(record, dict) else None
    article = "an" if str(mode)[:1] in "aeiou" else "a"
    label = (
        f"warehouse {root.name}/ built by {article} {mode} refresh finished {finished} (not a release)"
        if finished
        else f"warehouse {root.name}/ (no completed refresh recorded; not a release)"
    )
    return {"kind": "warehouse", "version": None, "created": finished, "label": label}


def how_to_cite(version: str | None = None, created: str | None = None) -> str:
    year = (created or "")[:4] or "n.d."
    version_part = f" Version {version}." if version else ""
    return (
        f"{CITATION_AUTHOR} ({year}). {CITATION_TITLE}.{version_part} {CITATION_URL}. "
        "Cite also the primary sources whose rows you use (each row's source_id; see `sources` in "
        "datapackage.json for their publishers, licences and attribution)."
    )
