"""Bad input at every command: one-line errors, never a traceback; documented options; --release."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import build_parser, json_text, main
from pipelines.warehouse import Warehouse

AIFOOTPRINT = str(Path(sys.executable).parent / "aifootprint")


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "warehouse"))
    Warehouse(tmp_path / "warehouse").publish(
        "grid_carbon_intensity",
        pd.DataFrame(
            {
                "source_id": ["owid_energy"] * 2,
                "source_vintage": ["2024-09-20"] * 2,
                "zone_id": ["FRA", "DEU"],
                "zone_name": ["France", "Germany"],
                "zone_type": ["country"] * 2,
                "year": [2023, 2023],
                "gco2e_per_kwh": [56.039, 380.95],
                "basis": ["lifecycle"] * 2,
                "source_file": ["f.json"] * 2,
            }
        ),
    )
    return tmp_path / "warehouse"


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0]


def test_every_command_and_option_is_described_in_help():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert {"refresh", "query", "sources", "estimate", "fleet", "release", "download"} <= set(commands.choices)
    undocumented = []
    for name, command in commands.choices.items():
        if not command.description:
            undocumented.append(f"{name}: no description")
        for action in command._actions:
            if not isinstance(action, argparse._HelpAction) and not action.help:
                undocumented.append(f"{name} {action.option_strings or action.dest}")
    assert undocumented == []


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--hardware", "H100", "--count", "nan", "--hours", "1"],
        ["estimate", "--hardware", "H100", "--count", "1", "--hours", "inf"],
        ["estimate", "--hardware", "H100", "--count", "1", "--hours", "1", "--pue", "NaN"],
        ["fleet", "--pue", "inf"],
        ["fleet", "--utilization", "nan"],
        ["fleet", "--power-w", "nan"],
    ],
)
def test_nan_and_infinity_in_numeric_flags_are_refused(argv, warehouse, capsys):
    assert main(argv) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "not a finite number" in line or "must be" in line
    flag = next(
        a
        for a in argv
        if a in {"--count", "--hours", "--pue", "--utilization", "--power-w"}
        and argv[argv.index(a) + 1].lower() in {"nan", "inf"}
    )
    assert flag in line or flag.lstrip("-").replace("-", "_") in line


def test_empty_sql_is_bad_usage(warehouse, capsys):
    assert main(["query", "  "]) == 2
    assert _one_error_line(capsys.readouterr().err) == (
        'error: empty SQL: give a query, e.g. aifootprint query "select * from sources limit 5"'
    )


def test_a_folder_that_is_not_a_raw_archive_is_refused(tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hello")
    for command in (["refresh", "--archive", str(tmp_path)], ["sources", "--archive", str(tmp_path)]):
        assert main(command) == 2
        assert "not a raw archive" in _one_error_line(capsys.readouterr().err)


def test_select_matching_nothing_is_bad_usage(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "w"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "d"))
    monkeypatch.setenv("AIFOOTPRINT_SOURCE_MIRROR", "http://mirror.invalid/")
    assert main(["refresh", "--select", "no_such_table"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith("error: --select no_such_table matches no asset")
    assert not (tmp_path / "w" / "parquet").exists()


def test_empty_and_non_utf8_jobs_files_get_one_line(warehouse, tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["estimate", "--jobs", str(empty), "--out", str(tmp_path / "o.csv")]) == 2
    assert "the file is empty" in _one_error_line(capsys.readouterr().err)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("hardware,count,hours,site\nH100 SXM,1,2,Z\u00fcrich\n".encode("latin-1"))
    assert main(["estimate", "--jobs", str(latin1), "--out", str(tmp_path / "o.csv")]) == 2
    assert _one_error_line(capsys.readouterr().err) == (
        f"error: --jobs {latin1}: not UTF-8 text on line 2 (byte 0xfc at offset 40); save it as UTF-8"
    )
    assert not (tmp_path / "o.csv").exists()


def test_a_closed_pipe_ends_quietly(warehouse):
    done = subprocess.run(
        f"'{AIFOOTPRINT}' query 'select * from range(500000)' --format csv | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AIFOOTPRINT_WAREHOUSE": str(warehouse)},
    )
    assert done.stdout == "range\n0\n"
    assert done.stderr == ""


def test_json_output_never_holds_nan_tokens(warehouse, capsys):
    assert json.loads(json_text({"a": float("nan"), "b": [float("inf"), 1.5]})) == {"a": None, "b": [None, 1.5]}
    assert main(["query", "select 'nan'::double as x, 'inf'::double as y, 1 as z", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out, parse_constant=lambda token: pytest.fail(token)) == [
        {"x": None, "y": None, "z": 1}
    ]


def test_release_option_refuses_a_folder_that_is_not_a_release(tmp_path, capsys):
    assert main(["query", "select 1", "--release", str(tmp_path)]) == 2
    assert "not a release" in _one_error_line(capsys.readouterr().err)
    assert main(["fleet", "--release", str(tmp_path / "nope")]) == 2
    assert "no such folder" in _one_error_line(capsys.readouterr().err)


def test_a_failed_download_leaves_no_folder_behind(warehouse, tmp_path, capsys):
    from pipelines.release import build_release

    built = build_release(warehouse, version="1.0").path
    (built / "CHANGELOG.md").write_text("tampered\n")
    target = tmp_path / "new" / "datasets"
    assert main(["download", "--from", str(built.parent), "--to", str(target)]) == 1
    assert "does not match" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_query_estimate_and_fleet_read_a_release(warehouse, tmp_path, monkeypatch, capsys):
    from pipelines.release import build_release

    build_release(warehouse, version="1.0")
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "nowhere"))
    for given in (warehouse / "releases" / "1.0", warehouse / "releases"):
        assert (
            main(
                [
                    "query",
                    "select zone_id from grid_carbon_intensity order by 1",
                    "--format",
                    "csv",
                    "--release",
                    str(given),
                ]
            )
            == 0
        )
        assert capsys.readouterr().out == "zone_id\nDEU\nFRA\n"
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse / "releases" / "1.0"))
    assert main(["query", "select count(*) as n from grid_carbon_intensity", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "n\n2\n"


def test_errors_with_pages_of_context_are_cut_to_one_line():
    from pipelines.cli import _one_line

    assert (
        _one_line(
            "bad.csv: cannot read as csv (Invalid Input Error: CSV Error on Line: 2\nOriginal Line: x\n\n"
            "  file = bad.csv"
        )
        == "bad.csv: cannot read as csv (Invalid Input Error: CSV Error on Line: 2 …)"
    )
    assert _one_line("one line") == "one line"
