"""The explorer page of a small release in headless Chromium, offline, at phone and desktop widths."""

from __future__ import annotations

import pytest
from test_report import release  # noqa: F401  (the module-scoped fixture)

from browser import Browser, artefacts_dir, chromium_or_skip
from pipelines.report.charts import CHARTS

WIDTHS = (360, 1440)


@pytest.fixture(scope="module")
def browser():
    opened = Browser(chromium_or_skip())
    yield opened
    opened.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_page_renders_offline_without_errors_and_shows_every_chart(release, browser, width):  # noqa: F811
    folder, _ = release
    report = browser.open(folder / "index.html", width, artefacts_dir() / f"explorer-small-{width}px.png")

    assert report.console_errors == []
    assert report.failed_requests == []
    assert report.requested_urls == [(folder / "index.html").resolve().as_uri()]
    assert sorted(s["title"] for s in report.svgs) == sorted(c.title for c in CHARTS)
    assert all(s["role"] == "img" and s["width"] > 200 and s["height"] > 50 for s in report.svgs), report.svgs
    # Charts are drawn for the width they are shown at: scaled down at most a little, so the
    # labels stay readable (desktop: full size; phone: the narrow rendering, >= 85 %).
    smallest_scale = 1.0 if width > 1000 else 0.85
    assert all(s["width"] >= smallest_scale * s["natural_width"] - 1 for s in report.svgs), report.svgs
    # Nothing wider than the screen: no sideways scrolling at either width.
    assert report.scroll_width <= width
    assert all(s["width"] <= width for s in report.svgs)
    assert report.screenshot.stat().st_size > 10_000
