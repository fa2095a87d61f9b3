"""Run a refresh in-process against the local Dagster instance, recomputing only what changed.

1. Observe the raw snapshots (fetch with conditional GET, or verify the archive): each reports
   the sha256 of its bytes as its data version.
2. Ask Dagster which assets are stale (an upstream data version or the asset's code version
   changed) or missing, add everything downstream of them, and add any asset whose output file
   is gone from the warehouse.
3. Materialize that set. With nothing changed, step 3 materializes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines import fingerprint, offline, settings, staleness
from pipelines.errors import AifootprintError
from pipelines.progress import BUILD, OBSERVE, SQL_ASSET_PREFIX, Progress
from pipelines.warehouse import Warehouse, relation_names, sql_files

# What the last refresh used, per source: read by `aifootprint sources`.
RECORD_NAME = "last_refresh.json"


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
    # source id -> {"origin": live | recorded (...) | curated, "vintages": [...]} for each observed source
    provenance: dict[str, dict] = field(default_factory=dict)
    # source id -> why it could not be fetched at all (host unreachable, no fallback copy)
    unavailable: dict[str, str] = field(default_factory=dict)
    fallback: bool = False  # some sources were unreachable and came from the fallback archive

    def provenance_lines(self) -> list[str]:
        lines = []
        for source_id, seen in sorted(self.provenance.items()):
            if seen["origin"] == "curated":
                continue
            vintages = seen["vintages"]
            when = (
                "vintage unknown"
                if not vintages
                else f"vintage {vintages[0]}"
                if len(vintages) == 1
                else f"vintages {vintages[0]} to {vintages[-1]}"
            )
            lines.append(f"{source_id}: {seen['origin']}, {when}")
        return lines

    def report_lines(self) -> list[str]:
        lines = [
            f"observed {len(self.observed)} raw snapshot(s); materialized {len(self.materialized)} asset(s); "
            f"{len(self.up_to_date)} already up to date"
        ]
        if self.not_in_archive:
            lines.append(
                f"notice: not in the {'fallback ' if self.fallback else ''}archive, so not refreshed: "
                f"{', '.join(self.not_in_archive)}"
            )
        lines += [f"error: {source_id}: {reason}" for source_id, reason in sorted(self.unavailable.items())]
        lines += [f"warning: check {name}: {detail}" for name, detail in self.check_warnings]
        lines += [f"error: {step}: {message}" for step, message in self.failures]
        if self.skipped:
            lines.append(f"not materialized (an input failed): {', '.join(sorted(self.skipped))}")
        lines += self.published_lines()
        lines.append(
            "refresh succeeded"
            if self.success
            else "refresh FAILED; tables whose inputs failed keep their last published version"
        )
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
    store = Warehouse(warehouse_dir)
    # Each table and each SQL file writes into the database: without it, all of them are rebuilt.
    if name in TABLES:
        return not (store.parquet_path(name).exists() and store.database_path.exists())
    if name.startswith(SQL_ASSET_PREFIX):
        return not store.database_path.exists()
    if "__" in name:
        from pipelines.io import staging_path

        return not staging_path(warehouse_dir, key).exists()
    return False


def _collect(outcome: RefreshOutcome, result) -> None:
    outcome.run_ids.append(result.run_id)
    for event in result.all_events:
        kind = event.event_type_value
        if kind == "ASSET_MATERIALIZATION":
            outcome.materialized.append(event.asset_key.to_user_string())
        elif kind == "ASSET_OBSERVATION":
            outcome.observed.append(event.asset_key.to_user_string())
            outcome.provenance[event.asset_key.to_user_string().removeprefix("raw_")] = {
                "origin": "",
                "vintages": _vintages(event),
            }
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


class SelectionError(ValueError):
    """--select names nothing in the asset graph (CLI exit status 2)."""


class OfflineError(AifootprintError):
    """No source host answered and there is no fallback archive (CLI exit status 1)."""


def _vintages(event) -> list[str]:
    metadata = event.event_specific_data.asset_observation.metadata or {}
    files = getattr(metadata.get("files"), "value", None) or getattr(metadata.get("files"), "data", None) or {}
    return sorted({str(f.get("data_as_of")) for f in files.values() if isinstance(f, dict) and f.get("data_as_of")})


def run_refresh(
    *,
    archive_dir: str | Path | None = None,
    select: list[str] | None = None,
    warehouse_dir: str | Path | None = None,
    instance=None,
    log_level: str = "CRITICAL",
    force: bool = False,
    network: offline.NetworkPlan | None = None,
    fallback_dir: str | Path | None = None,
    progress: Progress | None = None,
    probe_network: bool = False,
    **raw_store_options,
) -> RefreshOutcome:
    """Observe, then materialize what is stale.

    In live mode, `network` (from `offline.plan`) says which sources sit on unreachable hosts:
    those are copied from `fallback_dir` when it holds them, and left out (reported as errors)
    otherwise, instead of each spending minutes in retries.
    """
    import dagster as dg

    from pipelines import progress as progress_module
    from pipelines.assets.factory import raw_asset_key
    from pipelines.assets.warehouse_sql import GROUP as SQL_GROUP
    from pipelines.definitions import build_definitions
    from pipelines.sources import SOURCES

    settings.ensure_dagster_home()
    warehouse_dir = Path(warehouse_dir or settings.warehouse_dir())
    archive_dir = archive_dir or settings.archive_dir()
    from pipelines.definitions import REFRESH_SELECTION

    graph = build_definitions(warehouse_dir=str(warehouse_dir)).resolve_asset_graph()
    try:
        selection = (
            dg.AssetSelection.from_string(" or ".join(_selection_clause(s) for s in select))
            if select
            else REFRESH_SELECTION
        )
        selected = selection.resolve(graph)
    except Exception as exc:  # Dagster raises several error types for a selection it cannot parse
        raise SelectionError(f"--select {' '.join(select or [])}: {_first_line(exc)}") from None
    if select and not selected:
        examples = sorted(k.to_user_string() for k in graph.get_all_asset_keys())[:3]
        raise SelectionError(
            f"--select {' '.join(select)} matches no asset (asset names look like "
            f"{', '.join(examples)}; `+key:name` adds what it depends on)"
        )
    wanted = {k for k in selected if graph.get(k).is_materializable}
    raw_keys = {k for k in selected if graph.get(k).is_observable} | _raw_ancestors(graph, wanted | selected)
    # The views and macros over a selected table come with it, as they did when publishing re-applied them
    # (over the tables as published: the sources behind their other tables are not fetched for them).
    wanted |= _sql_assets_over(graph, wanted, SQL_GROUP)
    # The SQL files they read that read nothing themselves (the source ranks, generated from the
    # registry) come too where the database lacks what those create, as in a new warehouse.
    wanted |= _sql_roots_missing(graph, wanted, SQL_GROUP, warehouse_dir)
    if probe_network and not archive_dir and network is None:
        mirror = raw_store_options.get("mirror_url") or settings.source_mirror()
        network = offline.plan([SOURCES[k.to_user_string().removeprefix("raw_")] for k in raw_keys], mirror)
        if network.unreachable and progress is not None:
            progress.note(
                f"network probe: {len(network.offline_sources)} source(s) on {len(network.unreachable)} "
                "unreachable host(s)" + ("; using the fallback archive for them" if fallback_dir else "")
            )
        if network.all_offline and not fallback_dir:
            raise OfflineError(offline.offline_paragraph(network))
    recorded: list[str] = []
    not_recorded: list[str] = []
    unavailable: dict[str, str] = {}
    if not archive_dir and network is not None:
        for source_id, host in network.offline_sources.items():
            if fallback_dir and (Path(fallback_dir) / source_id).is_dir():
                recorded.append(source_id)
            elif fallback_dir:
                # As in archive mode: a source the archive never recorded is left out and said so.
                not_recorded.append(source_id)
            else:
                unavailable[source_id] = f"host {host} unreachable ({network.unreachable[host]})"
    defs = build_definitions(
        archive_dir=str(Path(archive_dir).resolve()) if archive_dir else None,
        warehouse_dir=str(warehouse_dir),
        **raw_store_options,
        **({"offline_sources": recorded} if recorded else {}),
    )
    job = defs.resolve_job_def("refresh")
    if progress is not None:
        job = job.with_logger_defs({**job.loggers, "progress": progress_module.dagster_logger()})
    instance = instance or dg.DagsterInstance.get()
    run_config = {
        "loggers": {
            "console": {"config": {"log_level": log_level}},
            **({"progress": {}} if progress is not None else {}),
        }
    }

    outcome = RefreshOutcome(success=True, unavailable=unavailable, fallback=bool(recorded or not_recorded))
    absent = []
    if archive_dir:
        # An archive holds what was recorded: a source with no folder at all in it was never
        # recorded there, so its assets are left out (and said so). A folder that lacks a file
        # or fails its sha256 is still an error.
        absent = [s for s in SOURCES.values() if not s.curated and not (Path(archive_dir) / s.id).is_dir()]
        outcome.not_in_archive = sorted(s.id for s in absent)
    outcome.not_in_archive += sorted(not_recorded)
    absent += [SOURCES[source_id] for source_id in [*unavailable, *not_recorded]]
    if absent:
        absent_keys = {raw_asset_key(s.id) for s in absent}
        unbuildable = _only_fed_by(graph, absent_keys) & wanted
        wanted -= unbuildable
        if unavailable:
            outcome.skipped += sorted(k.to_user_string() for k in unbuildable)
        selected_raw = {k for k in selection.resolve(graph) if graph.get(k).is_observable}
        raw_keys = (raw_keys - absent_keys) | (selected_raw & absent_keys - {raw_asset_key(s) for s in unavailable})
    raw_dir = warehouse_dir / "raw"
    progress_module.activate(progress)
    try:
        with Warehouse(warehouse_dir).refresh_lock():
            _write_record(warehouse_dir, archive_dir, outcome, finished=False)
            for source_id in recorded:
                if raw_asset_key(source_id) in raw_keys:
                    try:
                        offline.copy_from_fallback(Path(fallback_dir), raw_dir, SOURCES[source_id])
                    except AifootprintError as exc:
                        outcome.failures.append((f"raw_{source_id}", f"fallback archive: {exc}"))
                        raw_keys.discard(raw_asset_key(source_id))
                        blocked = (
                            dg.AssetSelection.assets(raw_asset_key(source_id)).downstream().resolve(graph) & wanted
                        )
                        outcome.skipped += sorted(k.to_user_string() for k in blocked)
                        wanted -= blocked
            if raw_keys:
                if progress is not None:
                    progress.start(OBSERVE, observed=len(raw_keys))
                observed = job.execute_in_process(
                    instance=instance, raise_on_error=False, asset_selection=list(raw_keys), run_config=run_config
                )
                _collect(outcome, observed)
                for source_id, seen in outcome.provenance.items():
                    source = SOURCES[source_id]
                    if source.curated:
                        seen["origin"] = "curated"
                    elif archive_dir:
                        seen["origin"] = f"recorded (archive {Path(archive_dir).name})"
                    elif source_id in recorded:
                        seen["origin"] = "recorded (fallback archive)"
                    else:
                        seen["origin"] = "live"
                        offline.mark_live(raw_dir, source_id)
                if progress is not None:
                    progress.finish()
                    for line in outcome.provenance_lines():
                        progress.note(line)
                failed_raw = raw_keys - {dg.AssetKey(k) for k in outcome.observed}
                if failed_raw:
                    blocked = dg.AssetSelection.assets(*failed_raw).downstream().resolve(graph) & wanted
                    outcome.skipped += sorted(k.to_user_string() for k in blocked)
                    wanted -= blocked
            changed = (
                set(wanted)
                if force
                else staleness.stale_keys(instance, graph, wanted)
                | {k for k in wanted if _output_missing(k, warehouse_dir)}
                | fingerprint.not_built_here(instance, warehouse_dir, wanted)
            )
            to_run = dg.AssetSelection.assets(*changed).downstream().resolve(graph) & wanted if changed else set()
            outcome.up_to_date = sorted(k.to_user_string() for k in wanted - to_run)
            if to_run:
                if progress is not None:
                    staged = sum(1 for k in to_run if "__" in k.to_user_string())
                    sql = sum(1 for k in to_run if k.to_user_string().startswith(SQL_ASSET_PREFIX))
                    progress.start(
                        BUILD, parsed=staged, published=len(to_run) - staged - sql, **({"views": sql} if sql else {})
                    )
                result = job.execute_in_process(
                    instance=instance, raise_on_error=False, asset_selection=list(to_run), run_config=run_config
                )
                _collect(outcome, result)
                fingerprint.record_runs(
                    warehouse_dir,
                    {
                        event.asset_key.to_user_string(): result.run_id
                        for event in result.get_asset_materialization_events()
                    },
                )
                if progress is not None:
                    progress.finish()
                # Dagster emits no skip event for an asset whose upstream failed: name them here.
                failed_steps = {step for step, _ in outcome.failures}
                not_run = {k.to_user_string() for k in to_run} - set(outcome.materialized) - failed_steps
                outcome.skipped += sorted(not_run - set(outcome.skipped))
            _write_record(warehouse_dir, archive_dir, outcome)
    finally:
        progress_module.activate(None)
    outcome.success = not outcome.failures and not outcome.skipped and not outcome.unavailable
    return outcome


def _write_record(warehouse_dir: Path, archive_dir, outcome: RefreshOutcome, finished: bool = True) -> None:
    """Merge this refresh's per-source origins into `<warehouse>/last_refresh.json`."""
    path = warehouse_dir / RECORD_NAME
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        sources = record.get("sources") if isinstance(record, dict) else None
        sources = sources if isinstance(sources, dict) else {}
    except (OSError, ValueError):
        sources = {}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    failed_raw = {step.removeprefix("raw_").split(".")[0] for step, _ in outcome.failures if step.startswith("raw_")}
    for source_id, seen in outcome.provenance.items():
        sources[source_id] = {**seen, "status": "ok", "refreshed_at": now}
    for source_id in failed_raw - set(outcome.provenance):
        previous = sources.get(source_id, {})
        sources[source_id] = {
            **previous,
            "status": "failed at the last refresh; previous snapshot kept",
            "refreshed_at": now,
        }
    for source_id, reason in outcome.unavailable.items():
        sources[source_id] = {**sources.get(source_id, {}), "status": f"not refreshed: {reason}", "refreshed_at": now}
    for source_id in outcome.not_in_archive:
        sources[source_id] = {"origin": "", "vintages": [], "status": "not in the archive", "refreshed_at": now}
    record = {
        "finished_at": now if finished else None,
        "started_at": now if not finished else None,
        "mode": "archive" if archive_dir else "live",
        "archive": str(Path(archive_dir).resolve()) if archive_dir else None,
        "sources": sources,
    }
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_record(warehouse_dir: Path) -> dict | None:
    try:
        record = json.loads((Path(warehouse_dir) / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("sources"), dict) else None


def _sql_assets_over(graph, keys, sql_group: str) -> set:
    """SQL-file assets reading one of `keys`, directly or through other SQL-file assets only."""
    import dagster as dg

    found, frontier = set(), set(keys)
    while frontier:
        children = dg.AssetSelection.assets(*frontier).downstream(depth=1, include_self=False)
        frontier = (children & dg.AssetSelection.groups(sql_group)).resolve(graph) - found
        found |= frontier
    return found


def _sql_roots_missing(graph, keys, sql_group: str, warehouse_dir: Path) -> set:
    """SQL-file assets that `keys` read, that read nothing, and whose relations the database lacks."""
    import dagster as dg

    sql_keys = {key for key in keys if key.to_user_string().startswith(SQL_ASSET_PREFIX)}
    if not sql_keys:
        return set()
    upstream = (dg.AssetSelection.assets(*sql_keys).upstream() & dg.AssetSelection.groups(sql_group)).resolve(graph)
    roots = {key for key in upstream - sql_keys if not graph.get(key).parent_keys}
    store = Warehouse(warehouse_dir)
    if not roots or not store.database_path.exists():
        return roots
    with store.connect() as con:
        existing = relation_names(con)
    creates = {dg.AssetKey(SQL_ASSET_PREFIX + f.name): f.creates for f in sql_files()}
    return {key for key in roots if not set(creates[key]) <= existing}


def _raw_ancestors(graph, keys) -> set:
    """The raw (observable source) assets that `keys` are built from."""
    import dagster as dg

    return dg.AssetSelection.assets(*keys).upstream().upstream_source_assets().resolve(graph) if keys else set()


def _only_fed_by(graph, absent_raw_keys) -> set:
    """Assets built from some raw asset of `absent_raw_keys` and from no other raw asset."""
    import dagster as dg

    fed_by_absent = dg.AssetSelection.assets(*absent_raw_keys).downstream().resolve(graph)
    present = {key for key in graph.get_all_asset_keys() if graph.get(key).is_observable} - absent_raw_keys
    return fed_by_absent - (dg.AssetSelection.assets(*present).downstream().resolve(graph) if present else set())


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _selection_clause(text: str) -> str:
    """A bare asset name becomes an exact key match; anything else is Dagster selection syntax."""
    return f'key:"{text}"' if text.replace("_", "").isalnum() else f"({text})"


def _check_summary(evaluation) -> str:
    parts = []
    for key, value in (evaluation.metadata or {}).items():
        parts.append(f"{key}={str(getattr(value, 'value', value))[:200]}")
    return "; ".join(parts)
