"""Every benchmark, its figures and the target ratios, measured side by side in one run:

    python -m benchmarks            # batch at 10 M and 100 M jobs, Spark at 10 M, 3 runs each
    python -m benchmarks --quick    # 1 M jobs, Spark at 1 M, hourly growth from 10 k rows, 1-2 runs

Medians of several runs; peak RSS of each child process. Heavy: the full run takes tens of minutes.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks import batch_estimate, floor, hourly_growth, refresh
from benchmarks.common import machine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs (minutes)")
    parser.add_argument("--no-spark", action="store_true", help="leave out the local Spark run")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    sizes = [1_000_000] if args.quick else [10_000_000, 100_000_000]
    print(f"machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="aifootprint-bench-") as scratch:
        scratch = Path(scratch)
        floor_s = floor.measure(repeats=3 if args.quick else 5)
        print(f"floor: read every raw file once: median {floor_s:.3f} s", flush=True)
        r = refresh.measure(scratch, repeats=repeats if args.quick else 3)
        for line in refresh.report(r, floor_s):
            print(line, flush=True)
        env = r["env"]
        for rows in sizes:
            b = batch_estimate.measure(
                scratch,
                env,
                rows,
                repeats=repeats if rows <= 10_000_000 else 1,
                spark=not args.no_spark and rows == sizes[0],
            )
            for line in batch_estimate.report(b):
                print(line, flush=True)
        g = hourly_growth.measure(
            Path(env["AIFOOTPRINT_WAREHOUSE"]),
            scratch,
            base_rows=10_000 if args.quick else 100_000,
            repeats=1 if args.quick else 2,
        )
        for line in hourly_growth.report(g):
            print(line, flush=True)


if __name__ == "__main__":
    main()
