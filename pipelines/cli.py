"""`aifootprint`: refresh the warehouse, query it, list sources.

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


EXIT_CLOSED_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def json_text(value) -> str:
    """JSON that every parser accepts: NaN and infinities become null (json.dumps would write NaN)."""
    import json
    import math

    def clean(item):
        if isinstance(item, float) and not math.isfinite(item):
            return None
        if isinstance(item, dict):
            return {key: clean(v) for key, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [clean(v) for v in item]
        return item

    return json.dumps(clean(value), indent=2, allow_nan=False, default=str) + "\n"


def _print_frame(frame, fmt: str) -> None:
    from pipelines.output_safety import csv_safe_frame, terminal_safe_frame

    if fmt == "csv":
        csv_safe_frame(frame).to_csv(sys.stdout, index=False)
        sys.stdout.flush()
    elif fmt == "json":
        # pandas writes NaN and infinities as null: always valid JSON.
        _write_stdout(frame.to_json(orient="records", date_format="iso", indent=2) + "\n")
    else:
        with __import__("pandas").option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200
        ):
            _write_stdout((terminal_safe_frame(frame).to_string(index=False) if len(frame) else "(no rows)") + "\n")
        _note_carried_forward(frame)


def _note_carried_forward(frame) -> None:
    """A table hides nothing a reader needs: say when values are repeated from an earlier year."""
    from pipelines.query import CarriedForward

    seen = CarriedForward()
    seen.add(frame)
    seen.note()


def cmd_refresh(args) -> int:
    from pipelines import fingerprint

    archive = Path(args.archive) if args.archive else settings.archive_dir()
    if archive and not archive.is_dir():
        # Every source would look "not in the archive" and the refresh would publish nothing.
        given = f"--archive {args.archive}" if args.archive else f"AIFOOTPRINT_ARCHIVE={archive}"
        raise UsageError(f"{given}: no such folder")
    if archive and not _looks_like_archive(archive):
        raise UsageError(
            f"{archive.name}: not a raw archive (no <source_id>/SOURCE.toml folder of a known "
            "source in it); see README 'Offline: refresh from a raw archive'"
        )
    warehouse = settings.warehouse_dir()
    if args.allow_shrink:
        import os

        os.environ["AIFOOTPRINT_ALLOW_SHRINK"] = "1"  # read by Warehouse.publish, inside the Dagster run
    whole_graph = not args.select and not args.force and not args.allow_shrink
    if archive and whole_graph and not fingerprint.refresh_running(warehouse):
        previous = fingerprint.unchanged_since_last_refresh(archive, warehouse)
        if previous:
            print(
                f"nothing changed since the last refresh (runs {', '.join(previous['run_ids'])}) in the "
                "archive, curated files, code or published files; materialized 0 asset(s)",
                file=sys.stderr,
            )
            return EXIT_OK
    from pipelines import refresh
    from pipelines.progress import Progress

    fallback = None if archive else _fallback_archive(args)
    progress = Progress(sys.stderr)
    try:
        outcome = refresh.run_refresh(
            archive_dir=archive,
            select=args.select or None,
            log_level="DEBUG" if args.verbose else "CRITICAL",
            force=args.force,
            probe_network=not archive,
            fallback_dir=fallback,
            progress=progress,
        )
    except refresh.SelectionError as exc:
        raise UsageError(str(exc)) from None
    except refresh.OfflineError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILURE
    for line in outcome.report_lines():
        print(line, file=sys.stderr)
    if archive and whole_graph and outcome.success:
        fingerprint.record(archive, warehouse, outcome.run_ids)
    else:
        fingerprint.forget(warehouse)
    return EXIT_OK if outcome.success else EXIT_FAILURE


def _fallback_archive(args) -> Path | None:
    given = args.fallback_archive or os.environ.get("AIFOOTPRINT_FALLBACK_ARCHIVE")
    if not given:
        return None
    path = Path(given)
    if not path.is_dir():
        print(f"notice: fallback archive {given}: no such folder; continuing without a fallback", file=sys.stderr)
        return None
    return path.resolve()


def _shown(path: Path) -> str:
    """A path for a message: relative to the working directory where it can be."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _looks_like_archive(folder: Path) -> bool:
    from pipelines.archive import MANIFEST
    from pipelines.sources import SOURCES

    return any((folder / source_id / MANIFEST).is_file() for source_id in SOURCES)


def add_release_option(parser) -> None:
    parser.add_argument(
        "--release",
        metavar="DIR",
        help="read a release instead of the warehouse: a release folder (from `aifootprint release` "
        "or `aifootprint download`), or a folder of releases with index.json (its latest); "
        "AIFOOTPRINT_WAREHOUSE may also point at a release folder",
    )


def use_release(args) -> None:
    """Point the warehouse at the release given with --release (its layout is the warehouse's)."""
    from pipelines.dataset import NotARelease, resolve_release

    if getattr(args, "release", None):
        try:
            os.environ["AIFOOTPRINT_WAREHOUSE"] = str(resolve_release(args.release))
        except NotARelease as exc:
            raise UsageError(f"--release {exc}") from None


def cmd_query(args) -> int:
    from pipelines.query import OutputClosed, QueryStopped, QueryUsageError, run_query

    use_release(args)
    if not args.sql.strip():
        raise UsageError('empty SQL: give a query, e.g. aifootprint query "select * from sources limit 5"')

    from pipelines.warehouse import Warehouse

    if args.timeout is not None and not (0 < args.timeout < 1e9):
        raise UsageError(f"--timeout {args.timeout:g}: give a positive number of seconds")
    store = Warehouse(settings.warehouse_dir())
    try:
        run_query(
            store, args.sql, args.format, allow_external_access=args.allow_external_access, timeout_s=args.timeout
        )
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except QueryUsageError as exc:
        raise UsageError(str(exc)) from None
    except QueryStopped as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_status
    except OutputClosed:
        # The reader went away (`aifootprint query ... | head`): stop quietly, as a pipe expects.
        return EXIT_CLOSED_PIPE
    return EXIT_OK


def cmd_sources(args) -> int:
    """Each source's state after the last refresh (or in the archive given), without absolute paths."""
    import pandas as pd

    from pipelines.refresh import read_record
    from pipelines.sources import SOURCES

    warehouse = settings.warehouse_dir()
    if args.archive and not Path(args.archive).is_dir():
        raise UsageError(f"--archive {args.archive}: no such folder")
    if args.archive and not _looks_like_archive(Path(args.archive)):
        raise UsageError(f"--archive {args.archive}: not a raw archive (no <source_id>/SOURCE.toml of a known source)")
    record = None if args.archive else read_record(warehouse)
    if record is not None:
        seen_by_source = record["sources"]
        when = f"finished {record['finished_at']}" if record.get("finished_at") else "did not finish"
        print(
            f"last refresh: {record.get('mode', '?')} mode, {when}"
            + (f", archive {Path(record['archive']).name}" if record.get("archive") else ""),
            file=sys.stderr,
        )
    else:
        snapshot = Path(args.archive) if args.archive else (settings.archive_dir() or warehouse / "raw")
        seen_by_source = _inspect_snapshot(snapshot, SOURCES)
        print(
            f"raw snapshot: {_shown(snapshot)}" + ("" if args.archive else " (no refresh recorded yet)"),
            file=sys.stderr,
        )
    rows = []
    for source in SOURCES.values():
        seen = seen_by_source.get(source.id) or {}
        vintages = list(seen.get("vintages") or [])
        origin = "curated" if source.curated else (seen.get("origin") or "-")
        rows.append(
            {
                "source_id": source.id,
                "status": seen.get("status") or "never refreshed",
                "origin": origin,
                "files": len(source.files),
                "vintages": _vintage_range(vintages),
                "all_vintages": ", ".join(vintages),
                "refreshed_at": seen.get("refreshed_at") or "",
                "tables": ", ".join(source.parsers) or "-",
                "publisher": source.publisher,
                "license": source.license,
            }
        )
    frame = pd.DataFrame(rows)
    if args.format == "table":
        _print_fitted(frame[["source_id", "status", "origin", "files", "vintages"]])
    else:
        _print_frame(frame, args.format)
    return EXIT_OK


def _inspect_snapshot(snapshot: Path, sources: dict) -> dict[str, dict]:
    """Per source, what a raw snapshot folder holds (sha256-checked), for `sources --archive`."""
    from pipelines import offline
    from pipelines.archive import resolve_from_archive

    found = {}
    for source in sources.values():
        if source.curated:
            found[source.id] = {"status": "ok (ships with the code)"}
            continue
        if not (snapshot / source.id).is_dir():
            found[source.id] = {"status": "not in the snapshot"}
            continue
        try:
            raw = resolve_from_archive(snapshot, source)
        except AifootprintError as exc:
            # Messages name files by absolute path; show them relative to the snapshot.
            found[source.id] = {
                "status": "not usable: "
                + str(exc).replace(str(snapshot.resolve()) + "/", "").replace(str(snapshot) + "/", "")
            }
            continue
        is_warehouse_raw = snapshot.resolve() == (settings.warehouse_dir() / "raw").resolve()
        found[source.id] = {
            "status": "ok",
            "vintages": sorted({f.vintage for f in raw.files.values()}),
            "origin": offline.origin_of(snapshot, source.id)
            if is_warehouse_raw
            else f"recorded (archive {snapshot.resolve().name})",
        }
    return found


def _vintage_range(vintages: list[str]) -> str:
    if not vintages:
        return "-"
    return vintages[0] if len(vintages) == 1 else f"{vintages[0]} to {vintages[-1]} ({len(vintages)})"


def _print_fitted(frame, shrink_first: tuple[str, ...] = ("status", "origin")) -> None:
    """A plain table that fits the terminal: columns in `shrink_first` are cut with '…' if needed
    (csv and json carry the full text)."""
    import shutil

    width = shutil.get_terminal_size((120, 24)).columns
    columns = list(frame.columns)
    cells = [columns] + [[str(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    for name in shrink_first:
        overflow = sum(widths) + 2 * (len(widths) - 1) - width
        if overflow <= 0 or name not in columns:
            continue
        i = columns.index(name)
        widths[i] = max(len(name), 12, widths[i] - overflow)
    lines = []
    for row in cells:
        fitted = [cell if len(cell) <= w else cell[: max(w - 1, 0)] + "…" for cell, w in zip(row, widths, strict=True)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(fitted, widths, strict=True)).rstrip())
    _write_stdout("\n".join(lines) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aifootprint",
        description=__doc__.splitlines()[0],
        epilog="Exit status: 0 success; 1 a source, validation or integrity failure; "
        "2 bad usage. `aifootprint COMMAND --help` describes each command.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    refresh = commands.add_parser(
        "refresh",
        help="materialize the asset graph (Dagster, in-process)",
        description="Snapshot every source (live, or from a raw archive), then parse, validate and publish what "
        "changed into the warehouse. Prints per-stage progress and one line per source saying whether "
        "its bytes are live or recorded, on stderr. Exit 1 if any source or table failed.",
    )
    refresh.add_argument(
        "--archive", metavar="DIR", help="raw archive to read instead of the network (default: $AIFOOTPRINT_ARCHIVE)"
    )
    refresh.add_argument(
        "--fallback-archive",
        metavar="DIR",
        help="live refresh: raw archive whose recorded bytes are used for sources whose hosts "
        "are unreachable (default: $AIFOOTPRINT_FALLBACK_ARCHIVE)",
    )
    refresh.add_argument(
        "--select",
        nargs="+",
        metavar="ASSET",
        help="asset keys or Dagster selection strings (e.g. 'grid_carbon_intensity+')",
    )
    refresh.add_argument(
        "--force",
        action="store_true",
        help="re-materialize every selected asset even if its inputs and code are unchanged",
    )
    refresh.add_argument("--verbose", action="store_true", help="show Dagster's step-by-step log")
    refresh.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish a table even if it loses every row of a source, or more than "
        "$AIFOOTPRINT_MAX_SHRINK_SHARE (default 0.5) of its rows; without it such a table "
        "keeps its published version",
    )
    refresh.set_defaults(func=cmd_refresh)

    query = commands.add_parser(
        "query",
        help="run SQL on the warehouse DuckDB (read-only)",
        description="Run one SQL statement on the warehouse's DuckDB database (or a release's), read-only and "
        "without file or network access, and print the rows on stdout.",
    )
    query.add_argument("sql", help='the SQL to run, e.g. "select * from grid_carbon_intensity_preferred limit 5"')
    query.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="table (default), csv or json (always valid JSON: NaN and infinities become null)",
    )
    add_release_option(query)
    query.add_argument(
        "--allow-external-access", action="store_true", help="let the SQL read or write files and URLs (off by default)"
    )
    query.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="interrupt the query after this many seconds (exit 1); Ctrl-C interrupts it at any "
        "time (exit 130). Rows are streamed as they are computed. DuckDB spills large "
        "intermediate results to a private folder under $TMPDIR, removed afterwards, "
        "never into the warehouse folder",
    )
    query.set_defaults(func=cmd_query)

    sources = commands.add_parser(
        "sources",
        help="each source's status, files, vintages and origin (live or recorded) after the last refresh",
        description="List every source with its status after the last refresh (live, archive or fallback), the "
        "number of files, their vintages and whether the bytes came from the live source or a recorded "
        "archive. csv and json add publisher, licence, tables and every vintage.",
    )
    sources.add_argument(
        "--archive", metavar="DIR", help="inspect this raw archive instead (sha256-checks every file of every source)"
    )
    sources.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="table (fits the terminal; default), csv or json",
    )
    sources.set_defaults(func=cmd_sources)

    import pipelines.commands
    from pipelines import discovery

    for command in discovery.modules(pipelines.commands):
        command.register(commands)
    return parser


def _one_line(message: str) -> str:
    """An error as one line: libraries (DuckDB's CSV reader) add pages of context after the first line."""
    lines = [line for line in message.strip().splitlines() if line.strip()]
    if len(lines) <= 1:
        return message.strip()
    first = lines[0].rstrip()
    return first + (" …)" if first.count("(") > first.count(")") else " …")


def main(argv: list[str] | None = None) -> int:
    from pipelines.output_safety import terminal_safe

    parser = build_parser()
    args = parser.parse_args(argv)
    # Messages quote names and values from files and servers: shown with control characters escaped.
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {terminal_safe(_one_line(str(exc)))}", file=sys.stderr)
        return EXIT_USAGE
    except AifootprintError as exc:
        print(f"error: {terminal_safe(_one_line(str(exc)))}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (`aifootprint query ... | head`): stop quietly. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # Last line of defence for bad input no check above anticipated (an overflow deep in a
        # library, a file system refusing a name): one line, not a traceback.
        if os.environ.get("AIFOOTPRINT_DEBUG"):
            raise
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        print(
            f"error: {args.command}: {type(exc).__name__}: {terminal_safe(first_line)} "
            "(AIFOOTPRINT_DEBUG=1 shows where)",
            file=sys.stderr,
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    # `python -m pipelines.cli`: run the imported module's main, so that the UsageError commands
    # raise (pipelines.cli.UsageError) is the class main() catches, not a __main__ copy of it.
    from pipelines.cli import main as _main

    sys.exit(_main())
