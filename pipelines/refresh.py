"""Run the refresh job in-process against the local Dagster instance and summarise it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import settings
from pipelines.warehouse import Warehouse


@dataclass
class RefreshOutcome:
    success: bool
    materialized: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    check_warnings: list[tuple[str, str]] = field(default_factory=list)
    run_id: str = ""

    def report_lines(self) -> list[str]:
        lines = [f"materialized {len(self.materialized)} asset(s) (run {self.run_id})"]
        lines += [f"warning: check {name}: {detail}" for name, detail in self.check_warnings]
        lines += [f"error: {step}: {message}" for step, message in self.failures]
        if self.skipped:
            lines.append(f"not materialized (upstream failed): {', '.join(sorted(self.skipped))}")
        lines.append("refresh succeeded" if self.success else "refresh FAILED; published tables are unchanged "
                     "where their inputs failed")
        return lines


def _innermost_message(error) -> str:
    while error is not None and error.cause is not None:
        error = error.cause
    return (error.message if error is not None else "unknown error").strip().removeprefix(
        "pipelines.errors.").strip()


def run_refresh(*, archive_dir: str | Path | None = None, select: list[str] | None = None,
                warehouse_dir: str | Path | None = None, instance=None, log_level: str = "CRITICAL",
                **raw_store_options) -> RefreshOutcome:
    import dagster as dg

    from pipelines.definitions import build_definitions

    settings.ensure_dagster_home()
    warehouse_dir = Path(warehouse_dir or settings.warehouse_dir())
    archive_dir = archive_dir or settings.archive_dir()
    defs = build_definitions(archive_dir=str(Path(archive_dir).resolve()) if archive_dir else None,
                             warehouse_dir=str(warehouse_dir), **raw_store_options)
    job = defs.resolve_job_def("refresh")
    selection = None
    if select:
        selection = dg.AssetSelection.from_string(" or ".join(f"({s})" if "+" in s or ":" in s else f'key:"{s}"'
                                                               for s in select))
    instance = instance or dg.DagsterInstance.get()
    with Warehouse(warehouse_dir).refresh_lock():
        asset_keys = selection.resolve(defs.resolve_asset_graph()) if selection else None
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, asset_selection=asset_keys,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}})
    outcome = RefreshOutcome(success=result.success, run_id=result.run_id)
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            outcome.materialized.append(event.asset_key.to_user_string())
        elif event.is_step_failure:
            outcome.failures.append((event.step_key, _innermost_message(event.step_failure_data.error)))
        elif event.is_step_skipped:
            outcome.skipped.append(event.step_key)
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                outcome.check_warnings.append((evaluation.check_name, _check_summary(evaluation)))
    return outcome


def _check_summary(evaluation) -> str:
    parts = []
    for key, value in (evaluation.metadata or {}).items():
        text = str(getattr(value, "value", value))
        parts.append(f"{key}={text[:200]}")
    return "; ".join(parts)
