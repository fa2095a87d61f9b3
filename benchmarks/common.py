"""Shared helpers: repeat a measurement, report medians, run a command as a child process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ARCHIVE = REPO.parent / "shared" / "sources"


def archive_dir() -> Path:
    return Path(os.environ.get("AIFOOTPRINT_ARCHIVE") or DEFAULT_ARCHIVE).resolve()


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mib: float
    returncode: int
    stderr: str


def run_child(argv: list[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run `python ARGV` in a child process; its wall time and peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *argv],
        env={**os.environ, **(env or {})},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr = process.stderr.read()  # read before waiting: a full pipe would block the child
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.stderr.close()
    return ChildRun(seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), stderr)


def run_cli(args: list[str], env: dict[str, str]) -> ChildRun:
    """Run `aifootprint ARGS` in a child process."""
    return run_child(["-m", "pipelines.cli", *args], env)


def median(values) -> float:
    return statistics.median(values)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return f"{os.cpu_count()} cores, {cpu}{memory}, Python {sys.version.split()[0]}{load}"
