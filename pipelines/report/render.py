"""Vega-Lite specs to accessible inline SVG, at build time, with no browser and no network.

vl-convert (Vega compiled into a Rust library) renders the SVG; text stays text, in the
reader's own sans-serif font, so nothing is fetched when the page is viewed. Each chart is
rendered twice, for wide and for narrow screens (CSS shows one), because a chart scaled down
from desktop width to a phone would shrink its labels below reading size.
"""

from __future__ import annotations

import html
import re

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour-vision deficiency; black last, for an eighth category.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
WIDE_WIDTH = 620
NARROW_WIDTH = 170

_CONFIG = {
    # Label widths are measured when the SVG is drawn, so the reader's font must have the same
    # metrics: Arial, Helvetica and Liberation Sans (Linux's Arial substitute) share them.
    "font": "Arial, Helvetica, 'Liberation Sans', sans-serif",
    "background": "white",
    "range": {"category": PALETTE},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelColor": "#222", "titleColor": "#222"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "symbolStrokeWidth": 2},
    "view": {"stroke": None},
}
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


class RenderError(Exception):
    pass


def full_spec(spec: dict, rows: list[dict], *, width: int, narrow: bool) -> dict:
    """The chart's spec with its data, width and shared styling (title and caption are HTML)."""
    # Legends go under the plot: series names are long, and the plot keeps the full width.
    config = {
        **_CONFIG,
        "legend": {
            **_CONFIG["legend"],
            "orient": "bottom",
            "direction": "vertical",
            "columns": 1 if narrow else 2,
            "labelLimit": 260 if narrow else 420,
        },
    }
    if "facet" in spec:  # a faceted chart sizes each panel, not the whole
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            **spec,
            "spec": {**spec["spec"], "width": width},
            "data": {"values": rows},
            "config": config,
        }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        **spec,
        "width": width,
        "data": {"values": rows},
        "config": config,
    }


def to_svg(spec: dict, *, chart_id: str, title: str, description: str, variant: str) -> str:
    """Render a full spec to SVG marked up as an image with its title and description."""
    import vl_convert

    try:
        svg = vl_convert.vegalite_to_svg(spec)
    except Exception as exc:  # vl-convert raises plain ValueError/RuntimeError with Vega's message
        raise RenderError(f"chart {chart_id}: Vega-Lite could not render it ({exc})") from None
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise RenderError(f"chart {chart_id}: the renderer returned no <svg> element")
    base = f"{chart_id}-{variant}"
    tag = opening.group(0)[:-1] + (
        f' role="img" aria-labelledby="{base}-title {base}-desc"'
        f' class="chart chart-{variant}" preserveAspectRatio="xMinYMin meet">'
    )
    tag = tag.replace('class="marks" ', "")
    labels = (
        f'<title id="{base}-title">{html.escape(title)}</title><desc id="{base}-desc">{html.escape(description)}</desc>'
    )
    return svg[: opening.start()] + tag + labels + svg[opening.end() :]
