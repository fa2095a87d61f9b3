"""Estimates on real data: ambiguous names say which variant, every result names its dataset, citation."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from conftest import REPO
from pipelines import dataset
from pipelines.cli import main

pytestmark = pytest.mark.integration

H100_NOTE = (
    "note: 'H100' does not say which variant: used h100-sxm (700 W); the data also has h100-nvl (400 W), "
    "h100-pcie (350 W). Name one (e.g. --hardware 'h100-nvl') to use it."
)


def test_an_ambiguous_name_says_which_variant_it_used(built_warehouse, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    assert (
        main(["estimate", "--hardware", "H100", "--count", "8", "--hours", "24", "--zone", "FRA", "--year", "2022"])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert H100_NOTE in lines
    assert lines[-1].startswith(f"dataset: warehouse {built_warehouse.name}/ built by an archive refresh finished ")
    assert main(["estimate", "--hardware", "H100 SXM", "--count", "8", "--hours", "24", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert not [n for n in result["notes"] if "does not say which variant" in n]
    assert result["results"]["energy_kwh"] == pytest.approx(8 * 700 * 24 * 1.56 / 1000)
    assert result["dataset"]["kind"] == "warehouse" and result["dataset"]["created"]


def test_nan_in_a_jobs_column_names_the_column_and_line(built_warehouse, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    jobs = tmp_path / "jobs.csv"
    jobs.write_text("hardware,count,hours,pue\nH100 SXM,8,24,1.1\nH100 SXM,NaN,24,1.1\nA100 80GB,4,10,inf\n")
    assert main(["estimate", "--jobs", str(jobs), "--out", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert "  line 3: count NaN is not a finite number" in err.splitlines()
    assert "  line 4: pue inf is not a finite number" in err.splitlines()
    assert not (tmp_path / "out.csv").exists()
    assert main(["estimate", "--jobs", str(jobs), "--out", str(tmp_path / "out.csv"), "--skip-invalid"]) == 0
    assert "wrote 1 row(s) to" in capsys.readouterr().err


def test_an_estimate_on_a_release_names_the_release_and_the_release_says_how_to_cite(
    built_warehouse, tmp_path, monkeypatch, capsys
):
    warehouse = tmp_path / "w"
    shutil.copytree(built_warehouse, warehouse)
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["release", "--version", "r1"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "no-warehouse"))
    assert (
        main(
            [
                "estimate",
                "--hardware",
                "H100 SXM",
                "--count",
                "1",
                "--hours",
                "1",
                "--zone",
                "FRA",
                "--format",
                "json",
                "--release",
                str(warehouse / "releases"),
            ]
        )
        == 0
    )
    used = json.loads(capsys.readouterr().out)["dataset"]
    assert used["kind"] == "release" and used["version"] == "r1"
    assert used["label"].startswith("aifootprint release r1 (")
    package = json.loads((warehouse / "releases" / "r1" / "datapackage.json").read_text())
    assert package["citation"].startswith(f"{dataset.CITATION_AUTHOR} (")
    assert "Version r1." in package["citation"] and dataset.CITATION_URL in package["citation"]
    assert "How to cite this release:" in (warehouse / "releases" / "r1" / "CHANGELOG.md").read_text()


def test_citation_cff_matches_what_releases_say():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == dataset.CITATION_TITLE
    assert cff["authors"] == [{"name": dataset.CITATION_AUTHOR}]
    assert cff["repository-code"] == dataset.CITATION_URL
