"""Rules of docs/architecture.md that code review alone would let slip."""

from __future__ import annotations

import re

from conftest import REPO

PRIVATE_DAGSTER = re.compile(r"^\s*(?:from|import)\s+dagster\._", re.MULTILINE)


def test_no_private_dagster_api_is_imported():
    offenders = [
        path.relative_to(REPO).as_posix()
        for folder in ("pipelines", "schemas", "tests", "benchmarks")
        for path in (REPO / folder).rglob("*.py")
        if PRIVATE_DAGSTER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_rule_catches_a_private_import():
    assert PRIVATE_DAGSTER.search("import os\n    from dagster._core.definitions import data_version\n")
    assert not PRIVATE_DAGSTER.search("import dagster as dg\nfrom dagster import AssetKey\n")


def test_no_asset_imports_from_the_command_line_layer():
    """The CLI and the assets both import the models (pipelines/fleet.py, footprint.py ...), never each other."""
    offenders = [
        path.relative_to(REPO).as_posix()
        for path in (REPO / "pipelines" / "assets").rglob("*.py")
        if re.search(r"^\s*from pipelines\.commands|^\s*import pipelines\.commands", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []
