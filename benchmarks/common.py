"""Shared helpers: repeat a measurement, report medians, run the CLI as a child process."""

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


def run_cli(args: list[str], env: dict[str, str]) -> ChildRun:
    """Run `aifootprint ARGS` in a child process; wall time and the child's peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", *args], env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read()
    process.stderr.close()
    return ChildRun(seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), stderr)


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
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"
