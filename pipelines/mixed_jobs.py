"""A jobs file that mixes accelerator-hours (training) rows, inference rows and rows with a start time.

A row is an inference job when it names a `model` or `params_b` (and gives `requests` or
`tokens`); otherwise it is an accelerator-hours job, computed by
`pipelines.footprint.estimate_jobs_file` exactly as a plain jobs file. An accelerator-hours row
with a `start` takes its intensity from the grid over its own hours (pipelines.timeresolved:
hourly, else monthly, else annual) and says which resolution in `intensity_resolution`.

Inference rows are computed one by one through `pipelines.inference.estimate_inference` (the
closest-configuration rule and `inference_footprint(...)` of warehouse/sql/50_inference.sql);
their energy and emission columns are the central values, with low/high beside. The output has one
row per input row, in file order, `job_kind` saying which calculation it took; columns one kind
does not have are empty for the other. Bad rows are listed with their line (CSV, header = line
1) or row (Parquet) and reason, and nothing is written unless `skip_invalid`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import footprint
from pipelines.footprint import BadRow, BatchResult, InvalidInputError, InvalidJobsError

INFERENCE_COLUMNS = ("model", "params_b", "task", "requests", "tokens", "batch")
TIME_COLUMNS = ("start", "basis")


def is_mixed(jobs_path: str | Path) -> bool:
    """Whether a jobs file has inference or start-time columns (else the plain batch path applies)."""
    return bool(set(_columns(jobs_path)) & set(INFERENCE_COLUMNS + TIME_COLUMNS))


def _columns(jobs_path) -> list[str]:
    fmt = footprint.file_format(jobs_path)
    reader = "read_csv(?, header = true, all_varchar = true)" if fmt == "csv" else "read_parquet(?)"
    try:
        with duckdb.connect() as con:
            return [row[0] for row in con.execute(f"describe select * from {reader}", [str(jobs_path)]).fetchall()]
    except duckdb.Error as exc:
        raise InvalidInputError([f"{jobs_path}: cannot read as {fmt} ({exc})"]) from None


def _read(jobs_path) -> pd.DataFrame:
    fmt = footprint.file_format(jobs_path)
    reader = "read_csv(?, header = true, all_varchar = true)" if fmt == "csv" else "read_parquet(?)"
    with duckdb.connect() as con:
        frame = con.execute(f"select * from {reader}", [str(jobs_path)]).fetchdf()
    return frame.astype(object).where(frame.notna(), None)


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _number(value, column: str, problems: list[str]) -> float | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        problems.append(f"{column} {text} is not a number")
        return None


def estimate_mixed_jobs_file(
    jobs_path: str | Path, out_path: str | Path, *, skip_invalid: bool = False, warehouse=None
) -> BatchResult:
    if not Path(jobs_path).is_file():
        raise InvalidInputError([f"{jobs_path}: no such file"])
    in_format, out_format = footprint.file_format(jobs_path), footprint.file_format(out_path)
    unit, offset = ("line", 2) if in_format == "csv" else ("row", 1)
    frame = _read(jobs_path)
    columns = list(frame.columns)
    is_inference = pd.Series(False, index=frame.index)
    for column in ("model", "params_b"):
        if column in frame:
            is_inference |= frame[column].map(_text).notna()
    bad: dict[int, list[str]] = {}
    results: dict[int, dict] = {}

    inference_rows = frame[is_inference]
    if not inference_rows.empty:
        results.update(_inference(inference_rows, bad, warehouse))

    training = frame[~is_inference].copy()
    if not training.empty:
        results.update(_training(training, columns, bad, skip_invalid, warehouse, unit, offset))

    listed = [BadRow(f"{unit} {index + offset}", "; ".join(reasons)) for index, reasons in sorted(bad.items())]
    if bad and not skip_invalid:
        raise InvalidJobsError(len(bad), listed[: footprint.MAX_LISTED_BAD_ROWS])
    rows = [results[i] for i in sorted(results) if i not in bad]
    _write(pd.DataFrame(rows), out_path, out_format)
    return BatchResult(rows_written=len(rows), bad_row_count=len(bad), bad_rows=listed[: footprint.MAX_LISTED_BAD_ROWS])


def _inference(rows: pd.DataFrame, bad: dict, warehouse) -> dict[int, dict]:
    from pipelines.inference import estimate_inference

    out = {}
    for index, row in rows.iterrows():
        problems: list[str] = []
        numbers = {
            c: _number(row.get(c), c, problems)
            for c in (
                "params_b",
                "requests",
                "tokens",
                "batch",
                "pue",
                "intensity",
                "lifetime_years",
                "embodied_kgco2e",
            )
        }
        year = _number(row.get("year"), "year", problems)
        if problems:
            bad[index] = problems
            continue
        try:
            result = estimate_inference(
                _text(row.get("model")),
                params_billions=numbers["params_b"],
                task=_text(row.get("task")),
                requests=numbers["requests"],
                tokens=numbers["tokens"],
                hardware=_text(row.get("hardware")),
                batch=numbers["batch"],
                zone=_text(row.get("zone")),
                year=int(year) if year is not None else None,
                pue=numbers["pue"],
                intensity=numbers["intensity"],
                lifetime_years=numbers["lifetime_years"],
                embodied_kgco2e=numbers["embodied_kgco2e"],
                warehouse=warehouse,
            )
        except InvalidInputError as exc:
            bad[index] = list(exc.problems)
            continue
        inputs = {i.name: i for i in result.inputs}
        out[index] = {
            **{k: v for k, v in row.items()},
            "job_kind": "inference",
            "resolved_model": inputs["model"].value,
            "model_match": inputs["model"].source,
            "measurement_source_id": inputs["model"].source_id,
            "energy_kwh": result.results["energy_kwh_central"],
            "operational_kgco2e": result.results["operational_kgco2e_central"],
            "embodied_kgco2e": result.results["embodied_kgco2e_central"],
            "total_kgco2e": result.results["total_kgco2e_central"],
            **result.results,
        }
    return out


def _training(
    rows: pd.DataFrame, columns: list[str], bad: dict, skip_invalid: bool, warehouse, unit: str, offset: int
) -> dict[int, dict]:
    from pipelines.timeresolved import intensity_over, parse_start, resolve_time_zone

    rows = rows.copy()
    resolution = {}
    if "start" in rows:
        with footprint.connect(warehouse) as con:
            for index, row in rows.iterrows():
                start = _text(row.get("start"))
                if start is None:
                    continue
                problems: list[str] = []
                hours = _number(row.get("hours"), "hours", problems)
                try:
                    if _text(row.get("intensity")) is not None:
                        raise InvalidInputError(["a start time takes the intensity from the grid data; drop intensity"])
                    if _text(row.get("zone")) is None:
                        raise InvalidInputError(["a start time needs a zone"])
                    if hours is None or hours <= 0:
                        raise InvalidInputError(problems or ["hours must be > 0"])
                    zone_id = resolve_time_zone(con, _text(row["zone"]))
                    window = intensity_over(con, zone_id, parse_start(start), hours, _text(row.get("basis")))
                except InvalidInputError as exc:
                    bad[index] = list(exc.problems)
                    continue
                rows.at[index, "intensity"] = str(window.gco2e_per_kwh)
                rows.at[index, "zone"] = None  # the intensity is the zone's own hours, not its annual value
                resolution[index] = {
                    "zone_id": zone_id,
                    "intensity_resolution": window.resolution,
                    "intensity_basis": window.basis,
                    "intensity_source_id": window.source_id,
                    "intensity_source_vintage": window.source_vintage,
                    "annual_mean_gco2e_per_kwh": window.annual_mean_gco2e_per_kwh,
                }
    rows = rows.drop(index=[i for i in rows.index if i in bad])
    if rows.empty:
        return {}
    keep = [c for c in columns if c not in INFERENCE_COLUMNS + TIME_COLUMNS]
    if "intensity" not in keep and resolution:
        keep.append("intensity")
    plain = rows[keep].assign(__index=rows.index)
    with tempfile.TemporaryDirectory() as folder:
        jobs = Path(folder) / "jobs.csv"
        out = Path(folder) / "out.parquet"
        plain.to_csv(jobs, index=False)
        try:
            footprint.estimate_jobs_file(jobs, out, skip_invalid=True, warehouse=warehouse)
        except InvalidJobsError as exc:  # not raised with skip_invalid; kept for safety
            raise InvalidInputError(exc.problems) from None
        computed = pd.read_parquet(out) if out.exists() else pd.DataFrame(columns=["__index"])
    done = set(computed["__index"].astype(int))
    for index in plain["__index"]:
        if index not in done:
            bad.setdefault(index, []).append(_training_reason(plain, index, warehouse))
    results = {}
    original = rows.to_dict("index")
    for record in computed.to_dict("records"):
        index = int(record.pop("__index"))
        results[index] = {**original[index], **record, "job_kind": "training", **resolution.get(index, {})}
    return results


def _training_reason(plain: pd.DataFrame, index: int, warehouse) -> str:
    """The reason the plain batch gives for one row (it lists skipped rows by line)."""
    with tempfile.TemporaryDirectory() as folder:
        jobs = Path(folder) / "one.csv"
        plain[plain["__index"] == index].to_csv(jobs, index=False)
        try:
            footprint.estimate_jobs_file(jobs, Path(folder) / "o.parquet", warehouse=warehouse)
        except InvalidJobsError as exc:
            return "; ".join(row.reason for row in exc.bad_rows) or "cannot be computed"
        except InvalidInputError as exc:
            return "; ".join(exc.problems)
    return "cannot be computed"


def _write(frame: pd.DataFrame, out_path, out_format: str) -> None:
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    try:
        frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
        if out_format == "parquet":
            frame.to_parquet(tmp, index=False, compression="zstd")
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
