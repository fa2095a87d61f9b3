"""`aifootprint estimate`: energy, operational and embodied emissions of accelerator work.

One job from flags (`--hardware --count --hours ...`), printed as tables or JSON with every
input, its value and where each default came from; or a file of jobs (`--jobs FILE --out
FILE`) computed in one warehouse query. Both run the warehouse's `footprint(...)` macro
through pipelines/footprint.py.
"""

from __future__ import annotations

import argparse
import sys

from pipelines import estimate_modes
from pipelines.calculation_defaults import calculation_default

# One-job flags that a jobs file replaces with its own columns.
_JOB_FLAGS = (
    "hardware",
    "count",
    "hours",
    "zone",
    "year",
    "pue",
    "power_w",
    "intensity",
    "utilization",
    "lifetime_years",
    "embodied_kgco2e",
    *estimate_modes.INFERENCE_FLAGS,
    "start",
    "basis",
)
_DEVICE_JOB_INPUTS = ("year", "pue", "power_w", "intensity", "utilization", "lifetime_years", "embodied_kgco2e")


def device_job_inputs(args) -> dict:
    """The flags an accelerator-hours job passes on as they are, by keyword."""
    return {name: getattr(args, name) for name in _DEVICE_JOB_INPUTS}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "estimate",
        help="energy, operational and embodied CO2e of N accelerators for H hours",
        description="Estimate energy_kwh = count x power x hours x PUE / 1000, operational CO2e = energy x grid "
        "intensity and embodied CO2e = count x embodied per device x hours / lifetime hours. Inputs "
        "not given default to the warehouse's data (TDP, datacenter_pue_default, "
        "grid_carbon_intensity_preferred, accelerator_embodied_preferred); the output names the "
        "source and vintage of each. With --jobs, every row of a CSV or Parquet file is one job "
        "(columns hardware, count, hours and optionally zone, year, pue, power_w, utilization, "
        "intensity, lifetime_years, embodied_kgco2e, measured_energy_kwh, tracker_pue, tracker_kgco2e), "
        "or a CodeCarbon emissions.csv, or a `sacct --parsable2` export with a mapping file.",
    )
    job = parser.add_argument_group("one job")
    job.add_argument("--hardware", metavar="NAME", help="accelerator, e.g. 'H100 SXM', 'A100 80GB', 'TPU v3'")
    job.add_argument("--count", type=float, metavar="N", help="number of accelerators (> 0)")
    job.add_argument("--hours", type=float, metavar="H", help="hours each accelerator runs (> 0)")
    job.add_argument(
        "--zone",
        metavar="Z",
        help="grid zone id or name (FRA, France, USA-CA, gcp:europe-west9); default: world average",
    )
    job.add_argument("--year", type=int, metavar="Y", help="year of the grid intensity; default: latest with data")
    job.add_argument("--pue", type=float, metavar="P", help="data-centre PUE (>= 1); default: datacenter_pue_default")
    job.add_argument(
        "--power-w",
        dest="power_w",
        type=float,
        metavar="W",
        help="average power per accelerator, watts; default: TDP x utilization",
    )
    job.add_argument("--intensity", type=float, metavar="G", help="grid intensity, gCO2e/kWh; default: from zone/year")
    job.add_argument(
        "--utilization",
        type=float,
        metavar="U",
        help=f"fraction of TDP drawn, in (0, 1]; default {calculation_default('utilization', 'estimate'):g}",
    )
    job.add_argument(
        "--lifetime-years",
        dest="lifetime_years",
        type=float,
        metavar="L",
        help="service life for embodied emissions, years; "
        f"default {calculation_default('lifetime_years', 'estimate'):g}",
    )
    job.add_argument(
        "--embodied-kgco2e",
        dest="embodied_kgco2e",
        type=float,
        metavar="KG",
        help="embodied emissions per accelerator, kgCO2e; default: accelerator_embodied_preferred",
    )
    job.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="table (default) or json (always valid JSON: no NaN or infinity tokens)",
    )
    estimate_modes.add_arguments(parser)
    batch = parser.add_argument_group("a file of jobs")
    batch.add_argument(
        "--jobs",
        metavar="FILE",
        help="CSV or Parquet file, one job per row; or a glob "
        "('logs/*.parquet', quoted) or a folder of Parquet parts; "
        "or CodeCarbon's emissions.csv, or `sacct --parsable2` output",
    )
    batch.add_argument("--out", metavar="FILE", help="where to write the results (.parquet or .csv)")
    batch.add_argument(
        "--skip-invalid",
        action="store_true",
        help="compute the valid rows and list the skipped ones (default: compute nothing if any row is invalid)",
    )
    batch.add_argument(
        "--columns",
        choices=["full", "lean"],
        default="full",
        help="full (default): every input's value, origin, source and vintage; lean: your columns, "
        "the keys canonical_model, zone_id, year and the four results (faster; the same data)",
    )
    batch.add_argument(
        "--memory-limit",
        dest="memory_limit",
        metavar="SIZE",
        default=None,
        help="DuckDB's memory for the batch, e.g. 512MB or 4GB (default 512MB); beyond it, disk",
    )
    batch.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )
    batch.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="duckdb (default): this machine, streaming; spark: Apache Spark (needs the spark "
        "extra and Java 17+), --out is then a folder of Parquet parts",
    )
    batch.add_argument(
        "--master",
        metavar="URL",
        help="Spark master (local[4], spark://host:7077, yarn); default: what spark-submit configured, else local[*]",
    )
    batch.add_argument(
        "--jobs-format",
        dest="jobs_format",
        choices=["auto", "plain", "codecarbon", "slurm"],
        default="auto",
        help="what FILE is: a jobs file (plain), CodeCarbon's emissions.csv, or "
        "`sacct --parsable2` output; default: recognised from the header",
    )
    batch.add_argument(
        "--mapping",
        metavar="FILE",
        help="SLURM: TOML mapping partition / GPU type -> accelerator, cluster -> zone, time zone, PUE (see README)",
    )
    batch.add_argument(
        "--include-states",
        dest="include_states",
        metavar="S,S",
        help="SLURM: job states to compute, comma-separated, or 'all'; default: jobs that ended "
        "(COMPLETED, FAILED, TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED ...)",
    )
    batch.add_argument(
        "--timezone",
        metavar="TZ",
        help="CodeCarbon: IANA time zone of the timestamps (e.g. Europe/Paris); default: the run's country",
    )
    from pipelines.cli import add_release_option

    add_release_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipelines.cli import UsageError, use_release
    from pipelines.errors import UnknownHardwareError
    from pipelines.footprint import InvalidInputError, InvalidJobsError

    use_release(args)
    _refuse_non_finite(args)
    try:
        if not args.jobs and estimate_modes.wants_inference(args):
            return estimate_modes.run_inference(args)
        if not args.jobs and estimate_modes.wants_start(args):
            return estimate_modes.run_at(args)
        if args.jobs:
            _check_jobs_flags(args)
            if args.jobs_format in ("auto", "plain"):  # before anything reads it: an empty or non-UTF-8
                _check_jobs_file(args.jobs)  # file gets one line
        if (
            _is_plain_jobs_file(args)
            and estimate_modes.jobs_are_mixed(args)
            and not [n for n in _JOB_FLAGS if getattr(args, n) is not None]
        ):
            return estimate_modes.run_mixed_jobs(args)
        return _run_jobs(args) if args.jobs else _run_one(args)
    except InvalidJobsError as exc:
        _print_bad_rows(exc.bad_row_count, exc.bad_rows)
        raise UsageError(
            f"{args.jobs}: {exc.bad_row_count} invalid row(s), nothing computed (--skip-invalid computes the others)"
        ) from None
    except (InvalidInputError, UnknownHardwareError) as exc:
        raise UsageError(str(exc)) from None


def _is_plain_jobs_file(args) -> bool:
    """A jobs file of ours (not CodeCarbon's or SLURM's usage records), which may mix kinds of rows."""
    from pathlib import Path

    from pipelines.job_formats import detect_format

    if not args.jobs or args.jobs_format not in ("auto", "plain") or not Path(args.jobs).is_file():
        return False
    return args.jobs_format == "plain" or detect_format(args.jobs) == "plain"


def _run_one(args) -> int:
    from pipelines.cli import UsageError, json_text
    from pipelines.footprint import estimate

    if (
        args.out
        or args.skip_invalid
        or args.columns != "full"
        or args.memory_limit
        or args.progress is not None
        or args.engine != "duckdb"
        or args.master
    ):
        raise UsageError(
            "--out, --skip-invalid, --columns, --memory-limit, --progress, --engine and --master go with --jobs"
        )
    format_flags = [
        flag
        for flag, value in (
            ("--jobs-format", args.jobs_format != "auto"),
            ("--mapping", args.mapping),
            ("--include-states", args.include_states),
            ("--timezone", args.timezone),
        )
        if value
    ]
    if format_flags:
        raise UsageError(f"{', '.join(format_flags)}: only with --jobs FILE")
    missing = [f"--{name}" for name in ("hardware", "count", "hours") if getattr(args, name) is None]
    if missing:
        raise UsageError(f"missing {', '.join(missing)} (or give --jobs FILE --out FILE)")
    result = estimate(args.hardware, args.count, args.hours, zone=args.zone, **device_job_inputs(args))
    used = _dataset()
    chosen = next((i.value for i in result.inputs if i.name == "hardware"), None)
    ambiguity = variant_note(args.hardware, chosen) if chosen else None
    if args.format == "json":
        record = result.to_dict()
        if ambiguity:
            record["notes"] = [ambiguity, *record["notes"]]
        sys.stdout.write(json_text({**record, "dataset": used}))
    else:
        text = render_table(result)
        if ambiguity:
            text += f"note: {ambiguity}\n"
        sys.stdout.write(text + f"dataset: {used['label']}\n")
    return 0


def variant_note(name: str, chosen: str) -> str | None:
    """When a name leaves out what tells variants apart ('H100': SXM 700 W or PCIe 350 W), say which
    variant the estimate used and which others the data holds."""
    import re

    from pipelines.footprint import connect
    from pipelines.hardware import model_family

    stated = [t for t in re.split(r"[^a-z0-9]+", str(name).lower()) if t]
    unstated = [t for t in chosen.split("-") if not any(s.startswith(t) for s in stated)]
    if not unstated:
        return None
    with connect() as con:
        rows = con.execute("select canonical_model, model, tdp_w from accelerator_specs_preferred").fetchall()
    family = model_family(chosen)
    tdp = {key: watts for key, _, watts in rows}
    # Variants that share what the name does say come first ('A100 80GB' -> the other 80 GB one).
    others = sorted(
        (key for key, _, _ in rows if key != chosen and model_family(key) == family),
        key=lambda key: (-sum(any(s.startswith(t) for s in stated) for t in key.split("-")), key),
    )
    if not others:
        return None

    def label(key):
        return f"{key} ({tdp[key]:g} W)" if tdp.get(key) is not None else key

    return (
        f"'{name}' does not say which variant: used {label(chosen)}; the data also has "
        f"{', '.join(label(k) for k in others)}. Name one (e.g. --hardware '{others[0]}') to use it."
    )


def _check_jobs_file(path: str) -> None:
    """Refuse an empty jobs file, or a CSV that is not UTF-8, with one line naming it."""
    import codecs
    from pathlib import Path

    from pipelines.cli import UsageError

    file = Path(path)
    if file.is_dir() or any(ch in str(path) for ch in "*?["):
        return  # a folder or a glob: pipelines.batch.open_jobs finds and checks its files
    if not file.is_file():
        raise UsageError(f"--jobs {path}: no such file")
    if file.stat().st_size == 0:
        raise UsageError(f"--jobs {path}: the file is empty; expected a header line with hardware,count,hours")
    if file.suffix.lower() != ".csv":
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 0
    with file.open("rb") as handle:
        # The whole file, in blocks: a stray byte on line 9 million is as fatal as one on line 2.
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + block.count(b"\n", 0, max(exc.start, 0)) + 1
                raise UsageError(
                    f"--jobs {path}: not UTF-8 text on line {line} (byte 0x{block[exc.start]:02x} "
                    f"at offset {offset + exc.start}); save it as UTF-8"
                ) from None
            offset += len(block)
            lines += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UsageError(f"--jobs {path}: not UTF-8 text (the file ends inside a character)") from None


def _dataset() -> dict:
    from pipelines import dataset, settings

    return dataset.describe(settings.warehouse_dir())


def _refuse_non_finite(args) -> None:
    """NaN and infinity parse as floats; no input of an estimate can be either."""
    import math

    from pipelines.cli import UsageError

    for name in _JOB_FLAGS:
        value = getattr(args, name, None)
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageError(f"--{name.replace('_', '-')} {value}: not a finite number")


def _check_jobs_flags(args) -> None:
    from pipelines.cli import UsageError

    given = [f"--{name.replace('_', '-')}" for name in _JOB_FLAGS if getattr(args, name) is not None]
    if given:
        raise UsageError(f"--jobs takes every input from the file's columns; drop {', '.join(given)}")
    if not args.out:
        raise UsageError("--jobs needs --out FILE (.parquet or .csv)")


def _run_jobs(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.footprint import estimate_jobs_file

    _check_jobs_flags(args)
    from pipelines.batch import DEFAULT_MEMORY_LIMIT
    from pipelines.job_formats import FormatOptions

    options = FormatOptions(mapping=args.mapping, include_states=args.include_states, timezone=args.timezone)
    if args.jobs_format == "plain" and (args.mapping or args.include_states or args.timezone):
        raise UsageError("--mapping, --include-states and --timezone go with CodeCarbon or SLURM files")
    if args.engine == "spark":
        from pipelines.batch_spark import estimate_jobs_spark

        if args.memory_limit:
            raise UsageError("--memory-limit is for --engine duckdb; size Spark with spark-submit's options")
        if args.jobs_format not in ("auto", "plain") or args.mapping or args.include_states or args.timezone:
            raise UsageError(
                "--engine spark reads plain jobs files; CodeCarbon and SLURM logs run on --engine "
                "duckdb (or give Spark their measured_energy_kwh, tracker_pue ... columns)"
            )
        result = estimate_jobs_spark(
            args.jobs, args.out, skip_invalid=args.skip_invalid, columns=args.columns, master=args.master
        )
    elif args.master:
        raise UsageError("--master goes with --engine spark")
    else:
        result = estimate_jobs_file(
            args.jobs,
            args.out,
            skip_invalid=args.skip_invalid,
            columns=args.columns,
            memory_limit=args.memory_limit or DEFAULT_MEMORY_LIMIT,
            progress=args.progress,
            jobs_format=args.jobs_format,
            format_options=options,
        )
    for why, rows in result.left_out.items():
        print(f"left out {rows} row(s): {why}", file=sys.stderr)
    return report_jobs_written(result, args.out, f" using {_dataset()['label']}")


def report_jobs_written(result, out: str, dataset_note: str = "") -> int:
    """The skipped rows and the count written on stderr, the output's path on stdout."""
    if result.bad_row_count:
        print(f"skipped {result.bad_row_count} invalid row(s):", file=sys.stderr)
        _print_bad_rows(result.bad_row_count, result.bad_rows)
    print(f"wrote {result.rows_written} row(s) to {out}{dataset_note}", file=sys.stderr)
    print(out)
    return 0


def _print_bad_rows(count: int, bad_rows) -> None:
    from pipelines.output_safety import terminal_safe

    for row in bad_rows:  # reasons quote the file's cells: no control character reaches the terminal
        print(f"  {terminal_safe(row.location)}: {terminal_safe(row.reason)}", file=sys.stderr)
    if count > len(bad_rows):
        print(f"  ... and {count - len(bad_rows)} more", file=sys.stderr)


def render_table(result) -> str:
    """The estimate as plain-text tables: results, inputs with their sources, equivalences, notes."""

    def amount(value, unit, big_unit):
        if value is None:
            return "-", "-"
        return f"{_number(value)} {unit}", f"{_number(value / 1000)} {big_unit}"

    parts = [
        _text_table(
            ["result", "value", "in larger units"],
            [
                ("energy", *amount(result.energy_kwh, "kWh", "MWh")),
                ("operational emissions", *amount(result.operational_kgco2e, "kgCO2e", "tCO2e")),
                ("embodied emissions", *amount(result.embodied_kgco2e, "kgCO2e", "tCO2e")),
                ("total emissions", *amount(result.total_kgco2e, "kgCO2e", "tCO2e")),
            ],
            right={1, 2},
        )
    ]
    parts += [
        "",
        inputs_table(result.inputs),
    ]
    if result.equivalences:
        parts += [
            "",
            _text_table(
                ["amount", "equivalent to", "reference", "citation"],
                [
                    (
                        _number(e.amount),
                        e.label,
                        f"{e.reference_value:g} {e.reference_unit}",
                        f"{e.publisher} ({e.published or 'n.d.'}) {e.url}",
                    )
                    for e in result.equivalences
                ],
                right={0},
            ),
        ]
    if result.notes:
        parts += ["", *(f"note: {note}" for note in result.notes)]
    return "\n".join(parts) + "\n"


def inputs_table(inputs) -> str:
    return _text_table(
        ["input", "value", "unit", "origin", "source", "source_id", "vintage"],
        [
            (i.name, _input_value(i.value), i.unit, i.origin, i.source, i.source_id or "-", i.source_vintage or "-")
            for i in inputs
        ],
        right={1},
    )


def _text_table(header: list[str], rows: list[tuple], right: set[int]) -> str:
    """Columns padded to their widest cell; the columns in `right` (numbers) right-aligned."""
    cells = [list(map(str, header)), *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    )


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
    return (
        f"{value:,}"
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 10000
        else str(value)
    )
