"""Raw archives: folders of `<source_id>/` with the raw bytes and a SOURCE.toml manifest.

Archive mode resolves each declared file by source id + file name (not by URL: a live
refresh may follow a moving URL while the archive records the exact one its bytes came
from) and checks its sha256. The same format is what live mode writes under
`<warehouse>/raw/`, so any refresh leaves an archive that can rebuild it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from pipelines.errors import ArchiveError
from pipelines.sources._base import RawFile, RawSource, Source

MANIFEST = "SOURCE.toml"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# A manifest lists a few files with a paragraph of notes each: kilobytes. Anything far larger
# is not a manifest and is refused before it is parsed.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_TEXT_KEYS = ("path", "url", "obtained_from", "sha256", "format", "etag", "last_modified", "notes")
_DATE_KEYS = ("data_as_of", "fetched_at", "checked_at")


def read_manifest(source_dir: Path, source_id: str) -> dict:
    """SOURCE.toml, parsed and shape-checked: every problem is an ArchiveError naming the manifest."""
    manifest_path = source_dir / MANIFEST
    if not manifest_path.is_file():
        raise ArchiveError(source_id, MANIFEST, f"no manifest at {manifest_path}")
    try:
        if manifest_path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ArchiveError(
                source_id, MANIFEST, f"{manifest_path} is over {MAX_MANIFEST_BYTES} bytes: not a manifest"
            )
        manifest = tomllib.loads(manifest_path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ArchiveError(source_id, MANIFEST, f"{manifest_path} is not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ArchiveError(source_id, MANIFEST, f"unreadable manifest ({exc})") from None
    except RecursionError:
        raise ArchiveError(source_id, MANIFEST, f"unreadable manifest {manifest_path}: nested too deeply") from None
    except OSError as exc:
        raise ArchiveError(source_id, MANIFEST, f"cannot read {manifest_path} ({exc.strerror})") from None
    _check_manifest_shape(manifest, manifest_path, source_id)
    return manifest


def _check_manifest_shape(manifest: dict, manifest_path: Path, source_id: str) -> None:
    def refuse(what: str):
        raise ArchiveError(source_id, MANIFEST, f"{manifest_path}: {what}")

    files = manifest.get("files", [])
    if not isinstance(files, list):
        refuse(f"'files' is a {type(files).__name__}, not an array of [[files]] tables")
    for number, entry in enumerate(files, start=1):
        if not isinstance(entry, dict):
            refuse(f"files entry {number} is a {type(entry).__name__}, not a table")
        if not isinstance(entry.get("path"), str) or not entry["path"]:
            refuse(f"files entry {number} has no 'path' text")
        for key in _TEXT_KEYS:
            if key in entry and not isinstance(entry[key], str):
                refuse(f"'{key}' of {entry['path'][:80]!r} is a {type(entry[key]).__name__}, not text")
        for key in _DATE_KEYS:
            if key in entry and not isinstance(entry[key], (str, date)):  # datetime is a date
                refuse(f"'{key}' of {entry['path'][:80]!r} is a {type(entry[key]).__name__}, not a date")
        if "bytes" in entry and (type(entry["bytes"]) is not int or entry["bytes"] < 0):
            refuse(f"'bytes' of {entry['path'][:80]!r} is {str(entry['bytes'])[:40]!r}, not a whole number >= 0")


def safe_child(folder: Path, relative: str, source_id: str) -> Path:
    """`folder/relative`, refusing paths that escape `folder` (.., absolute, symlinks out)."""
    candidate = (folder / relative).resolve()
    if not candidate.is_relative_to(folder.resolve()):
        raise ArchiveError(source_id, relative, f"path escapes the source folder {folder}")
    return candidate


def resolve_from_archive(archive_dir: Path, source: Source, names: Iterable[str] | None = None) -> RawSource:
    """Resolve the source's declared files in an archive, verifying every sha256."""
    source_dir = Path(archive_dir) / source.id
    manifest = read_manifest(source_dir, source.id)
    entries = {entry.get("path"): entry for entry in manifest.get("files", [])}
    wanted = list(names) if names is not None else [f.name for f in source.files]
    files: dict[str, RawFile] = {}
    for name in wanted:
        entry = entries.get(name)
        if entry is None:
            raise ArchiveError(source.id, name, f"not listed in {source_dir / MANIFEST}")
        path = safe_child(source_dir, name, source.id)
        if not path.is_file():
            raise ArchiveError(source.id, name, f"listed in the manifest but missing at {path}")
        size = path.stat().st_size
        if "bytes" in entry and size != entry["bytes"]:
            # Checked before hashing: a huge (or sparse) file in place of a small one is refused
            # in microseconds, not after reading gigabytes.
            raise ArchiveError(source.id, name, f"size mismatch: manifest says {entry['bytes']} bytes, file has {size}")
        actual = sha256_of(path)
        expected = entry.get("sha256", "")
        if actual != expected:
            raise ArchiveError(source.id, name, f"sha256 mismatch: manifest says {expected}, file has {actual}")
        vintage = str(entry.get("data_as_of") or "") or str(entry.get("fetched_at", ""))[:10]
        files[name] = RawFile(
            source_id=source.id,
            name=name,
            path=path,
            url=entry.get("url", ""),
            sha256=actual,
            bytes=size,
            vintage=vintage,
            retrieved_at=str(entry["fetched_at"]) if entry.get("fetched_at") else None,
            obtained_from=entry.get("obtained_from"),
            format=entry.get("format"),
        )
    return RawSource(source.id, files)


def resolve_curated(curated_dir: Path, source: Source) -> RawSource:
    """A curated source's files from the package; the vintage is the date the file was compiled."""
    files: dict[str, RawFile] = {}
    for declared in source.files:
        path = safe_child(Path(curated_dir), declared.name, source.id)
        if not path.is_file():
            raise ArchiveError(source.id, declared.name, f"curated file missing at {path}")
        if not declared.data_as_of:
            raise ArchiveError(source.id, declared.name, "curated files must declare data_as_of")
        files[declared.name] = RawFile(
            source_id=source.id,
            name=declared.name,
            path=path,
            url=declared.url,
            sha256=sha256_of(path),
            bytes=path.stat().st_size,
            vintage=declared.data_as_of,
            obtained_from="curated by aifootprint",
            format=declared.format,
        )
    return RawSource(source.id, files)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    # TOML basic strings allow no control character but tab, and values such as an ETag come
    # from a server's headers: escape them, or one odd header makes the manifest unreadable.
    text = "".join(f"\\u{ord(c):04x}" if (c < " " and c != "\t") or c == "\x7f" else c for c in text)
    return f'"{text}"'


def write_manifest(source_dir: Path, source: Source, entries: list[dict]) -> None:
    """Write SOURCE.toml (same shape as ../shared/sources) atomically."""
    lines = [
        f"{key} = {_toml_value(getattr(source, key))}" for key in ("id", "title", "publisher", "license", "homepage")
    ]
    if source.description:
        lines.append(f"description = {_toml_value(source.description)}")
    for entry in entries:
        lines += ["", "[[files]]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in entry.items() if value is not None]
    write_atomic(source_dir / MANIFEST, ("\n".join(lines) + "\n").encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
