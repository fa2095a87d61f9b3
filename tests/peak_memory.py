"""Run Python code in a child process and measure the child's own peak memory.

The child reads its high-water mark (VmHWM) from /proc/self/status as it exits and writes it to a
file the parent names. getrusage's ru_maxrss is no measure of a child here: Linux keeps the
parent's high-water mark across fork + exec, so every child of a ~1 GB pytest process would read
~1 GB.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

# Runs first in the child: takes the peak file from argv, so the measured code sees only its own arguments.
_RECORD_PEAK_AT_EXIT = """
import atexit as _atexit, sys as _sys
def _record_peak(path=_sys.argv.pop(1)):
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(path, "w") as out:
        out.write(kib)
_atexit.register(_record_peak)
"""

# The CLI as the measured code: argv after the peak file are its arguments.
CLI = """
sys.argv = ["aifootprint", *sys.argv[1:]]
from pipelines.cli import main
sys.exit(main())
"""


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float | None  # None when the child was killed before its exit handlers ran


def run_measured_python(code: str, *args: str, env: dict | None = None, timeout_s: float = 600) -> Finished:
    """Run `code` (dedented) as `python -c` with `args`; a child still running after `timeout_s` is killed.
    Output goes through files, not pipes, so a child that prints a lot is not held up by the parent."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        peak_path = Path(scratch) / "peak_kib"
        script = _RECORD_PEAK_AT_EXIT + "import sys\n" + textwrap.dedent(code)
        process = subprocess.Popen(
            [sys.executable, "-c", script, str(peak_path), *args],
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.seek(0)
        err.seek(0)
        peak_mb = int(peak_path.read_text()) / 1024 if peak_path.exists() else None
        return Finished(
            process.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), peak_mb
        )
