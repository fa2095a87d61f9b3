"""A non-editable install (what `pip install .` gives a user) carries everything it needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Runtime state and local environments: never part of what gets installed.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.egg-info",
    "build",
    ".pytest_cache",
    "parquet",
    "staging",
    "raw",
    "releases",
    "*.duckdb",
    "storage",
    "history",
)


def _install(tree: Path, venv: Path) -> subprocess.CompletedProcess:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip("uv is not installed in the test venv (the README's set-up installs it)")
    command = [
        str(uv),
        "pip",
        "install",
        "-q",
        "-p",
        str(venv / "bin" / "python"),
        "-c",
        str(REPO / "requirements.lock"),
        str(tree),
    ]
    env = {**os.environ, "UV_COMPILE_BYTECODE": "1"}
    # The uv cache is warm wherever the README's set-up ran; go to the index only if it is not.
    done = subprocess.run(
        [*command[:3], "--offline", *command[3:]], capture_output=True, text=True, timeout=900, env=env
    )
    if done.returncode != 0:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
    return done


def test_non_editable_install_refreshes_and_estimates_from_outside_the_checkout(shared_sources, tmp_path):
    tree = tmp_path / "src"
    shutil.copytree(REPO, tree, ignore=_NOT_SOURCE)
    venv = tmp_path / "venv"
    done = _install(tree, venv)
    assert done.returncode == 0, done.stderr
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert not (site / "__editable__.aifootprint-0.1.0.pth").exists()
    installed = site / "pipelines"
    assert sorted(p.name for p in (installed / "sql").glob("*.sql")) == sorted(
        p.name for p in (REPO / "warehouse" / "sql").glob("*.sql")
    )
    assert sorted(p.name for p in (installed / "curated").glob("*.csv")) == sorted(
        p.name for p in (REPO / "pipelines" / "curated").glob("*.csv")
    )
    assert (installed / "dagster.yaml").is_file()

    work = tmp_path / "user"  # a user's folder, nowhere near the checkout
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIFOOTPRINT_", "DAGSTER_HOME"))}
    refresh = subprocess.run(
        [str(venv / "bin" / "aifootprint"), "refresh", "--archive", str(shared_sources)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert refresh.returncode == 0, refresh.stderr
    assert (work / "warehouse" / "aifootprint.duckdb").is_file()
    assert "ConsolidatedSqliteEventLogStorage" in (work / "dagster_home" / "dagster.yaml").read_text()
    estimate = subprocess.run(
        [
            str(venv / "bin" / "aifootprint"),
            "estimate",
            "--hardware",
            "H100 SXM",
            "--count",
            "8",
            "--hours",
            "24",
            "--zone",
            "FRA",
            "--year",
            "2022",
            "--pue",
            "1.1",
            "--format",
            "json",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert estimate.returncode == 0, estimate.stderr
    result = json.loads(estimate.stdout)
    # 8 x 700 W x 24 h x 1.1 / 1000 = 147.84 kWh
    assert result["results"]["energy_kwh"] == pytest.approx(147.84)
