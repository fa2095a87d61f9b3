"""`aifootprint estimate`: energy, operational and embodied emissions of accelerator work.

One job from flags (`--hardware --count --hours ...`), printed as tables or JSON with every
input, its value and where each default came from; or a file of jobs (`--jobs FILE --out
FILE`) computed in one warehouse query. Both run the warehouse's `footprint(...)` macro
through pipelines/footprint.py.
"""

from __future__ import annotations

import json
import sys

# One-job flags that a jobs file replaces with its own columns.
_JOB_FLAGS = ("hardware", "count", "hours", "zone", "year", "pue", "power_w", "intensity", "utilization",
              "lifetime_years", "embodied_kgco2e")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "estimate", help="energy, operational and embodied CO2e of N accelerators for H hours",
        description="Estimate energy_kwh = count x power x hours x PUE / 1000, operational CO2e = energy x grid "
                    "intensity and embodied CO2e = count x embodied per device x hours / lifetime hours. Inputs "
                    "not given default to the warehouse's data (TDP, datacenter_pue_default, "
                    "grid_carbon_intensity_preferred, accelerator_embodied_preferred); the output names the "
                    "source and vintage of each. With --jobs, every row of a CSV or Parquet file is one job "
                    "(columns hardware, count, hours and optionally zone, year, pue, power_w, utilization, "
                    "intensity, lifetime_years, embodied_kgco2e, measured_energy_kwh, tracker_pue, tracker_kgco2e), "
                    "or a CodeCarbon emissions.csv, or a `sacct --parsable2` export with a mapping file.")
    job = parser.add_argument_group("one job")
    job.add_argument("--hardware", metavar="NAME", help="accelerator, e.g. 'H100 SXM', 'A100 80GB', 'TPU v3'")
    job.add_argument("--count", type=float, metavar="N", help="number of accelerators (> 0)")
    job.add_argument("--hours", type=float, metavar="H", help="hours each accelerator runs (> 0)")
    job.add_argument("--zone", metavar="Z", help="grid zone id or name (FRA, France, USA-CA, gcp:europe-west9); "
                                                 "default: world average")
    job.add_argument("--year", type=int, metavar="Y", help="year of the grid intensity; default: latest with data")
    job.add_argument("--pue", type=float, metavar="P", help="data-centre PUE (>= 1); default: datacenter_pue_default")
    job.add_argument("--power-w", dest="power_w", type=float, metavar="W",
                     help="average power per accelerator, watts; default: TDP x utilization")
    job.add_argument("--intensity", type=float, metavar="G", help="grid intensity, gCO2e/kWh; default: from zone/year")
    job.add_argument("--utilization", type=float, metavar="U", help="fraction of TDP drawn, in (0, 1]; default 1.0")
    job.add_argument("--lifetime-years", dest="lifetime_years", type=float, metavar="L",
                     help="service life for embodied emissions, years; default 4")
    job.add_argument("--embodied-kgco2e", dest="embodied_kgco2e", type=float, metavar="KG",
                     help="embodied emissions per accelerator, kgCO2e; default: accelerator_embodied_preferred")
    job.add_argument("--format", choices=["table", "json"], default="table")
    batch = parser.add_argument_group("a file of jobs")
    batch.add_argument("--jobs", metavar="FILE", help="CSV or Parquet file, one job per row; or CodeCarbon's "
                                                      "emissions.csv, or `sacct --parsable2` output")
    batch.add_argument("--out", metavar="FILE", help="where to write the results (.parquet or .csv)")
    batch.add_argument("--skip-invalid", action="store_true",
                       help="compute the valid rows and list the skipped ones (default: compute nothing if any "
                            "row is invalid)")
    batch.add_argument("--jobs-format", dest="jobs_format", choices=["auto", "plain", "codecarbon", "slurm"],
                       default="auto", help="what FILE is: a jobs file (plain), CodeCarbon's emissions.csv, or "
                                            "`sacct --parsable2` output; default: recognised from the header")
    batch.add_argument("--mapping", metavar="FILE",
                       help="SLURM: TOML mapping partition / GPU type -> accelerator, cluster -> zone, time zone, "
                            "PUE (see README)")
    batch.add_argument("--include-states", dest="include_states", metavar="S,S",
                       help="SLURM: job states to compute, comma-separated, or 'all'; default: jobs that ended "
                            "(COMPLETED, FAILED, TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED ...)")
    batch.add_argument("--timezone", metavar="TZ",
                       help="CodeCarbon: IANA time zone of the timestamps (e.g. Europe/Paris); default: the "
                            "run's country")
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.errors import UnknownHardwareError
    from pipelines.footprint import InvalidInputError, InvalidJobsError

    try:
        return _run_jobs(args) if args.jobs else _run_one(args)
    except InvalidJobsError as exc:
        _print_bad_rows(exc.bad_row_count, exc.bad_rows)
        raise UsageError(f"{args.jobs}: {exc.bad_row_count} invalid row(s), nothing computed "
                         "(--skip-invalid computes the others)") from None
    except (InvalidInputError, UnknownHardwareError) as exc:
        raise UsageError(str(exc)) from None


def _run_one(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.footprint import estimate

    if args.out or args.skip_invalid:
        raise UsageError("--out and --skip-invalid go with --jobs")
    format_flags = [flag for flag, value in (("--jobs-format", args.jobs_format != "auto"), ("--mapping", args.mapping),
                                             ("--include-states", args.include_states),
                                             ("--timezone", args.timezone)) if value]
    if format_flags:
        raise UsageError(f"{', '.join(format_flags)}: only with --jobs FILE")
    missing = [f"--{name}" for name in ("hardware", "count", "hours") if getattr(args, name) is None]
    if missing:
        raise UsageError(f"missing {', '.join(missing)} (or give --jobs FILE --out FILE)")
    result = estimate(args.hardware, args.count, args.hours, zone=args.zone, year=args.year, pue=args.pue,
                      power_w=args.power_w, intensity=args.intensity, utilization=args.utilization,
                      lifetime_years=args.lifetime_years, embodied_kgco2e=args.embodied_kgco2e)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(render_table(result))
    return 0


def _run_jobs(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.footprint import estimate_jobs_file

    given = [f"--{name.replace('_', '-')}" for name in _JOB_FLAGS if getattr(args, name) is not None]
    if given:
        raise UsageError(f"--jobs takes every input from the file's columns; drop {', '.join(given)}")
    if not args.out:
        raise UsageError("--jobs needs --out FILE (.parquet or .csv)")
    from pipelines.job_formats import FormatOptions

    options = FormatOptions(mapping=args.mapping, include_states=args.include_states, timezone=args.timezone)
    if args.jobs_format == "plain" and (args.mapping or args.include_states or args.timezone):
        raise UsageError("--mapping, --include-states and --timezone go with CodeCarbon or SLURM files")
    result = estimate_jobs_file(args.jobs, args.out, skip_invalid=args.skip_invalid, jobs_format=args.jobs_format,
                                format_options=options)
    for why, rows in result.left_out.items():
        print(f"left out {rows} row(s): {why}", file=sys.stderr)
    if result.bad_row_count:
        print(f"skipped {result.bad_row_count} invalid row(s):", file=sys.stderr)
        _print_bad_rows(result.bad_row_count, result.bad_rows)
    print(f"wrote {result.rows_written} row(s) to {args.out}", file=sys.stderr)
    print(args.out)
    return 0


def _print_bad_rows(count: int, bad_rows) -> None:
    for row in bad_rows:
        print(f"  {row.location}: {row.reason}", file=sys.stderr)
    if count > len(bad_rows):
        print(f"  ... and {count - len(bad_rows)} more", file=sys.stderr)


def render_table(result) -> str:
    """The estimate as plain-text tables: results, inputs with their sources, equivalences, notes."""

    def amount(value, unit, big_unit):
        if value is None:
            return "-", "-"
        return f"{_number(value)} {unit}", f"{_number(value / 1000)} {big_unit}"

    parts = [_text_table(["result", "value", "in larger units"], [
        ("energy", *amount(result.energy_kwh, "kWh", "MWh")),
        ("operational emissions", *amount(result.operational_kgco2e, "kgCO2e", "tCO2e")),
        ("embodied emissions", *amount(result.embodied_kgco2e, "kgCO2e", "tCO2e")),
        ("total emissions", *amount(result.total_kgco2e, "kgCO2e", "tCO2e")),
    ], right={1, 2})]
    parts += ["", _text_table(
        ["input", "value", "unit", "origin", "source", "source_id", "vintage"],
        [(i.name, _input_value(i.value), i.unit, i.origin, i.source, i.source_id or "-", i.source_vintage or "-")
         for i in result.inputs], right={1})]
    if result.equivalences:
        parts += ["", _text_table(
            ["amount", "equivalent to", "reference", "citation"],
            [(_number(e.amount), e.label, f"{e.reference_value:g} {e.reference_unit}",
              f"{e.publisher} ({e.published or 'n.d.'}) {e.url}") for e in result.equivalences], right={0})]
    if result.notes:
        parts += ["", *(f"note: {note}" for note in result.notes)]
    return "\n".join(parts) + "\n"


def _text_table(header: list[str], rows: list[tuple], right: set[int]) -> str:
    """Columns padded to their widest cell; the columns in `right` (numbers) right-aligned."""
    cells = [list(map(str, header)), *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(cell.rjust(width) if i in right else cell.ljust(width)
                               for i, (cell, width) in enumerate(zip(row, widths))).rstrip()
                     for row in cells)


def _number(value: float) -> str:
    """A result to about four significant figures, with thousands separators."""
    magnitude = abs(value)
    if magnitude == 0 or magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 1:
        return f"{value:,.4g}"
    return f"{value:.3g}"


def _input_value(value) -> str:
    """An input as given: whole numbers without decimals, others in full."""
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 10000 \
        else str(value)
