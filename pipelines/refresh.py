"""Run a refresh in-process against the local Dagster instance, recomputing only what changed.

1. Observe the raw snapshots (fetch with conditional GET, or verify the archive): each reports
   the sha256 of its bytes as its data version.
2. Ask Dagster which assets are stale (an upstream data version or the asset's code version
   changed) or missing, add everything downstream of them, and add any asset whose output file
   is gone from the warehouse.
3. Materialize that set. With nothing changed, step 3 materializes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipelines import fingerprint, settings
from pipelines.warehouse import Warehouse


@dataclass
class RefreshOutcome:
    success: bool
    observed: list[str] = field(default_factory=list)
    materialized: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    check_warnings: list[tuple[str, str]] = field(default_factory=list)
    not_in_archive: list[str] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)

    def report_lines(self) -> list[str]:
        lines = [f"observed {len(self.observed)} raw snapshot(s); materialized {len(self.materialized)} asset(s); "
                 f"{len(self.up_to_date)} already up to date"]
        if self.not_in_archive:
            lines.append(f"notice: not in the archive, so not refreshed: {', '.join(self.not_in_archive)}")
        lines += [f"warning: check {name}: {detail}" for name, detail in self.check_warnings]
        lines += [f"error: {step}: {message}" for step, message in self.failures]
        if self.skipped:
            lines.append(f"not materialized (an input failed): {', '.join(sorted(self.skipped))}")
        lines += self.published_lines()
        lines.append("refresh succeeded" if self.success else
                     "refresh FAILED; tables whose inputs failed keep their last published version")
        return lines

    def published_lines(self) -> list[str]:
        """What the warehouse now holds, table by table: republished, or kept as it was."""
        from schemas import TABLES

        published = sorted(set(self.materialized) & set(TABLES))
        failed = {step for step, _ in self.failures} | set(self.skipped)
        kept = sorted(name for name in TABLES if name in failed)
        lines = [f"published {len(published)} table(s)" + (f": {', '.join(published)}" if published else "")]
        if kept:
            lines.append(f"kept the previous version of {len(kept)} table(s): {', '.join(kept)}")
        return lines


def _innermost_message(error) -> str:
    while error is not None and error.cause is not None:
        error = error.cause
    message = error.message if error is not None else "unknown error"
    return message.strip().removeprefix("pipelines.errors.").strip()


def _output_missing(key, warehouse_dir: Path) -> bool:
    from schemas import TABLES

    name = key.to_user_string()
    if name in TABLES:
        return not Warehouse(warehouse_dir).parquet_path(name).exists()
    if "__" in name:
        from pipelines.io import staging_path

        return not staging_path(warehouse_dir, key).exists()
    return False


def _stale_keys(instance, asset_graph, keys) -> set:
    # Dagster's own staleness rules (code version, upstream data versions), read from the instance.
    from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
    from dagster._core.loader import LoadingContextForTest

    resolver = CachingStaleStatusResolver(instance, asset_graph, loading_context=LoadingContextForTest(instance))
    return {key for key in keys if resolver.get_status(key) != StaleStatus.FRESH}


def _collect(outcome: RefreshOutcome, result) -> None:
    outcome.run_ids.append(result.run_id)
    for event in result.all_events:
        kind = event.event_type_value
        if kind == "ASSET_MATERIALIZATION":
            outcome.materialized.append(event.asset_key.to_user_string())
        elif kind == "ASSET_OBSERVATION":
            outcome.observed.append(event.asset_key.to_user_string())
        elif event.is_step_failure:
            outcome.failures.append((event.step_key, _innermost_message(event.step_failure_data.error)))
        elif event.is_step_skipped:
            outcome.skipped.append(event.step_key)
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                continue
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            if evaluation.severity.value == "WARN":
                outcome.check_warnings.append((name, _check_summary(evaluation)))
            else:
                outcome.failures.append((f"check {name}", _check_summary(evaluation)))


def run_refresh(*, archive_dir: str | Path | None = None, select: list[str] | None = None,
                warehouse_dir: str | Path | None = None, instance=None, log_level: str = "CRITICAL",
                force: bool = False, **raw_store_options) -> RefreshOutcome:
    import dagster as dg

    from pipelines.assets.factory import raw_asset_key
    from pipelines.definitions import build_definitions
    from pipelines.sources import SOURCES

    settings.ensure_dagster_home()
    warehouse_dir = Path(warehouse_dir or settings.warehouse_dir())
    archive_dir = archive_dir or settings.archive_dir()
    defs = build_definitions(archive_dir=str(Path(archive_dir).resolve()) if archive_dir else None,
                             warehouse_dir=str(warehouse_dir), **raw_store_options)
    job = defs.resolve_job_def("refresh")
    graph = defs.resolve_asset_graph()
    instance = instance or dg.DagsterInstance.get()
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}

    from pipelines.definitions import REFRESH_SELECTION

    selection = (dg.AssetSelection.from_string(" or ".join(_selection_clause(s) for s in select))
                 if select else REFRESH_SELECTION)
    wanted = {k for k in selection.resolve(graph) if graph.get(k).is_materializable}
    raw_keys = {k for k in _with_ancestors(graph, wanted | selection.resolve(graph)) if graph.get(k).is_observable}

    outcome = RefreshOutcome(success=True)
    if archive_dir:
        # An archive holds what was recorded: a source with no folder at all in it was never
        # recorded there, so its assets are left out (and said so). A folder that lacks a file
        # or fails its sha256 is still an error.
        absent = [s for s in SOURCES.values() if not s.curated and not (Path(archive_dir) / s.id).is_dir()]
        if absent:
            absent_keys = {raw_asset_key(s.id) for s in absent}
            unbuildable = _only_fed_by(graph, absent_keys) & wanted
            outcome.not_in_archive = sorted(s.id for s in absent)
            wanted -= unbuildable
            selected_raw = {k for k in selection.resolve(graph) if graph.get(k).is_observable}
            raw_keys = (raw_keys - absent_keys) | (selected_raw & absent_keys)
    with Warehouse(warehouse_dir).refresh_lock():
        if raw_keys:
            observed = job.execute_in_process(instance=instance, raise_on_error=False, asset_selection=list(raw_keys),
                                              run_config=run_config)
            _collect(outcome, observed)
            failed_raw = raw_keys - {dg.AssetKey(k) for k in outcome.observed}
            if failed_raw:
                blocked = dg.AssetSelection.assets(*failed_raw).downstream().resolve(graph) & wanted
                outcome.skipped += sorted(k.to_user_string() for k in blocked)
                wanted -= blocked
        changed = set(wanted) if force else _stale_keys(instance, graph, wanted) | {
            k for k in wanted if _output_missing(k, warehouse_dir)} | fingerprint.not_built_here(
            instance, warehouse_dir, wanted)
        to_run = dg.AssetSelection.assets(*changed).downstream().resolve(graph) & wanted if changed else set()
        outcome.up_to_date = sorted(k.to_user_string() for k in wanted - to_run)
        if to_run:
            result = job.execute_in_process(instance=instance, raise_on_error=False,
                                            asset_selection=list(to_run), run_config=run_config)
            _collect(outcome, result)
            fingerprint.record_runs(warehouse_dir, {event.asset_key.to_user_string(): result.run_id
                                                    for event in result.get_asset_materialization_events()})
            # Dagster emits no skip event for an asset whose upstream failed: name them here.
            failed_steps = {step for step, _ in outcome.failures}
            not_run = {k.to_user_string() for k in to_run} - set(outcome.materialized) - failed_steps
            outcome.skipped += sorted(not_run - set(outcome.skipped))
    outcome.success = not outcome.failures and not outcome.skipped
    return outcome


def _only_fed_by(graph, raw_keys) -> set:
    """Assets every one of whose raw ancestors is in `raw_keys` (nothing else can feed them)."""
    result = set()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_materializable:
            continue
        ancestors = {k for k in _with_ancestors(graph, {key}) if graph.get(k).is_observable}
        if ancestors and ancestors <= raw_keys:
            result.add(key)
    return result


def _with_ancestors(graph, keys) -> set:
    # AssetSelection.upstream() leaves out source assets, which are exactly what we need here.
    seen, frontier = set(keys), list(keys)
    while frontier:
        for parent in graph.get(frontier.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


def _selection_clause(text: str) -> str:
    """A bare asset name becomes an exact key match; anything else is Dagster selection syntax."""
    return f'key:"{text}"' if text.replace("_", "").isalnum() else f"({text})"


def _check_summary(evaluation) -> str:
    parts = []
    for key, value in (evaluation.metadata or {}).items():
        parts.append(f"{key}={str(getattr(value, 'value', value))[:200]}")
    return "; ".join(parts)
