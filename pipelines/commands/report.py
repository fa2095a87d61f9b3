"""`aifootprint report [--release DIR] --out DIR`: write a release's explorer page elsewhere."""

from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the explorer page (index.html, charts as inline SVG) of a release",
        description="Draw every chart whose tables the release holds and write a self-contained index.html "
        "(no network needed to view it) into --out. `aifootprint release` already writes one into "
        "each release; this rebuilds it elsewhere, e.g. after adding a chart. Refuses to write into "
        "a published release. Prints the page's path on stdout.",
    )
    parser.add_argument(
        "--release", metavar="DIR", help="release folder (default: the latest release in <warehouse>/releases)"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        required=True,
        help="folder to write index.html into (created if missing); links to the release's files are relative to it",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipelines import settings
    from pipelines.cli import UsageError
    from pipelines.release import read_index, releases_dir
    from pipelines.report import build_report, published_release_above

    if args.release:
        release = Path(args.release)
        if not release.is_dir():
            raise UsageError(f"--release {args.release}: no such folder")
    else:
        folder = releases_dir(settings.warehouse_dir())
        latest = read_index(folder).get("latest")
        if not latest or not (folder / latest).is_dir():
            raise UsageError(f"no release in {folder}: run `aifootprint release` first, or pass --release DIR")
        release = folder / latest
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {args.out}: not a folder")
    published = published_release_above(out.resolve())
    if published is not None:
        raise UsageError(
            f"--out {args.out}: refusing to write into the published release {published}; releases "
            "are immutable (their files are listed in SHA256SUMS): choose another folder"
        )
    result = build_report(release, out)
    print(result.summary_line(), file=sys.stderr)
    print(result.path)
    return 0
