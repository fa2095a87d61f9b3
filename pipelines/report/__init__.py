"""The release explorer page: `index.html`, self-contained, with every chart as inline SVG.

`write_report(release, out)` reads a release folder (its `datapackage.json` and, through
`aifootprint.duckdb`, its tables), draws every chart of `pipelines.report.charts.CHARTS` whose
tables and columns the release holds, and writes `out/index.html`: the charts, each with its
takeaway, units, sources and vintages and a link to its table; the tables with row counts,
columns and downloads; the sources with their licences. Nothing is fetched when it is viewed
(a Content-Security-Policy forbids it): no scripts, fonts or images from anywhere.

`aifootprint release` writes it into the release before the checksums (so SHA256SUMS covers
it); `aifootprint report --release DIR --out DIR` writes it elsewhere and refuses to write into
a published release, which is immutable.

Rows a release leaves out because of their source's licence are listed per table in the
datapackage (`resources[i].withheld = [{source_id, rows, reason}]`). Charts draw only the rows
the release contains: one left with no rows is left out with that reason, one drawn from the
remaining rows says under it which sources' rows were kept out.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.errors import AifootprintError

PAGE_NAME = "index.html"
# The page with its charts must stay small enough to open quickly on a phone.
MAX_PAGE_BYTES = 5_000_000


class ReportError(AifootprintError):
    """The explorer page could not be built (not a release, published folder, chart failure)."""


@dataclass
class ReportResult:
    path: Path
    shown: list[str] = field(default_factory=list)  # chart ids drawn
    left_out: dict[str, str] = field(default_factory=dict)  # chart id -> why
    bytes: int = 0

    def summary_line(self) -> str:
        line = f"explorer page {self.path}: {len(self.shown)} chart(s), {self.bytes / 1e6:.2f} MB"
        if self.left_out:
            line += f"; left out: {', '.join(f'{c} ({why})' for c, why in self.left_out.items())}"
        return line


def write_report(release_dir: Path | str, out_dir: Path | str | None = None) -> ReportResult:
    """Write `index.html` for the release in `release_dir` into `out_dir` (default: the release)."""
    from pipelines.release import DATAPACKAGE_NAME, connect_release
    from pipelines.report.page import render_page
    from pipelines.warehouse import DATABASE_NAME

    release_dir = Path(release_dir)
    out_dir = Path(out_dir) if out_dir is not None else release_dir
    package_path = release_dir / DATAPACKAGE_NAME
    if not package_path.is_file() or not (release_dir / DATABASE_NAME).is_file():
        raise ReportError(f"{release_dir} is not a release folder: it has no {DATAPACKAGE_NAME} and {DATABASE_NAME}")
    try:
        package = json.loads(package_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportError(f"{package_path} is not valid JSON ({exc})") from None
    out_dir.mkdir(parents=True, exist_ok=True)
    files_prefix = os.path.relpath(release_dir.resolve(), out_dir.resolve())
    with connect_release(release_dir) as con:
        page, shown, left_out = render_page(
            package, con, files_prefix="" if files_prefix == "." else files_prefix + "/"
        )
    data = page.encode("utf-8")
    if len(data) > MAX_PAGE_BYTES:
        raise ReportError(
            f"explorer page would be {len(data) / 1e6:.1f} MB, over the {MAX_PAGE_BYTES / 1e6:.0f} MB "
            "limit: summarise the densest chart's data"
        )
    target = out_dir / PAGE_NAME
    temporary = target.with_name(f".{PAGE_NAME}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return ReportResult(target, shown, left_out, len(data))


def published_release_above(folder: Path) -> Path | None:
    """The published release (a folder with SHA256SUMS) that `folder` is or lies inside, if any."""
    from pipelines.release import CHECKSUMS_NAME

    for candidate in [folder, *folder.parents]:
        if (candidate / CHECKSUMS_NAME).is_file():
            return candidate
    return None


def build_report(release_dir: Path | str, out_dir: Path | str) -> ReportResult:
    """`aifootprint report`: like write_report, but never into a published (immutable) release."""
    out = Path(out_dir).resolve()
    published = published_release_above(out)
    if published is not None:
        raise ReportError(
            f"refusing to write into the published release {published}: releases are immutable "
            "(their files are listed in SHA256SUMS); choose another --out folder"
        )
    return write_report(release_dir, out)
