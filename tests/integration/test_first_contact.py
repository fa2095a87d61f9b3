"""The README's main command on a machine without a network: it must succeed from the fallback archive."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.integration

VENV_BIN = Path(sys.executable).parent


def readme_block(marker: str) -> str:
    """The shell command between `<!-- marker -->` comments, as .ci/run extracts the test command."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)\n```\n<!-- /{marker} -->", text, re.S)
    assert block, f"no {marker} block in README.md"
    return block.group(1).strip()


def readme_refresh_command() -> str:
    """The README's words from `.venv/bin/aifootprint refresh` on; the venv set-up before it is the
    one already installed (the test runs inside it)."""
    command = readme_block("run-command")
    tail = command.split("&&")[-1].strip()
    assert tail.startswith(".venv/bin/aifootprint refresh"), command
    return tail.replace(".venv/bin/", f"{VENV_BIN}/", 1)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_offline(
    command: str, tmp_path: Path, mirror: str, timeout_s: float = 600
) -> tuple[subprocess.CompletedProcess, float]:
    env = {
        **os.environ,
        "AIFOOTPRINT_WAREHOUSE": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "AIFOOTPRINT_SOURCE_MIRROR": mirror,
    }
    for name in ("AIFOOTPRINT_ARCHIVE", "AIFOOTPRINT_FALLBACK_ARCHIVE"):
        env.pop(name, None)
    started = time.monotonic()
    done = subprocess.run(["bash", "-c", command], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout_s)
    return done, time.monotonic() - started


@pytest.mark.parametrize("mirror", ["closed-port", "http://aifootprint-mirror.invalid/"])
def test_readme_main_command_succeeds_offline_from_the_fallback_archive(shared_sources, tmp_path, mirror):
    if mirror == "closed-port":
        mirror = f"http://127.0.0.1:{closed_port()}/"
    done, elapsed = run_offline(readme_refresh_command(), tmp_path, mirror)
    assert done.returncode == 0, done.stderr
    # Hang guard only (measured ~25 s on 2 shared cores; the figure belongs in benchmarks/).
    assert elapsed < 300
    lines = done.stderr.splitlines()
    assert "egrid: recorded (fallback archive), vintages 2025-02-11 to 2025-02-18" in lines
    assert "ember_country_intensity: recorded (fallback archive), vintage 2025-08-03" in lines
    assert any(re.fullmatch(r"observe sources: observed (\d+)/\1 \(\d+\.\d s\)", line) for line in lines), lines
    assert any(
        re.fullmatch(r"build tables: parsed (\d+)/\1, published (\d+)/\2, views (\d+)/\3 \(\d+\.\d s\)", line)
        for line in lines
    ), lines
    assert "refresh succeeded" in lines
    # stderr is a pipe here: plain lines, no cursor control.
    assert "\r" not in done.stderr and "\x1b" not in done.stderr
    (value,) = json.loads(
        subprocess.run(
            [
                str(VENV_BIN / "aifootprint"),
                "query",
                "select gco2e_per_kwh from grid_carbon_intensity where "
                "zone_id = 'FRA' and year = 2023 and source_id = 'codecarbon'",
                "--format",
                "json",
            ],
            env={**os.environ, "AIFOOTPRINT_WAREHOUSE": str(tmp_path / "warehouse")},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert value["gco2e_per_kwh"] == pytest.approx(56.039)
    record = json.loads((tmp_path / "warehouse" / "last_refresh.json").read_text())
    assert record["sources"]["egrid"]["origin"] == "recorded (fallback archive)"
    # `aifootprint sources` tells the same story, without absolute paths, in lines that fit.
    listing = subprocess.run(
        [str(VENV_BIN / "aifootprint"), "sources", "--format", "json"],
        env={**os.environ, "AIFOOTPRINT_WAREHOUSE": str(tmp_path / "warehouse")},
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {row["source_id"]: row for row in json.loads(listing.stdout)}
    assert rows["egrid"]["status"] == "ok"
    assert rows["egrid"]["origin"] == "recorded (fallback archive)"
    assert rows["egrid"]["all_vintages"] == "2025-02-11, 2025-02-18"
    assert rows["sec_edgar"]["status"] == "not in the archive"
    assert rows["curated_chips"]["origin"] == "curated"
    table = subprocess.run(
        [str(VENV_BIN / "aifootprint"), "sources"],
        env={**os.environ, "AIFOOTPRINT_WAREHOUSE": str(tmp_path / "warehouse"), "COLUMNS": "100"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(tmp_path) not in table.stdout + table.stderr and str(REPO) not in table.stdout + table.stderr
    assert max(len(line) for line in table.stdout.splitlines()) <= 100
    assert any(line.split()[:2] == ["egrid", "ok"] for line in table.stdout.splitlines())


def test_offline_without_fallback_fails_fast_with_one_paragraph(tmp_path):
    command = f"{VENV_BIN}/aifootprint refresh --fallback-archive {tmp_path / 'no-such-folder'}"
    done, elapsed = run_offline(command, tmp_path, "http://aifootprint-mirror.invalid/", timeout_s=120)
    assert done.returncode == 1
    assert elapsed < 60  # the issue asks for 30 s; measured under 1 s
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("notice: fallback archive ") and lines[0].endswith(
        "no such folder; continuing without a fallback"
    )
    assert lines[-1].startswith("error: no network: ")
    assert "aifootprint-mirror.invalid:80 (name does not resolve)" in lines[-1]
    assert "--archive DIR" in lines[-1] and "aifootprint download" in lines[-1]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "warehouse" / "parquet").exists()
