"""Downloaded bytes and user SQL are data, never code or paths (issue #7, item 6).

Behaviour first: a YAML payload that would run a command is refused by every parser that
reads YAML; `aifootprint query` cannot write, attach, copy out or read files; manifest paths
and symlinks cannot lead a read outside the source's folder; response headers cannot break a
manifest. A source scan then checks that no module could unpickle or eval anything.
(Release indexes and SHA256SUMS paths are covered in tests/unit/test_download_release.py.)
"""

from __future__ import annotations

import ast
import shutil

import dagster as dg
import pytest

from conftest import fixture_source
from http_server import Reply
from pipelines import settings
from pipelines.archive import safe_child
from pipelines.cli import main as cli_main
from pipelines.errors import ArchiveError, SourceFormatError
from pipelines.refresh import run_refresh
from pipelines.resources import RawStore
from pipelines.sources import SOURCES

from .support import FAST_FETCH, copy_warehouse, manifest_entry, published_digests, sha256_hex

pytestmark = pytest.mark.faults

PIPELINES = settings.PACKAGE_ROOT / "pipelines"
YAML_FILES = sorted(
    (source.id, f.name)
    for source in SOURCES.values()
    for f in source.files
    if f.format in {"yaml", "yml"} or f.name.endswith((".yaml", ".yml"))
)


# --- YAML is parsed with the safe loader -----------------------------------------------------


def test_some_registered_source_reads_yaml():
    assert YAML_FILES  # otherwise the test below checks nothing


@pytest.mark.parametrize(("source_id", "name"), YAML_FILES)
def test_a_yaml_file_with_a_python_object_tag_is_refused_and_never_run(source_id, name, tmp_path, shared_sources):
    folder = tmp_path / source_id
    shutil.copytree(shared_sources / source_id, folder)
    marker = tmp_path / "payload-ran"
    (folder / name).write_text(
        f'emissionFactors: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'gpu: !!python/object/new:pathlib.Path ["{marker}"]\n'
    )
    raw = fixture_source(source_id, folder=folder)

    refusals = []
    for table, parser in SOURCES[source_id].parsers.items():
        try:
            parser(raw)  # a parser that does not read the YAML file is free to succeed
        except SourceFormatError as exc:
            if exc.file == name:
                refusals.append((table, str(exc)))

    assert not marker.exists()
    assert refusals, f"no parser of {source_id} read {name}"
    for table, message in refusals:
        assert f"source '{source_id}', file '{name}'" in message and "python/object" in message, (table, message)


# --- `aifootprint query` is read-only and sandboxed -------------------------------------------


@pytest.fixture
def query_warehouse(built_warehouse, tmp_path, monkeypatch):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    (tmp_path / "outside.csv").write_text("secret,value\nkey,42\n")
    return warehouse


REFUSED_SQL = {
    "create": ("create table injected as select 1", "read-only mode"),
    "insert": ("insert into grid_carbon_intensity select * from grid_carbon_intensity limit 1", "read-only mode"),
    "drop_after_a_select": ("select 1; drop table grid_carbon_intensity", "read-only mode"),
    "attach_a_file": ("attach '{tmp}/other.duckdb' as other", "disabled by configuration"),
    "copy_to_a_file": ("copy grid_carbon_intensity to '{tmp}/leak.csv'", "disabled by configuration"),
    "export_database": ("export database '{tmp}/export'", "disabled by configuration"),
    "read_csv": ("select * from read_csv('{tmp}/outside.csv')", "disabled by configuration"),
    "read_text": ("select * from read_text('/etc/passwd')", "disabled by configuration"),
    "file_as_a_table": ("select * from '{tmp}/outside.csv'", "disabled by configuration"),
    "glob": ("select * from glob('/etc/*')", "disabled by configuration"),
    "re_enable_access": ("set enable_external_access = true", "Cannot enable external access"),
    "install_extension": ("install httpfs", "disabled by configuration"),
    "load_extension": ("load httpfs", "disabled through configuration"),
}


@pytest.mark.parametrize("case", REFUSED_SQL)
def test_query_refuses_writes_and_file_access(case, query_warehouse, tmp_path, capsys):
    sql, reason = REFUSED_SQL[case]
    before = published_digests(query_warehouse)
    entries_before = sorted(p.name for p in tmp_path.iterdir())

    assert cli_main(["query", sql.format(tmp=tmp_path)]) == 2
    captured = capsys.readouterr()

    assert captured.out == "" and captured.err.startswith("error: ") and reason in captured.err, captured.err
    assert published_digests(query_warehouse) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == entries_before  # nothing written beside it


def test_query_reads_files_only_when_asked(query_warehouse, tmp_path, capsys):
    sql = f"select value from read_csv('{tmp_path}/outside.csv')"
    assert cli_main(["query", sql, "--allow-external-access", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "value\n42\n"


# --- paths from manifests stay inside their folder ------------------------------------------

SOURCE_ID, FILE = "ecologits_electricity_mixes", "electricity_mixes.csv"


def archive_refresh(archive, warehouse):
    return run_refresh(
        archive_dir=archive,
        warehouse_dir=warehouse,
        instance=dg.DagsterInstance.ephemeral(),
        select=[f"grid_carbon_intensity__{SOURCE_ID}", "grid_carbon_intensity"],
    )


@pytest.mark.parametrize("escaping", ["../../outside.csv", "/etc/passwd"])
def test_safe_child_refuses_paths_that_leave_the_folder(escaping, tmp_path):
    with pytest.raises(ArchiveError, match=rf"source 'demo', file '{escaping}': path escapes the source folder"):
        safe_child(tmp_path, escaping, "demo")


def test_a_manifest_path_leading_outside_the_archive_is_never_followed(built_warehouse, archive_copy, tmp_path):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    before = published_digests(warehouse)
    # A plausible file two levels up, with the manifest's sha256, that the entry points to.
    outside = archive_copy.parent.parent / "outside.csv"
    outside.write_bytes((archive_copy / SOURCE_ID / FILE).read_bytes())
    manifest = archive_copy / SOURCE_ID / "SOURCE.toml"
    manifest.write_text(manifest.read_text().replace(f'path = "{FILE}"', 'path = "../../outside.csv"'))

    outcome = archive_refresh(archive_copy, warehouse)

    [(step, message)] = outcome.failures
    assert step == f"raw_{SOURCE_ID}"
    assert f"source '{SOURCE_ID}', file '{FILE}': not listed in {manifest}" in message
    assert published_digests(warehouse) == before


def test_a_symlink_out_of_the_source_folder_is_refused(built_warehouse, archive_copy, tmp_path):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    before = published_digests(warehouse)
    target = archive_copy / SOURCE_ID / FILE
    outside = tmp_path / "outside.csv"
    outside.write_bytes(target.read_bytes())  # same bytes, so the sha256 check alone would pass
    target.unlink()
    target.symlink_to(outside)

    outcome = archive_refresh(archive_copy, warehouse)

    [(step, message)] = outcome.failures
    assert step == f"raw_{SOURCE_ID}"
    assert f"source '{SOURCE_ID}', file '{FILE}': path escapes the source folder" in message
    assert published_digests(warehouse) == before


def test_a_live_snapshot_never_reads_an_escaping_manifest_path(tmp_path):
    source_dir = tmp_path / "raw" / SOURCE_ID
    source_dir.mkdir(parents=True)
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b"name,gwp\nFRA,0.04418\n")
    (source_dir / "SOURCE.toml").write_text(
        f'id = "{SOURCE_ID}"\n\n[[files]]\npath = "../../outside.csv"\nsha256 = "{sha256_hex(outside.read_bytes())}"\n'
        f'etag = "\\"v1\\""\n'
    )

    assert RawStore._previous_entries(source_dir, SOURCES[SOURCE_ID]) == {}


# --- server headers cannot corrupt a manifest ----------------------------------------------


def test_control_characters_in_response_headers_are_escaped_in_the_manifest(live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    etag = '"v1\x01\x7f"'
    mirror.inject(
        SOURCE_ID,
        FILE,
        Reply(
            200, mirror.recorded(SOURCE_ID, FILE), {"ETag": etag, "Last-Modified": "Tue, 03 Jun 2025 10:00:00 GMT\x02"}
        ),
    )
    select = [f"grid_carbon_intensity__{SOURCE_ID}"]

    first = run_refresh(
        warehouse_dir=warehouse,
        mirror_url=mirror.url,
        instance=dg.DagsterInstance.ephemeral(),
        select=select,
        **FAST_FETCH,
    )
    assert first.success, "\n".join(first.report_lines())
    assert manifest_entry(warehouse / "raw" / SOURCE_ID, FILE)["etag"] == etag  # readable, and exact

    mirror.inject(SOURCE_ID, FILE, Reply(304, headers={"ETag": etag}))
    second = run_refresh(
        warehouse_dir=warehouse,
        mirror_url=mirror.url,
        instance=dg.DagsterInstance.ephemeral(),
        select=select,
        **FAST_FETCH,
    )
    assert second.success, "\n".join(second.report_lines())
    conditional = [headers for path, headers in mirror.requests if path == mirror.path(SOURCE_ID, FILE)][-1]
    assert conditional["If-None-Match"] == etag


# --- and, as a backstop, no module can deserialize or evaluate what it downloads ---------

_UNSAFE_MODULES = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
_UNSAFE_YAML = {
    "load",
    "load_all",
    "unsafe_load",
    "unsafe_load_all",
    "full_load",
    "full_load_all",
    "Loader",
    "UnsafeLoader",
    "FullLoader",
}
_SAFE_LOADERS = {"SafeLoader", "CSafeLoader"}


def _is_safe_loader(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    return name in _SAFE_LOADERS


def _is_yaml_attribute(node: ast.AST, names) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "yaml"
        and node.attr in names
    )


def unsafe_constructs(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.Import):
            found += [f"line {line}: import {a.name}" for a in node.names if a.name.split(".")[0] in _UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _UNSAFE_MODULES:
            found.append(f"line {line}: from {node.module} import ...")
        elif isinstance(node, ast.ImportFrom) and node.module == "yaml":
            found += [f"line {line}: from yaml import {a.name}" for a in node.names if a.name in _UNSAFE_YAML]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"eval", "exec"}:
            found.append(f"line {line}: {node.func.id}(...)")
        elif isinstance(node, ast.Call) and _is_yaml_attribute(node.func, {"load", "load_all"}):
            # yaml.load is safe exactly when its Loader is a safe one (SafeLoader / libyaml's CSafeLoader).
            loaders = [k.value for k in node.keywords if k.arg == "Loader"]
            if not (loaders and _is_safe_loader(loaders[0])):
                found.append(f"line {line}: yaml.{node.func.attr}(...) without a safe Loader")
        elif isinstance(node, ast.Attribute) and node.attr in {"read_pickle", "to_pickle"}:
            found.append(f"line {line}: .{node.attr}")
        elif _is_yaml_attribute(node, _UNSAFE_YAML - {"load", "load_all"}):
            found.append(f"line {line}: yaml.{node.attr}")
        elif isinstance(node, ast.keyword) and node.arg == "allow_pickle":
            found.append(f"line {line}: allow_pickle=")
    return found


def test_the_scan_catches_what_it_looks_for():
    sample = "import pickle\nimport yaml\nyaml.load(x, Loader=yaml.Loader)\neval(s)\npd.read_pickle(p)\n"
    assert len(unsafe_constructs(ast.parse(sample))) == 5
    assert len(unsafe_constructs(ast.parse("yaml.load(x)\nyaml.load(x, Loader=loader)\n"))) == 2
    assert (
        unsafe_constructs(ast.parse("yaml.load(x, Loader=CSafeLoader)\nyaml.load(x, Loader=yaml.SafeLoader)\n")) == []
    )


def test_no_module_unpickles_evaluates_or_loads_yaml_unsafely():
    findings = {
        str(path.relative_to(PIPELINES.parent)): unsafe_constructs(ast.parse(path.read_text("utf-8")))
        for path in sorted(PIPELINES.rglob("*.py"))
    }
    assert {path: found for path, found in findings.items() if found} == {}


def test_intermediate_frames_are_parquet_not_pickles(built_warehouse):
    staged = sorted((built_warehouse / "staging").iterdir())
    assert staged
    for path in staged:
        assert path.suffix == ".parquet" and path.read_bytes()[:4] == b"PAR1", path.name
