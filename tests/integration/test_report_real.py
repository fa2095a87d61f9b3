"""The explorer page of a release built from the recorded archive: each chart's numbers against
independent queries of the release, the figures a reader sees, and the page in headless
Chromium with the network off at 360 and 1440 px (screenshots saved as test artefacts)."""

from __future__ import annotations

import re
import shutil

import pytest

from browser import Browser, artefacts_dir, chromium_or_skip
from pipelines.release import build_release, connect_release
from pipelines.report import MAX_PAGE_BYTES
from pipelines.report.charts import CHARTS
from report_expectations import emitted, expected, left_out_lines, read_page

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_release(built_warehouse, tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("explorer") / "warehouse"
    shutil.copytree(built_warehouse, warehouse, ignore=shutil.ignore_patterns("releases"))
    result = build_release(warehouse)
    return result.path, (result.path / "index.html").read_text(encoding="utf-8")


def test_every_chart_of_the_recorded_release_is_drawn_from_its_tables(real_release):
    folder, page = real_release
    embedded, svgs = read_page(page)
    # Every chart's tables are in this release, so none may be left out.
    assert left_out_lines(page) == []
    assert set(embedded) == {c.id for c in CHARTS}
    assert {s["title"] for s in svgs} == {c.title for c in CHARTS}
    with connect_release(folder) as con:
        for chart_id, rows in embedded.items():
            assert emitted(chart_id, rows) == expected(chart_id, con), chart_id
    assert len(page.encode()) < MAX_PAGE_BYTES
    svg_text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", page))
    assert "undefined" not in svg_text and "NaN" not in svg_text


def test_known_figures_of_the_recorded_data_appear_on_the_page(real_release):
    _, page = real_release
    embedded, _ = read_page(page)
    # World e-waste 2022 (Global E-waste Monitor 2024): 62 Mt generated, 13.8 Mt collected and recycled.
    ewaste = {(r["year"], r["flow"]): r["mass_mt"] for r in embedded["ewaste_generated_recycled"]}
    assert ewaste[(2022, "generated")] == pytest.approx(62.0)
    assert ewaste[(2022, "collected and recycled")] == pytest.approx(13.8)
    assert "The world generated 62.0 Mt of e-waste in 2022; only 22 % of it" in page
    # GPT-3: 1,287 MWh reported (Patterson et al. 2021).
    training = {(r["model"], r["figure"]): r["energy_mwh"] for r in embedded["training_energy"]}
    assert training[("GPT-3 175B", "reported by the authors")] == pytest.approx(1287.0)
    # France's 2020 intensity from Ember's EU power sector review and CodeCarbon: 55 gCO2e/kWh direct.
    spread = {(r["zone_id"], r["source_id"]): r["gco2e_per_kwh"] for r in embedded["grid_intensity_source_spread"]}
    assert spread[("FRA", "ember_eu_power_2020")] == pytest.approx(55.0)
    # The Uptime Institute's 2024 industry average PUE, 1.56.
    assert {(r["entity"][:16], r["year"], r["pue"]) for r in embedded["datacenter_pue"]} >= {
        ("Uptime Institute", 2024, 1.56)}


def test_recorded_release_page_in_chromium_offline(real_release):
    folder, _ = real_release
    browser = Browser(chromium_or_skip())
    try:
        for width in (360, 1440):
            report = browser.open(folder / "index.html", width, artefacts_dir() / f"explorer-{width}px.png")
            assert report.console_errors == [], width
            assert report.failed_requests == [], width
            assert report.requested_urls == [(folder / "index.html").resolve().as_uri()], width
            assert sorted(s["title"] for s in report.svgs) == sorted(c.title for c in CHARTS), width
            assert report.scroll_width <= width
            smallest_scale = 1.0 if width > 1000 else 0.85
            assert all(s["width"] >= smallest_scale * s["natural_width"] - 1 for s in report.svgs), report.svgs
            assert report.screenshot.stat().st_size > 50_000
    finally:
        browser.close()
