"""`aifootprint query`: run SQL on the warehouse, streaming rows, stoppable, bounded in memory.

* Rows are streamed from DuckDB in Arrow batches and written as they come, so memory does not
  grow with the size of the result and the first rows appear at once.
* The query runs in a worker thread; the main thread waits for it, so Ctrl-C (SIGINT) and
  `--timeout` interrupt DuckDB (`connection.interrupt()`) instead of waiting for it to finish.
* DuckDB may spill large intermediate results to disk. The connection's temp_directory is a
  private folder under the system temp dir ($TMPDIR), removed afterwards: nothing is ever
  written into the warehouse folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time

from pipelines.output_safety import csv_safe_frame, terminal_safe_frame

ROWS_PER_BATCH = 10_000
EXIT_INTERRUPTED = 130  # the shell's convention for a command ended by SIGINT


class QueryUsageError(Exception):
    """The SQL is wrong (parser, binder, catalog error): exit status 2."""


class QueryStopped(Exception):
    """Interrupted (Ctrl-C) or past --timeout; `exit_status` says which."""

    def __init__(self, message: str, exit_status: int):
        super().__init__(message)
        self.exit_status = exit_status


class OutputClosed(Exception):
    """stdout was closed before every row was written (e.g. `| head`)."""


class CarriedForward:
    """Counts rows that repeat an earlier data year's value, for a note under a table."""

    def __init__(self):
        self.rows = self.carried = 0
        self.oldest: int | None = None

    def add(self, frame) -> None:
        self.rows += len(frame)
        if "is_carried_forward" not in frame.columns or not len(frame):
            return
        carried = frame["is_carried_forward"].fillna(False).astype(bool)
        self.carried += int(carried.sum())
        if carried.any() and "years_carried_forward" in frame.columns:
            oldest = int(frame.loc[carried, "years_carried_forward"].max())
            self.oldest = oldest if self.oldest is None else max(self.oldest, oldest)

    def note(self) -> None:
        from pipelines import settings

        if self.carried:
            oldest = f", up to {self.oldest} year(s) old" if self.oldest is not None else ""
            print(
                f"note: {self.carried} of {self.rows} row(s) repeat the value of an earlier data year "
                f"(is_carried_forward{oldest}; at most {settings.max_carry_forward_years()} years, "
                "AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS)",
                file=sys.stderr,
            )


class _Writer:
    """Writes Arrow batches to a text stream in one of the CLI's formats."""

    def __init__(self, stream, fmt: str):
        self.stream, self.fmt, self.rows = stream, fmt, 0
        self.carried_forward = CarriedForward()

    def batch(self, batch) -> None:
        frame = batch.to_pandas()
        first = self.rows == 0
        if self.fmt == "csv":
            csv_safe_frame(frame).to_csv(self.stream, index=False, header=first)
        elif self.fmt == "json":
            text = frame.to_json(orient="records", date_format="iso", indent=2).strip()
            inner = text[1:-1].strip("\n")
            if inner:
                self.stream.write(("[\n" if first else ",\n") + inner)
        else:
            import pandas as pd

            self.carried_forward.add(frame)
            # Column widths are those of each block of ROWS_PER_BATCH rows (the whole result is never held).
            with pd.option_context("display.max_columns", None, "display.width", 200):
                text = terminal_safe_frame(frame).to_string(index=False, header=first)
            self.stream.write(text + "\n")
        self.rows += len(frame)
        self.stream.flush()

    def finish(self, columns: list[str]) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n" if self.rows else "[]\n")
        elif self.fmt == "csv" and not self.rows and columns:
            import pandas as pd

            pd.DataFrame(columns=columns).to_csv(self.stream, index=False)
        elif self.fmt == "table" and not self.rows:
            self.stream.write("(no rows)\n")
        self.stream.flush()
        if self.fmt == "table":
            # Only the table format hides the flag column's meaning; CSV and JSON carry it as data.
            self.carried_forward.note()


def run_query(
    store, sql: str, fmt: str, *, allow_external_access: bool = False, timeout_s: float | None = None, stream=None
) -> int:
    """Run `sql` on the warehouse `store`, writing rows to `stream` (stdout); return rows written."""
    import duckdb

    stream = stream or sys.stdout
    spill = tempfile.mkdtemp(prefix="aifootprint-query-")
    try:
        con = store.connect(allow_external_access=allow_external_access, temp_directory=spill)
        with con:
            return _run_interruptibly(con, sql, _Writer(stream, fmt), timeout_s, duckdb)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _run_interruptibly(con, sql, writer: _Writer, timeout_s, duckdb) -> int:
    outcome: dict = {}

    def work():
        try:
            relation = con.sql(sql)
            if relation is None:  # a statement with no result (SET, PRAGMA ...)
                writer.finish([])
                return
            reader = relation.to_arrow_reader(ROWS_PER_BATCH)
            for batch in reader:
                writer.batch(batch)
            writer.finish(list(reader.schema.names))
        except BrokenPipeError:
            outcome["error"] = OutputClosed()
        except BaseException as exc:  # handed to the main thread, which decides what to say
            outcome["error"] = exc

    stopped: dict = {}

    def on_sigint(signum, frame):
        stopped.setdefault("why", ("interrupted (Ctrl-C)", EXIT_INTERRUPTED))
        con.interrupt()

    worker = threading.Thread(target=work, name="aifootprint-query", daemon=True)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if main_thread else None
    deadline = time.monotonic() + timeout_s if timeout_s else None
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.05)
            if deadline is not None and time.monotonic() > deadline and "why" not in stopped:
                stopped["why"] = (f"stopped after its --timeout of {timeout_s:g}s", 1)
                con.interrupt()
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)
    error = outcome.get("error")
    if "why" in stopped:
        why, status = stopped["why"]
        raise QueryStopped(f"query {why}; {writer.rows} row(s) had been written", status)
    if isinstance(error, OutputClosed):
        # Later writes to the closed pipe (at exit) would each print a traceback of their own.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise error
    if isinstance(error, (duckdb.ParserException, duckdb.CatalogException, duckdb.BinderException)):
        raise QueryUsageError(str(error)) from None
    if isinstance(error, duckdb.Error):
        raise QueryUsageError(f"{type(error).__name__}: {error}") from None
    if error is not None:
        raise error
    return writer.rows
