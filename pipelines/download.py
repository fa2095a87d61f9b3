"""Download a release and install it only once every byte is verified (DESIGN.md, Releases).

The chain of trust runs from the releases folder's `index.json`: the index entry names the
version's `SHA256SUMS` file and its sha256; `SHA256SUMS` gives the sha256 of every other file.
Files are fetched (HTTP(S) with retries and backoff, or copied from a folder) into a hidden
temporary folder beside the target; a missing file, a checksum mismatch, or a path in the
index or in SHA256SUMS that would land outside the target folder stops the download, the
temporary folder is removed, and nothing is installed. Only a fully verified release is
renamed into place, as `<to>/<version>/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlparse

from pipelines.archive import sha256_of
from pipelines.errors import AifootprintError, FetchError
from pipelines.fetch import FetchPolicy, HttpFetcher
from pipelines.release import CHECKSUMS_NAME, INDEX_NAME, is_valid_version

# A release file can be far larger than a raw source file; the cap only guards against a
# server that never stops sending.
MAX_FILE_BYTES = 8 * 1024**3
# index.json and SHA256SUMS are read into memory to be parsed: a few KB in practice.
MAX_INDEX_BYTES = 16 * 1024**2
# Longest file name (one path component) and path most file systems accept.
MAX_NAME_BYTES, MAX_PATH_BYTES = 255, 1024
_CHECKSUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


class DownloadError(AifootprintError):
    """The release could not be downloaded, or failed verification; nothing was installed."""


@dataclass(frozen=True)
class DownloadResult:
    version: str
    path: Path
    files: int
    bytes: int
    already_installed: bool = False


def safe_relative_path(name: str, what: str) -> PurePosixPath:
    """`name` as a relative path that stays inside the folder it is relative to."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or ".." in path.parts
        or any(part in {"", "."} for part in name.split("/"))
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
    ):
        raise DownloadError(
            f"refusing {what} {name[:120]!r}: it is not a plain relative path inside the release folder"
        )
    if len(name.encode("utf-8", "surrogateescape")) > MAX_PATH_BYTES or any(
        len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in path.parts
    ):
        raise DownloadError(
            f"refusing {what} {name[:60]!r}...: longer than a file system allows "
            f"({MAX_NAME_BYTES} bytes a name, {MAX_PATH_BYTES} a path)"
        )
    return path


def parse_checksums(text: str) -> list[tuple[str, PurePosixPath]]:
    """(sha256, relative path) for each line of a `sha256sum` output, paths checked."""
    entries, seen = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _CHECKSUM_LINE.match(line)
        if match is None:
            raise DownloadError(f"{CHECKSUMS_NAME} line {number} is not '<sha256>  <file>': {line[:120]!r}")
        digest, name = match.group(1).lower(), match.group(2)
        path = safe_relative_path(name, f"file in {CHECKSUMS_NAME} line {number}")
        if path in seen:
            raise DownloadError(f"{CHECKSUMS_NAME} lists '{name}' twice")
        seen.add(path)
        entries.append((digest, path))
    if not entries:
        raise DownloadError(f"{CHECKSUMS_NAME} lists no files")
    folders = {parent for path in seen for parent in path.parents}
    both = sorted(str(path) for path in seen if path in folders)
    if both:
        raise DownloadError(f"{CHECKSUMS_NAME} lists '{both[0]}' both as a file and as a folder of other files")
    return entries


def decode_checksums(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DownloadError(f"{CHECKSUMS_NAME} is not UTF-8 text (byte {exc.start})") from None


class _FolderSource:
    """A releases folder on disk (or a `file://` URL)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.label = str(folder)

    def read(self, relative: PurePosixPath) -> bytes:
        path = self.folder / relative
        if not path.is_file():
            raise DownloadError(f"missing file: {path}")
        if path.stat().st_size > MAX_INDEX_BYTES:
            raise DownloadError(f"{path} is over {MAX_INDEX_BYTES} bytes: not an index or checksums file")
        return path.read_bytes()

    def copy_to(self, relative: PurePosixPath, destination: Path) -> tuple[str, int]:
        path = self.folder / relative
        if not path.is_file():
            raise DownloadError(f"missing file: {path}")
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as source, destination.open("wb") as target:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
                target.write(block)
        return digest.hexdigest(), size


class _HttpSource:
    """A releases folder served over HTTP(S); retries and backoff come from HttpFetcher."""

    def __init__(self, base_url: str, fetcher: HttpFetcher):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.label = self.base_url
        self.fetcher = fetcher

    def url(self, relative: PurePosixPath) -> str:
        return urljoin(self.base_url, quote(str(relative)))

    def read(self, relative: PurePosixPath) -> bytes:
        return self._fetch(relative, MAX_INDEX_BYTES).content

    def _fetch(self, relative: PurePosixPath, cap: int, sink=None):
        url = self.url(relative)
        try:
            # A release's explorer page is HTML by design (and checked against SHA256SUMS like
            # every file); anything else that comes back as HTML is an error page or a portal.
            return self.fetcher.fetch(
                url,
                source_id="release",
                file=str(relative),
                max_bytes=cap,
                sink=sink,
                expect_html=relative.suffix == ".html",
            )
        except FetchError as exc:
            reason = str(exc).removeprefix(f"source 'release', file '{relative}': ")
            raise DownloadError(f"could not download {relative}: {reason}") from None

    def copy_to(self, relative: PurePosixPath, destination: Path) -> tuple[str, int]:
        # Streamed to the file and hashed on the way: a release file is never held in memory.
        with destination.open("w+b") as sink:
            result = self._fetch(relative, MAX_FILE_BYTES, sink)
        return result.sha256, result.bytes


def _open_source(location: str, fetcher: HttpFetcher | None):
    """The releases folder behind `--from`, and the index file's name within it."""
    parsed = urlparse(location)
    index_name = INDEX_NAME
    if parsed.scheme in {"http", "https"}:
        base = location
        if parsed.path.endswith(".json"):
            base, index_name = location.rsplit("/", 1)
        return _HttpSource(base, fetcher or HttpFetcher(FetchPolicy(max_bytes=MAX_FILE_BYTES))), index_name
    folder = Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(location)
    if folder.is_file() and folder.suffix == ".json":
        folder, index_name = folder.parent, folder.name
    if not folder.is_dir():
        raise DownloadError(f"--from {location}: neither an http(s) URL nor an existing folder")
    return _FolderSource(folder), index_name


def _select(index, version: str) -> dict:
    releases = index.get("releases") if isinstance(index, dict) else None
    if not isinstance(releases, list) or not releases:
        raise DownloadError("the index lists no releases")
    entries = [entry for entry in releases if isinstance(entry, dict) and isinstance(entry.get("version"), str)]
    if version == "latest":
        latest = index.get("latest")
        if latest is not None and not isinstance(latest, str):
            raise DownloadError(f"the index's 'latest' is a {type(latest).__name__}, not a version")
        if not latest and not entries:
            raise DownloadError("the index lists no release with a version")
        version = latest or entries[-1]["version"]
    for entry in entries:
        if entry["version"] == version:
            return entry
    available = ", ".join(entry["version"][:40] for entry in entries[:20]) or "none"
    raise DownloadError(f"no release {version[:80]!r} in the index; available: {available}")


def download_release(
    location: str,
    to: Path | str,
    version: str = "latest",
    *,
    progress: Callable[[str], None] | None = None,
    fetcher: HttpFetcher | None = None,
) -> DownloadResult:
    """Fetch release `version` (or the latest) from `location` into `<to>/<version>/`."""
    say = progress or (lambda message: print(message, file=sys.stderr, flush=True))
    source, index_name = _open_source(location, fetcher)
    try:
        index = json.loads(source.read(PurePosixPath(index_name)).decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad JSON, non-UTF-8, or nested past Python's limit
        raise DownloadError(
            f"{index_name} at {source.label} is not valid JSON ({str(exc)[:120] or 'nested too deeply'})"
        ) from None
    entry = _select(index, version)
    version = str(entry.get("version"))
    if not is_valid_version(version):
        raise DownloadError(f"refusing version '{version}' from the index: not a plain folder name")
    if not isinstance(entry.get("checksums"), str) or not isinstance(entry.get("checksums_sha256"), str):
        raise DownloadError(f"index entry for {version} lacks 'checksums' and 'checksums_sha256' as text")
    checksums_path = safe_relative_path(entry["checksums"], "checksums path in the index")
    expected_checksums_sha = entry["checksums_sha256"].lower()
    if not re.fullmatch(r"[0-9a-f]{64}", expected_checksums_sha):
        raise DownloadError(f"index entry for {version} has no valid checksums_sha256")

    to = Path(to)
    to.mkdir(parents=True, exist_ok=True)
    target = to / version
    checksums_bytes = source.read(checksums_path)
    actual = hashlib.sha256(checksums_bytes).hexdigest()
    if actual != expected_checksums_sha:
        raise DownloadError(f"{checksums_path}: sha256 {actual} does not match the index ({expected_checksums_sha})")
    if target.exists():
        installed = target / CHECKSUMS_NAME
        if installed.is_file() and sha256_of(installed) == expected_checksums_sha:
            say(f"release {version} is already installed at {target}")
            return DownloadResult(version, target, 0, 0, already_installed=True)
        raise DownloadError(
            f"{target} exists and is not release {version} as the index describes it; "
            "move it away or choose another --to"
        )
    entries = parse_checksums(decode_checksums(checksums_bytes))
    folder = checksums_path.parent
    total_files, total_bytes = len(entries), 0
    say(f"downloading release {version} from {source.label}: {total_files} files")
    staging = Path(tempfile.mkdtemp(dir=to, prefix=f".{version}.download-"))
    try:
        for number, (expected, relative) in enumerate(entries, start=1):
            destination = staging / relative
            if not destination.resolve().is_relative_to(staging.resolve()):
                raise DownloadError(f"refusing '{relative}': it would be written outside {target}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest, size = source.copy_to(folder / relative, destination)
            if digest != expected:
                raise DownloadError(
                    f"{relative}: sha256 {digest} does not match {CHECKSUMS_NAME} ({expected}); nothing was installed"
                )
            total_bytes += size
            say(f"[{number}/{total_files}] {relative} {_human(size)} sha256 ok")
        (staging / CHECKSUMS_NAME).write_bytes(checksums_bytes)
        for path in staging.rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        os.chmod(staging, 0o755)
        # rename() onto an existing empty folder would succeed silently; refuse to replace
        # anything that appeared while we were downloading.
        if target.exists():
            raise DownloadError(f"{target} appeared during the download; nothing was installed")
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    say(f"installed release {version} at {target}: {total_files} files, {_human(total_bytes)}, every sha256 verified")
    return DownloadResult(version, target, total_files, total_bytes)


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
