"""What a refresh is doing, stage by stage, on stderr.

On a terminal one line per stage is redrawn in place (count done of total, failures, elapsed
seconds) and left as a summary when the stage ends; when stderr is not a terminal (a pipe, a
log file, CI) only the summary line of each stage is written, so nothing carries cursor
control characters. Hand-written: four counters and a carriage return do not need a library.

Dagster reports its events to the loggers of a run; `dagster_logger()` is a logger definition
that forwards each asset event of the refresh run to the active `Progress`.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field

OBSERVE, BUILD = "observe sources", "build tables"
SQL_ASSET_PREFIX = "sql_"  # the asset of a file of views and macros (pipelines/assets/warehouse_sql.py)


@dataclass
class Stage:
    """A stage with one or more counters (label -> [done, total])."""

    name: str
    counters: dict[str, list[int]]
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        counts = ", ".join(f"{label} {done}/{total}" for label, (done, total) in self.counters.items())
        failed = f", {self.failed} failed" if self.failed else ""
        return f"{self.name}: {counts}{failed} ({time.monotonic() - self.started:.1f} s)"


class Progress:
    def __init__(self, stream=None, *, interactive: bool | None = None, min_redraw_s: float = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        if interactive is None:
            isatty = getattr(self.stream, "isatty", None)
            interactive = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        self.interactive = interactive
        self.stage: Stage | None = None
        self._min_redraw_s = min_redraw_s
        self._last_draw = 0.0

    def start(self, name: str, **totals: int) -> None:
        """Begin a stage, e.g. `start("build tables", parsed=34, published=20)`."""
        self.finish()
        self.stage = Stage(name, {label: [0, total] for label, total in totals.items()})
        self._draw(force=True)

    def advance(self, label: str | None = None, *, failed: bool = False) -> None:
        if self.stage is None:
            return
        if failed:
            self.stage.failed += 1
        elif label in self.stage.counters:
            self.stage.counters[label][0] += 1
        self._draw()

    def finish(self) -> None:
        if self.stage is None:
            return
        if self.interactive:
            self._write("\r\x1b[K" + self.stage.line() + "\n")
        else:
            self._write(self.stage.line() + "\n")
        self.stage = None

    def note(self, line: str) -> None:
        """A line of its own (e.g. where a source's bytes came from), kept above the live line."""
        if self.interactive and self.stage is not None:
            self._write("\r\x1b[K" + line + "\n")
            self._draw(force=True)
        else:
            self._write(line + "\n")

    def _draw(self, force: bool = False) -> None:
        if not self.interactive or self.stage is None:
            return
        now = time.monotonic()
        if force or now - self._last_draw >= self._min_redraw_s:
            self._last_draw = now
            self._write("\r\x1b[K" + self.stage.line())

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # progress is a courtesy: a closed stderr must not fail the refresh


_active: Progress | None = None


def activate(progress: Progress | None) -> None:
    global _active
    _active = progress


class _ForwardEvents(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        progress = _active
        if event is None or progress is None or progress.stage is None:
            return
        kind = event.event_type_value
        if kind == "ASSET_OBSERVATION":
            progress.advance("observed")
        elif kind == "ASSET_MATERIALIZATION":
            # `<table>__<source>` assets hold one source's parsed, validated rows, `sql_<file>` assets
            # apply a file of views and macros; the rest publish.
            key = event.asset_key.to_user_string()
            progress.advance("parsed" if "__" in key else "views" if key.startswith(SQL_ASSET_PREFIX) else "published")
        elif kind == "STEP_FAILURE":
            progress.advance(failed=True)


def dagster_logger():
    import dagster as dg

    @dg.logger(description="Forwards asset events to the refresh's progress line.")
    def progress_logger(_context):
        log = logging.Logger("aifootprint.progress", level=logging.DEBUG)
        log.addHandler(_ForwardEvents(level=logging.DEBUG))
        return log

    return progress_logger
