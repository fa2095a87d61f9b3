"""`aifootprint`: refresh the warehouse, query it, list sources (DESIGN.md, Interfaces).

Exit status: 0 success; 1 a source, validation or integrity failure; 2 bad usage.
Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipelines import settings
from pipelines.errors import AifootprintError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _print_frame(frame, fmt: str) -> None:
    from pipelines.output_safety import csv_safe_frame, terminal_safe_frame

    if fmt == "csv":
        csv_safe_frame(frame).to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", date_format="iso", indent=2) + "\n")
    else:
        with __import__("pandas").option_context("display.max_rows", None, "display.max_columns", None,
                                                 "display.width", 200):
            sys.stdout.write((terminal_safe_frame(frame).to_string(index=False) if len(frame) else "(no rows)") + "\n")


def cmd_refresh(args) -> int:
    from pipelines import fingerprint

    archive = Path(args.archive) if args.archive else settings.archive_dir()
    if archive and not archive.is_dir():
        # Every source would look "not in the archive" and the refresh would publish nothing.
        given = f"--archive {args.archive}" if args.archive else f"AIFOOTPRINT_ARCHIVE={archive}"
        raise UsageError(f"{given}: no such folder")
    warehouse = settings.warehouse_dir()
    if args.allow_shrink:
        import os

        os.environ["AIFOOTPRINT_ALLOW_SHRINK"] = "1"  # read by Warehouse.publish, inside the Dagster run
    whole_graph = not args.select and not args.force and not args.allow_shrink
    if archive and whole_graph and not fingerprint.refresh_running(warehouse):
        previous = fingerprint.unchanged_since_last_refresh(archive, warehouse)
        if previous:
            print(f"nothing changed since the last refresh (runs {', '.join(previous['run_ids'])}) in the "
                  "archive, curated files, code or published files; materialized 0 asset(s)", file=sys.stderr)
            return EXIT_OK
    from pipelines import refresh

    outcome = refresh.run_refresh(archive_dir=archive, select=args.select or None,
                                  log_level="DEBUG" if args.verbose else "CRITICAL", force=args.force)
    for line in outcome.report_lines():
        print(line, file=sys.stderr)
    if archive and whole_graph and outcome.success:
        fingerprint.record(archive, warehouse, outcome.run_ids)
    else:
        fingerprint.forget(warehouse)
    return EXIT_OK if outcome.success else EXIT_FAILURE


def cmd_query(args) -> int:
    from pipelines.query import OutputClosed, QueryStopped, QueryUsageError, run_query
    from pipelines.warehouse import Warehouse

    if args.timeout is not None and not (0 < args.timeout < 1e9):
        raise UsageError(f"--timeout {args.timeout:g}: give a positive number of seconds")
    store = Warehouse(settings.warehouse_dir())
    try:
        run_query(store, args.sql, args.format, allow_external_access=args.allow_external_access,
                  timeout_s=args.timeout)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except QueryUsageError as exc:
        raise UsageError(str(exc)) from None
    except QueryStopped as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_status
    except OutputClosed:
        print("error: query: stdout was closed before every row was written", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def cmd_sources(args) -> int:
    import pandas as pd

    from pipelines.archive import resolve_from_archive
    from pipelines.sources import SOURCES

    snapshot = Path(args.archive) if args.archive else (settings.archive_dir() or settings.warehouse_dir() / "raw")
    rows = []
    for source in SOURCES.values():
        try:
            raw = resolve_from_archive(snapshot, source)
            status = "ok"
            vintages = ", ".join(sorted({f.vintage for f in raw.files.values()}))
        except AifootprintError as exc:
            status, vintages = f"not usable: {exc}", ""
        rows.append({"source_id": source.id, "publisher": source.publisher, "license": source.license,
                     "files": len(source.files), "tables": ", ".join(source.parsers) or "-",
                     "vintages": vintages, "snapshot": status})
    print(f"raw snapshot: {snapshot}", file=sys.stderr)
    _print_frame(pd.DataFrame(rows), args.format)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aifootprint", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    refresh = commands.add_parser("refresh", help="materialize the asset graph (Dagster, in-process)")
    refresh.add_argument("--archive", metavar="DIR",
                         help="raw archive to read instead of the network (default: $AIFOOTPRINT_ARCHIVE)")
    refresh.add_argument("--select", nargs="+", metavar="ASSET",
                         help="asset keys or Dagster selection strings (e.g. 'grid_carbon_intensity+')")
    refresh.add_argument("--force", action="store_true",
                         help="re-materialize every selected asset even if its inputs and code are unchanged")
    refresh.add_argument("--verbose", action="store_true", help="show Dagster's step-by-step log")
    refresh.add_argument("--allow-shrink", action="store_true",
                         help="publish a table even if it loses every row of a source, or more than "
                              "$AIFOOTPRINT_MAX_SHRINK_SHARE (default 0.5) of its rows; without it such a table "
                              "keeps its published version")
    refresh.set_defaults(func=cmd_refresh)

    query = commands.add_parser("query", help="run SQL on the warehouse DuckDB (read-only)")
    query.add_argument("sql")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.add_argument("--allow-external-access", action="store_true",
                       help="let the SQL read or write files and URLs (off by default)")
    query.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="interrupt the query after this many seconds (exit 1); Ctrl-C interrupts it at any "
                            "time (exit 130). Rows are streamed as they are computed. DuckDB spills large "
                            "intermediate results to a private folder under $TMPDIR, removed afterwards, "
                            "never into the warehouse folder")
    query.set_defaults(func=cmd_query)

    sources = commands.add_parser("sources", help="sources, licences, vintages, archive status")
    sources.add_argument("--archive", metavar="DIR")
    sources.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sources.set_defaults(func=cmd_sources)

    import pkgutil

    import pipelines.commands

    for info in sorted(pkgutil.iter_modules(pipelines.commands.__path__), key=lambda m: m.name):
        __import__(f"pipelines.commands.{info.name}", fromlist=["register"]).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipelines.output_safety import terminal_safe

    parser = build_parser()
    args = parser.parse_args(argv)
    # Messages quote names and values from files and servers: shown with control characters escaped.
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {terminal_safe(exc, keep_newlines=True)}", file=sys.stderr)
        return EXIT_USAGE
    except AifootprintError as exc:
        print(f"error: {terminal_safe(exc, keep_newlines=True)}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:
        # Last line of defence for bad input no check above anticipated (an overflow deep in a
        # library, a file system refusing a name): one line, not a traceback.
        if os.environ.get("AIFOOTPRINT_DEBUG"):
            raise
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        print(f"error: {args.command}: {type(exc).__name__}: {terminal_safe(first_line)} "
              "(AIFOOTPRINT_DEBUG=1 shows where)", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    # `python -m pipelines.cli`: run the imported module's main, so that the UsageError commands
    # raise (pipelines.cli.UsageError) is the class main() catches, not a __main__ copy of it.
    from pipelines.cli import main as _main

    sys.exit(_main())
