"""`aifootprint download --from URL_OR_DIR [--version V|latest] --to DIR`: fetch and verify a release."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "download",
        help="download a release, verify every sha256 and install it atomically",
        description="Read index.json at URL_OR_DIR (a releases folder served over http(s), or on disk), "
        "fetch every file of the version, verify each sha256 against SHA256SUMS (itself "
        "verified against the index) and only then move the release into DIR/<version>/. "
        "Progress goes to stderr; the installed folder is printed on stdout.",
    )
    parser.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="URL_OR_DIR",
        help="base URL or folder holding index.json (or the index.json URL/path itself)",
    )
    parser.add_argument("--version", default="latest", metavar="V|latest", help="version to fetch (default: latest)")
    parser.add_argument(
        "--to", required=True, metavar="DIR", help="folder to install the release into, as DIR/<version>/"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.download import download_release
    from pipelines.release import is_valid_version

    scheme = urlparse(args.source).scheme
    if scheme not in {"http", "https", "file"} and not Path(args.source).exists():
        raise UsageError(f"--from {args.source}: not an http(s) URL and no such folder")
    if args.version != "latest" and not is_valid_version(args.version):
        raise UsageError(f"--version {args.version!r} is not a release version")
    if Path(args.to).exists() and not Path(args.to).is_dir():
        raise UsageError(f"--to {args.to}: exists and is not a folder")
    created = _missing_folders(Path(args.to))
    try:
        result = download_release(args.source, Path(args.to), args.version)
    except BaseException:
        # A failed download leaves nothing behind: not even the folders it made for the target.
        for folder in created:
            try:
                folder.rmdir()
            except OSError:
                break  # not empty (something else put files there) or already gone: keep it
        raise
    print(result.path)
    return 0


def _missing_folders(path: Path) -> list[Path]:
    """The folders of `path` that do not exist yet, deepest first."""
    missing = []
    for folder in [path, *path.parents]:
        if folder.exists():
            break
        missing.append(folder)
    return missing
