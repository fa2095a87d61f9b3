"""Run every benchmark and print the figures and the target ratios: `python -m benchmarks`."""

from benchmarks import batch_estimate, floor, refresh
from benchmarks.common import machine

if __name__ == "__main__":
    print(f"machine: {machine()}")
    floor_s = floor.measure()
    print(f"floor: read every raw file once: median {floor_s:.3f} s")
    r = refresh.measure()
    print(f"full_refresh: median {r['full_s']:.2f} s = {r['full_s'] / floor_s:.1f}x floor (target <= 5x, <= 60 s); "
          f"peak RSS {r['full_peak_rss_mib']:.0f} MiB (target <= 1024)")
    print(f"noop_refresh: median {r['noop_s']:.3f} s = {r['noop_s'] / r['full_s']:.1%} of full (target <= 10%)")
    b = batch_estimate.measure()
    print(f"batch_estimate: {b['rows']:,} jobs in {b['cli_s']:.2f} s ({b['rows'] / b['cli_s']:,.0f} rows/s); "
          f"{b['pandas_s'] / b['cli_s']:.0f}x pandas apply (target >= 100x); "
          f"{b['cli_s'] / b['sql_s']:.2f}x hand-written SQL (target <= 1.5x)")
