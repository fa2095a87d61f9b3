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


# Charts the recorded release cannot draw because every row they would plot comes from a source
# whose licence keeps it out of releases (pipelines/licences.py). None today: NVIDIA's revenue
# extraction is declared redistributable (public SEC filings, MIT extraction).
LICENCE_LEFT_OUT: dict[str, str] = {}


def test_every_chart_of_the_recorded_release_is_drawn_from_its_tables(real_release):
    folder, page = real_release
    embedded, svgs = read_page(page)
    # Every chart's tables are in this release: a chart is left out only for licence reasons.
    left_out = {line.split(": ", 1)[0]: line for line in left_out_lines(page)}
    assert set(left_out) == set(LICENCE_LEFT_OUT)
    for title, source_id in LICENCE_LEFT_OUT.items():
        assert f"rows kept out by licence: {source_id} (" in left_out[title]
    drawn_titles = {c.title for c in CHARTS} - set(LICENCE_LEFT_OUT)
    assert {c.title for c in CHARTS if c.id in embedded} == drawn_titles
    assert {s["title"] for s in svgs} == drawn_titles
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
    # Electricity Maps' hourly rows are withheld by licence: the hourly charts show Open Grid Emissions'
    # three balancing authorities, 2021 (365 UTC days each, plus 1 January 2022 for the local-time year).
    hourly_zones = {r["zone_id"] for r in embedded["grid_intensity_hourly_year"]}
    assert hourly_zones == {"US-CAL-CISO", "US-TEX-ERCO", "US-MIDA-PJM"}
    assert "Kept out of this release by licence, so not drawn: emaps_hourly (105,120 rows" in page
    # IEA, Energy and AI (2025): data centres used about 415 TWh in 2024.
    world = {(r["series"], r["year"]): r["twh_central"] for r in embedded["datacenter_electricity_world"]}
    assert world[("IEA Energy and AI", 2024)] == pytest.approx(415.0)
    # Recycling rates ranked within one definition only (Eurostat's recycled / collected covers the
    # most countries once UN SDG rows are withheld): never both definitions in one ranking.
    assert {r["rate_definition"] for r in embedded["ewaste_recycling_rate_by_country"]} == {"recycled_over_collected"}
    # The AI Energy Score's rows (no data licence stated) are withheld; ML.ENERGY's are drawn.
    assert {r["source_id"] for r in embedded["inference_energy_by_size"]} == {"mlenergy_leaderboard"}
    # The Uptime Institute's 2024 industry average PUE, 1.56.
    assert {(r["entity"][:16], r["year"], r["pue"]) for r in embedded["datacenter_pue"]} >= {
        ("Uptime Institute", 2024, 1.56)
    }


def test_recorded_release_page_in_chromium_offline(real_release):
    folder, _ = real_release
    browser = Browser(chromium_or_skip())
    try:
        for width in (360, 1440):
            report = browser.open(folder / "index.html", width, artefacts_dir() / f"explorer-{width}px.png")
            assert report.console_errors == [], width
            assert report.failed_requests == [], width
            assert report.requested_urls == [(folder / "index.html").resolve().as_uri()], width
            drawn = sorted(c.title for c in CHARTS if c.title not in LICENCE_LEFT_OUT)
            assert sorted(s["title"] for s in report.svgs) == drawn, width
            assert report.scroll_width <= width
            smallest_scale = 1.0 if width > 1000 else 0.85
            assert all(s["width"] >= smallest_scale * s["natural_width"] - 1 for s in report.svgs), report.svgs
            assert report.screenshot.stat().st_size > 50_000
    finally:
        browser.close()
