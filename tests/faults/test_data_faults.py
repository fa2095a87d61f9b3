"""Bad data through the archive path (issue #7, item 3).

Each case rewrites one recorded file in a copy of the archive and fixes its sha256 in
SOURCE.toml, so the bytes pass the integrity check and only the parser and the pandera
schemas stand between them and the published tables. The refresh must fail that source with
an error naming the source, the file, the column and sample rows, and leave every published
output byte-identical. tests/integration/test_refresh.py already covers a corrupted file
(sha256 mismatch), a renamed CSV column and a 1e9 g/kWh value in codecarbon's CSV; these are
the rest, in other sources and formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import pytest

from conftest import rewrite_archive_file
from pipelines.cli import main as cli_main
from pipelines.io import read_staging
from pipelines.refresh import run_refresh

from .support import copy_warehouse, published_digests

pytestmark = pytest.mark.faults

MLCO2_YEARLY = "electricitymap_yearly_averages_2021-10-27.csv"


def replace_once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        assert old in data, f"{old!r} is not in the recorded file any more; update this test"
        return data.replace(old, new, 1)

    return mutate


def add_column(header: bytes, cell: bytes) -> Callable[[bytes], bytes]:
    """Append a column to every line of a CSV, keeping its line endings."""

    def mutate(data: bytes) -> bytes:
        lines = data.splitlines(keepends=True)
        body = [line.rstrip(b"\r\n") + b"," + cell + line[len(line.rstrip(b"\r\n")) :] for line in lines[1:]]
        first = lines[0].rstrip(b"\r\n")
        return b"".join([first + b"," + header + lines[0][len(first) :], *body])

    return mutate


def duplicate_line(startswith: bytes) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        lines = data.splitlines(keepends=True)
        [line] = [line for line in lines if line.startswith(startswith)]
        return b"".join(lines[: lines.index(line) + 1] + [line] + lines[lines.index(line) + 1 :])

    return mutate


def header_only(data: bytes) -> bytes:
    return data.splitlines(keepends=True)[0]


@dataclass(frozen=True)
class DataFault:
    source_id: str
    file: str
    mutate: Callable[[bytes], bytes]
    # Each must appear in the error; the column and a value from the offending rows where
    # the fault has them (an empty file has neither).
    expected: tuple[str, ...]


DATA_FAULTS = {
    "renamed_field_in_json": DataFault(
        "ember_country_intensity",
        "average-intensities.json",
        lambda data: data.replace(b'"emissions_intensity_gco2_per_kwh"', b'"intensity_gco2_per_kwh"'),
        (
            "expected column(s) ['emissions_intensity_gco2_per_kwh'] not found",
            "column 'emissions_intensity_gco2_per_kwh'",
            "columns present: ['key', 'country_code'",
        ),
    ),
    "renamed_key_column_in_csv": DataFault(
        "gcp_region_carbon",
        "2024.csv",
        replace_once(b"Google Cloud Region,", b"Cloud Region,"),
        ("column 'Google Cloud Region'", "columns present: ['Cloud Region', 'Location'"),
    ),
    "extra_column_that_makes_the_value_ambiguous": DataFault(
        "gcp_region_carbon",
        "2024.csv",
        add_column(b"Lifecycle grid carbon intensity (gCO2eq/kWh)", b"1.0"),
        (
            "expected one '[Lifecycle ]grid carbon intensity (gCO2eq / kWh)' column, found "
            "['Grid carbon intensity (gCO2eq / kWh)', 'Lifecycle grid carbon intensity (gCO2eq/kWh)']",
            "column 'Grid carbon intensity (gCO2eq / kWh)'",
        ),
    ),
    "extra_column_in_a_wide_table_repeating_a_zone": DataFault(
        "boavizta",
        "electrical_mix.csv",
        add_column(b"FRA", b""),
        ("zone columns ['FRA.1'] are not three-letter codes", "column 'FRA.1'"),
    ),
    "text_in_a_numeric_column": DataFault(
        "mlco2_impact",
        MLCO2_YEARLY,
        replace_once(b",725.9916673740825,", b",about 726,"),
        (
            "1 non-numeric value(s)",
            "column 'carbon_intensity_avg'",
            "sample rows:",
            "'zone_key': 'AUS-NSW'",
            "'carbon_intensity_avg': 'about 726'",
        ),
    ),
    "text_for_a_year_in_json": DataFault(
        "ember_country_intensity",
        "average-intensities.json",
        replace_once(b'"year": 2023,', b'"year": "2023/24",'),
        ("non-numeric value(s)", "column 'year'", "sample rows:", "'country_code': 'AFG'", "'year': '2023/24'"),
    ),
    "negative_intensity": DataFault(
        "mlco2_impact",
        MLCO2_YEARLY,
        replace_once(b",725.9916673740825,", b",-725.9916673740825,"),
        (
            "table 'grid_carbon_intensity', source 'mlco2_impact'",
            "column 'gco2e_per_kwh' failed greater_than(0)",
            f"of file(s) ['{MLCO2_YEARLY}']",
            "'zone_id': 'AUS-NSW'",
            "-725.99",
        ),
    ),
    "absurd_intensity_1e9_in_json": DataFault(
        "ember_country_intensity",
        "average-intensities.json",
        replace_once(b'"emissions_intensity_gco2_per_kwh": 123.71', b'"emissions_intensity_gco2_per_kwh": 1e9'),
        (
            "column 'gco2e_per_kwh' failed less_than(2000)",
            "of file(s) ['average-intensities.json']",
            "'zone_id': 'AFG'",
            "1000000000.0",
        ),
    ),
    "year_out_of_range_in_json": DataFault(
        "ember_country_intensity",
        "average-intensities.json",
        replace_once(b'"year": 2023,', b'"year": 1850,'),
        (
            "column 'year' failed greater_than_or_equal_to(1990)",
            "of file(s) ['average-intensities.json']",
            "'zone_id': 'AFG'",
        ),
    ),
    "duplicate_primary_key": DataFault(
        "ecologits_electricity_mixes",
        "electricity_mixes.csv",
        duplicate_line(b"FRA,"),
        (
            "table 'grid_carbon_intensity', source 'ecologits_electricity_mixes'",
            "key (zone_id, year, source_id, basis) is not unique: 2 row(s) share a key in file(s) "
            "['electricity_mixes.csv']",
            "'zone_id': 'FRA'",
            "'year': 2024",
        ),
    ),
    "duplicate_zone_year_caught_by_the_parser": DataFault(
        "mlco2_impact",
        MLCO2_YEARLY,
        duplicate_line(b"AUS-NSW,2018,"),
        (
            "2 rows give the same zone and year",
            "column 'zone_key'",
            "sample rows:",
            "'zone_key': 'AUS-NSW'",
            "'year': 2018",
        ),
    ),
    "empty_csv": DataFault("gcp_region_carbon", "2024.csv", lambda data: b"", ("file is empty",)),
    "empty_json": DataFault(
        "ember_country_intensity", "average-intensities.json", lambda data: b"", ("file is empty",)
    ),
    "header_only_csv": DataFault(
        "ecologits_electricity_mixes", "electricity_mixes.csv", header_only, ("CSV has a header but no rows",)
    ),
    "json_object_with_no_entries": DataFault(
        "ember_country_intensity",
        "average-intensities.json",
        lambda data: b"{}\n",
        ("expected a non-empty JSON object",),
    ),
}


def staging_key(source_id: str) -> str:
    return f"grid_carbon_intensity__{source_id}"


@pytest.mark.parametrize("case", DATA_FAULTS)
def test_data_fault_fails_its_source_with_file_column_and_rows_and_publishes_nothing(
    case, built_warehouse, archive_copy, tmp_path
):
    fault = DATA_FAULTS[case]
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    before = published_digests(warehouse)
    original = (archive_copy / fault.source_id / fault.file).read_bytes()
    rewrite_archive_file(archive_copy, fault.source_id, fault.file, fault.mutate(original))

    outcome = run_refresh(
        archive_dir=archive_copy,
        warehouse_dir=warehouse,
        instance=dg.DagsterInstance.ephemeral(),
        select=[staging_key(fault.source_id), "grid_carbon_intensity"],
    )

    assert not outcome.success
    [(step, message)] = outcome.failures
    assert step == staging_key(fault.source_id)
    assert f"source '{fault.source_id}'" in message
    assert fault.file in message
    for fragment in fault.expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "grid_carbon_intensity" not in outcome.materialized
    assert published_digests(warehouse) == before


def test_an_extra_column_a_parser_does_not_read_is_accepted(built_warehouse, archive_copy, tmp_path):
    """Publishers add columns; a long-format parser that selects its columns by name goes on."""
    source_id, name = "ecologits_electricity_mixes", "electricity_mixes.csv"
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    original = (archive_copy / source_id / name).read_bytes()
    rewrite_archive_file(archive_copy, source_id, name, add_column(b"note", b"checked")(original))

    outcome = run_refresh(
        archive_dir=archive_copy,
        warehouse_dir=warehouse,
        instance=dg.DagsterInstance.ephemeral(),
        select=[staging_key(source_id)],
    )

    assert outcome.success, "\n".join(outcome.report_lines())
    key = dg.AssetKey(staging_key(source_id))
    assert read_staging(warehouse, key).equals(read_staging(built_warehouse, key))


def test_refresh_command_exits_1_naming_source_file_column_and_rows(
    built_warehouse, archive_copy, tmp_path, monkeypatch, capsys
):
    """`aifootprint refresh`, in-process (the subprocess path is tests/integration/test_refresh.py's)."""
    fault = DATA_FAULTS["negative_intensity"]
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    before = published_digests(warehouse)
    original = (archive_copy / fault.source_id / fault.file).read_bytes()
    rewrite_archive_file(archive_copy, fault.source_id, fault.file, fault.mutate(original))
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))

    exit_code = cli_main(
        ["refresh", "--archive", str(archive_copy), "--select", staging_key(fault.source_id), "grid_carbon_intensity"]
    )
    captured = capsys.readouterr()

    assert exit_code == 1, captured.err
    assert captured.out == ""  # diagnostics go to stderr
    assert re.search(rf"^error: {staging_key(fault.source_id)}: ValidationError: ", captured.err, re.MULTILINE)
    for fragment in fault.expected:
        assert fragment in captured.err
    assert "refresh FAILED" in captured.err
    assert published_digests(warehouse) == before
