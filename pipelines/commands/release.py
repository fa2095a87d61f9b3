"""`aifootprint release [--version V]`: build `<warehouse>/releases/V/` from the published tables."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "release",
        help="build an immutable, versioned release of the published tables",
        description="Write <warehouse>/releases/<version>/: one Parquet file per published table, a DuckDB "
        "database with views over them, datapackage.json, CHANGELOG.md against the previous "
        "release and SHA256SUMS; list it in <warehouse>/releases/index.json. Prints the "
        "release folder on stdout. Refuses (exit 1) a warehouse missing tables that a refresh "
        "publishes; when every table equals the latest release, writes nothing, says so and "
        "prints that release's folder (exit 0).",
    )
    parser.add_argument(
        "--version",
        metavar="V",
        help="release version (default: today's date as YYYY.MM.DD, with .N appended "
        "if that version exists); an existing version is never overwritten",
    )
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="release even if tables are missing from the warehouse (after a failed or partial "
        "refresh); the release's datapackage.json, CHANGELOG.md and index entry say so",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipelines import settings
    from pipelines.cli import UsageError
    from pipelines.release import build_release, is_valid_version

    if args.version is not None and not is_valid_version(args.version):
        raise UsageError(
            f"--version {args.version!r}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (at most 64 characters)"
        )
    result = build_release(settings.warehouse_dir(), args.version, allow_partial=args.allow_partial)
    for line in result.summary_lines():
        print(line, file=sys.stderr)
    print(result.path)
    return 0
