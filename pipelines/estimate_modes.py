"""The inference and time-resolved forms of `aifootprint estimate` (flags, dispatch, output).

Kept apart from pipelines/commands/estimate.py, which owns the accelerator-hours form and the
jobs file: that command adds these flags with `add_arguments` and hands a parsed command line
here when `wants_inference` or `wants_start` says so.
"""

from __future__ import annotations

import json
import sys

INFERENCE_FLAGS = ("model", "params_b", "task", "requests", "tokens", "batch")


def add_arguments(parser) -> None:
    inference = parser.add_argument_group(
        "an inference job (energy from the closest measured configuration in inference_energy_measurements)"
    )
    inference.add_argument(
        "--model", metavar="NAME", help="model, loosely ('llama 3.1 8b', 'Qwen3-14B') or a size ('8B')"
    )
    inference.add_argument(
        "--params-b",
        dest="params_b",
        type=float,
        metavar="B",
        help="parameter count in billions: the closest measured model by size",
    )
    inference.add_argument(
        "--task", metavar="T", help="chat (default), reasoning, code, image, video, summarization ..."
    )
    inference.add_argument("--requests", type=float, metavar="N", help="number of requests")
    inference.add_argument("--tokens", type=float, metavar="N", help="number of output tokens (instead of requests)")
    inference.add_argument(
        "--batch",
        type=float,
        metavar="B",
        help="requests in flight; default: low/central/high over the measured batches",
    )
    timed = parser.add_argument_group("a start time (grid intensity over the job's own hours)")
    timed.add_argument(
        "--start",
        metavar="ISO",
        help="start of the job, UTC unless an offset is given "
        "(2023-07-01T10:00Z); uses hourly, else monthly, else annual "
        "intensity for --zone",
    )
    timed.add_argument(
        "--basis",
        choices=["lifecycle", "direct"],
        help="basis of the hourly series; default lifecycle where the series has it",
    )


def wants_inference(args) -> bool:
    return any(getattr(args, name) is not None for name in ("model", "params_b", "requests", "tokens"))


def wants_start(args) -> bool:
    return args.start is not None


def run_inference(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.inference import estimate_inference

    clashes = [
        f"--{n.replace('_', '-')}"
        for n in ("count", "hours", "power_w", "utilization", "start")
        if getattr(args, n) is not None
    ]
    if clashes:
        raise UsageError(
            f"an inference job takes --model/--params-b, --task, --requests or --tokens; drop {', '.join(clashes)}"
        )
    result = estimate_inference(
        args.model,
        params_billions=args.params_b,
        task=args.task,
        requests=args.requests,
        tokens=args.tokens,
        hardware=args.hardware,
        batch=args.batch,
        zone=args.zone,
        year=args.year,
        pue=args.pue,
        intensity=args.intensity,
        lifetime_years=args.lifetime_years,
        embodied_kgco2e=args.embodied_kgco2e,
    )
    if args.format == "json":
        return _write_json(result)
    from pipelines.commands.estimate import _number, _text_table, inputs_table

    r = result.results
    rows = [
        (
            label,
            *(
                _number(r[f"{key}_{bound}"]) if r[f"{key}_{bound}"] is not None else "-"
                for bound in ("low", "central", "high")
            ),
            unit,
        )
        for label, key, unit in (
            ("GPU energy (measured scope)", "gpu_energy_kwh", "kWh"),
            ("server energy", "server_energy_kwh", "kWh"),
            ("facility energy (x PUE)", "energy_kwh", "kWh"),
            ("operational emissions", "operational_kgco2e", "kgCO2e"),
            ("embodied emissions", "embodied_kgco2e", "kgCO2e"),
            ("total emissions", "total_kgco2e", "kgCO2e"),
        )
    ]
    parts = [_text_table(["result", "low", "central", "high", "unit"], rows, right={1, 2, 3})]
    per = [
        (label, _number(r[key]), unit)
        for label, key, unit in (
            ("energy per request", "energy_wh_per_request_central", "Wh"),
            ("energy per 1,000 output tokens", "energy_wh_per_1000_tokens_central", "Wh"),
            ("emissions per request", "gco2e_per_request_central", "gCO2e"),
        )
        if r[key] is not None
    ]
    if per:
        parts += ["", _text_table(["per unit (central)", "value", "unit"], per, right={1})]
    parts += ["", inputs_table(result.inputs)]
    parts += ["", *(f"note: {note}" for note in result.notes)]
    sys.stdout.write("\n".join(parts) + "\n")
    return 0


def run_at(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.commands.estimate import device_job_inputs, render_table
    from pipelines.timeresolved import estimate_at

    missing = [f"--{name}" for name in ("hardware", "count", "hours", "zone") if getattr(args, name) is None]
    if missing:
        raise UsageError(f"a job with --start needs {', '.join(missing)}")
    result = estimate_at(
        args.hardware, args.count, args.hours, args.start, args.zone, basis=args.basis, **device_job_inputs(args)
    )
    if args.format == "json":
        return _write_json(result)
    window = result.window
    text = render_table(result.estimate)
    header = (
        f"grid intensity: {window.resolution} resolution, {window.gco2e_per_kwh:.1f} gCO2e/kWh "
        f"({window.basis}, {window.source_id}) over {window.hours:g} h from {window.start_utc}"
    )
    if result.annual_average_operational_kgco2e is not None:
        header += (
            f"\nannual average of the same series: {window.annual_mean_gco2e_per_kwh:.1f} gCO2e/kWh -> "
            f"operational {_fmt(result.annual_average_operational_kgco2e)} kgCO2e "
            f"(this start: {_fmt(result.estimate.operational_kgco2e)} kgCO2e)"
        )
    sys.stdout.write(header + "\n\n" + text)
    return 0


def _write_json(result) -> int:
    sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    return 0


def _fmt(value: float) -> str:
    from pipelines.commands.estimate import _number

    return _number(value)


def jobs_are_mixed(args) -> bool:
    from pathlib import Path

    from pipelines.mixed_jobs import is_mixed

    return bool(args.jobs) and Path(args.jobs).is_file() and is_mixed(args.jobs)


def run_mixed_jobs(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.commands.estimate import report_jobs_written
    from pipelines.mixed_jobs import estimate_mixed_jobs_file

    if not args.out:
        raise UsageError("--jobs needs --out FILE (.parquet or .csv)")
    return report_jobs_written(estimate_mixed_jobs_file(args.jobs, args.out, skip_invalid=args.skip_invalid), args.out)
