"""Meta's Llama model cards (meta-llama/llama-models on GitHub): training energy and emissions.

Each card states, per model size, the training time in GPU-hours, the power per GPU and the
training emissions in tCO2eq (location- and market-based from Llama 3.1 on), in a table that
is a Markdown pipe table in some cards and an HTML <table> inside the Markdown in others. The
prose around it names the hardware ("H100-80GB (TDP of 700W)"). The table is found by its
"GPU hours" header and its columns by their header text, so both layouts parse the same way.

Recorded as published:
* `power_w` is what the cards call "peak power capacity per GPU device ... adjusted for power
  usage efficiency", so the cards' PUE is inside it and `pue` stays empty.
* "Total" rows are sums of the rows above and are left out.
* The Llama 3.2 Vision table gives GPU-hours per training stage ("Stage 1 pretraining: 147K
  H100 hours ..."); the stages are summed and listed in `citation_note`.
* Emissions written as "Negligible" (under 0.001 t, says the card) are left empty, with a note.
* year: the end of the stated training period ("trained between January 2023 and July
  2023"), else the year of the model's release date.
* A row whose emissions per kWh (tCO2eq / (GPU-hours x power)) is more than ten times off the
  cards' median is kept as published and logged as a published defect: the Llama 3.3 card
  gives 12.9 t for the 7.0M GPU-hours that the Llama 3.1 card puts at 2,040 t.
"""

from __future__ import annotations

import logging
import re
import statistics
from datetime import date
from html.parser import HTMLParser

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

_COMMIT = "a9c89c471f793423afd4cc3ca8671d6e56fe64cb"
_RAW = f"https://raw.githubusercontent.com/meta-llama/llama-models/{_COMMIT}/models"

# Raw file name -> (model family, path under models/ at the pinned commit, data_as_of of that file)
CARDS = {
    "llama2_MODEL_CARD.md": ("Llama 2", "llama2/MODEL_CARD.md", "2024-09-30"),
    "llama3_MODEL_CARD.md": ("Llama 3", "llama3/MODEL_CARD.md", "2024-09-30"),
    "llama3_1_MODEL_CARD.md": ("Llama 3.1", "llama3_1/MODEL_CARD.md", "2024-09-30"),
    "llama3_2_MODEL_CARD.md": ("Llama 3.2", "llama3_2/MODEL_CARD.md", "2024-10-24"),
    "llama3_2_vision_MODEL_CARD.md": ("Llama 3.2 Vision", "llama3_2/MODEL_CARD_VISION.md", "2024-09-30"),
    "llama3_3_MODEL_CARD.md": ("Llama 3.3", "llama3_3/MODEL_CARD.md", "2025-02-12"),
    "llama4_MODEL_CARD.md": ("Llama 4", "llama4/MODEL_CARD.md", "2025-04-05"),
}

log = logging.getLogger(__name__)

ORGANIZATION = "Meta"
# How far (as a factor) a row's implied emissions per kWh may stray from the cards' median
# before it is logged as a published defect.
IMPLIED_INTENSITY_FACTOR = 10
POWER_NOTE = (
    "power_w is the card's 'peak power capacity per GPU device ... adjusted for power usage "
    "efficiency'; location not stated in the card"
)

_HARDWARE = re.compile(r"(?:hardware of type|on)\s+([A-Z]\d{2,4}-\d+GB)")
_TRAINED_BETWEEN = re.compile(r"trained between \w+ (\d{4}) and \w+ (\d{4})", re.IGNORECASE)
_RELEASE_HEADING = "Model Release Date"
# The first date after the heading: "July 23, 2024", "Oct 24, 2024", "Sept 25, 2024", or on the
# next line after a label ("* **70B Instruct: December 6, 2024**").
_RELEASE_DATE = re.compile(r"([A-Z][a-z]+)\.? (\d{1,2}), (\d{4})")
_RELEASE_WINDOW = 200
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_NUMBER = re.compile(r"^(\d[\d,]*(?:\.\d+)?)\s*([kKmM]?)$")
_STAGE_HOURS = re.compile(r"([A-Za-z][\w ]*?):\s*(\d[\d,]*(?:\.\d+)?)\s*([kKmM]?)\s+\w+ hours")
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6}
_NEGLIGIBLE = "negligible"


def parse_training_runs(raw: RawSource) -> pd.DataFrame:
    runs = [run for name in CARDS if name in raw.files for run in _card_runs(raw, name)]
    if not runs:
        raise SourceFormatError(raw.source_id, None, f"none of the model cards {sorted(CARDS)} is in the snapshot")
    _log_inconsistent_emissions(runs)
    return pd.DataFrame(runs)


def _log_inconsistent_emissions(runs: list[dict]) -> None:
    implied = {
        id(run): run["reported_tco2e"] * 1e9 / (run["gpu_hours"] * run["power_w"])  # gCO2e/kWh
        for run in runs
        if run["reported_tco2e"] and run["gpu_hours"] and run["power_w"]
    }
    if len(implied) < 3:
        return
    median = statistics.median(implied.values())
    for run in runs:
        value = implied.get(id(run))
        if value is not None and not median / IMPLIED_INTENSITY_FACTOR <= value <= median * IMPLIED_INTENSITY_FACTOR:
            log.warning(
                "llama_model_cards: %s '%s': %s t for %s GPU-hours at %s W is %.3g gCO2e/kWh, against "
                "%.3g for the cards' median row; kept as published",
                run["source_file"],
                run["model"],
                f"{run['reported_tco2e']:g}",
                f"{run['gpu_hours']:g}",
                f"{run['power_w']:g}",
                value,
                median,
            )


def _card_runs(raw: RawSource, name: str) -> list[dict]:
    family = CARDS[name][0]
    text = raw.text(name)
    table = _energy_table(raw, name, text)
    hardware = _HARDWARE.search(text)
    if hardware is None:
        raise SourceFormatError(raw.source_id, name, "no hardware type (e.g. 'H100-80GB') stated near the table")
    year, published = _dates(raw, name, text)

    header, *rows = table
    columns = _columns(raw, name, header)
    runs = []
    for row in rows:
        cells = dict(zip(columns, row + [""] * (len(columns) - len(row)), strict=False))
        model = cells.get("model", "").strip()
        if not model or model.lower() == "total":
            continue
        notes = [POWER_NOTE]
        gpu_hours, stages = _gpu_hours(raw, name, cells["gpu_hours"])
        if stages:
            notes.append(f"GPU-hours summed over stages: {stages}")
        if _number(raw, name, cells.get("logit_gpu_hours", ""), "logit generation"):
            notes.append(f"plus {cells['logit_gpu_hours'].strip()} GPU-hours of logit generation, not included")
        location_based = cells.get("reported_tco2e", "")
        if _NEGLIGIBLE in location_based.lower():
            notes.append("location-based emissions 'Negligible' in the card (under 0.001 t)")
            log.warning(
                "llama_model_cards: %s '%s': emissions published as 'Negligible' (under 0.001 t), left empty",
                name,
                model,
            )
        runs.append(
            {
                "model": model,
                "organization": ORGANIZATION,
                "year": year,
                "hardware": hardware.group(1),
                "canonical_model": None,
                "hardware_count": None,
                "training_hours": None,
                "gpu_hours": gpu_hours,
                "power_w": _number(raw, name, cells["power_w"], "power"),
                "pue": None,
                "location": None,
                "zone_id": None,
                "grid_gco2e_per_kwh": None,
                "reported_energy_mwh": None,
                "reported_tco2e": _number(raw, name, location_based, "emissions"),
                "reported_market_based_tco2e": _number(
                    raw, name, cells.get("reported_market_based_tco2e", ""), "market-based emissions"
                ),
                "citation_publisher": ORGANIZATION,
                "citation_title": f"{family} model card",
                "citation_url": raw.file(name).url,
                "citation_published": published,
                "citation_note": "; ".join(notes),
                "source_file": name,
            }
        )
    if not runs:
        raise SourceFormatError(raw.source_id, name, "the training table has no model rows")
    return runs


def _columns(raw: RawSource, name: str, header: list[str]) -> list[str]:
    """Name the table's columns by their header text (first column: the model)."""
    names = ["model"]
    for cell in header[1:]:
        text = cell.lower()
        if "logit" in text:
            names.append("logit_gpu_hours")
        elif "gpu hours" in text:
            names.append("gpu_hours")
        elif "power" in text:
            names.append("power_w")
        elif "market-based" in text:
            names.append("reported_market_based_tco2e")
        elif "location-based" in text or "carbon emitted" in text:
            names.append("reported_tco2e")
        else:
            names.append(f"unused: {cell}")
    missing = {"gpu_hours", "power_w", "reported_tco2e"} - set(names)
    if missing:
        raise SourceFormatError(
            raw.source_id, name, f"training table lacks column(s) {sorted(missing)}; header is {header}"
        )
    return names


def _energy_table(raw: RawSource, name: str, text: str) -> list[list[str]]:
    for table in [*markdown_tables(text), *html_tables(text)]:
        if table and any("gpu hours" in cell.lower() for cell in table[0]):
            return table
    raise SourceFormatError(raw.source_id, name, "no table with a 'GPU hours' column")


def _dates(raw: RawSource, name: str, text: str) -> tuple[int, str | None]:
    heading = text.find(_RELEASE_HEADING)
    release = _RELEASE_DATE.search(text, heading, heading + _RELEASE_WINDOW) if heading >= 0 else None
    published = None
    if release:
        month = _MONTHS.get(release.group(1)[:3].lower())
        if month is None:
            raise SourceFormatError(raw.source_id, name, f"unreadable release month {release.group(1)!r}")
        published = date(int(release.group(3)), month, int(release.group(2))).isoformat()
    trained = _TRAINED_BETWEEN.search(text)
    if trained:
        return int(trained.group(2)), published
    if published:
        return int(published[:4]), published
    raise SourceFormatError(raw.source_id, name, "states neither a training period nor a release date")


def _gpu_hours(raw: RawSource, name: str, cell: str) -> tuple[float | None, str | None]:
    stages = _STAGE_HOURS.findall(cell)
    if stages:
        total = sum(float(value.replace(",", "")) * _SCALE[scale.lower()] for _, value, scale in stages)
        return total, "; ".join(f"{stage.strip()} {value}{scale}" for stage, value, scale in stages)
    return _number(raw, name, cell, "GPU hours"), None


def _number(raw: RawSource, name: str, cell: str, what: str) -> float | None:
    text = cell.replace("\\", "").replace("*", "").strip()
    if text in {"", "-"} or _NEGLIGIBLE in text.lower():
        return None
    match = _NUMBER.match(text)
    if match is None:
        raise SourceFormatError(raw.source_id, name, f"unreadable {what} value {cell!r}")
    return float(match.group(1).replace(",", "")) * _SCALE[match.group(2).lower()]


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Pipe tables: a header row, a `---` separator row, then body rows (cells stripped)."""
    tables, current = [], []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            current.append(_pipe_cells(stripped))
            continue
        if len(current) >= 2 and all(re.fullmatch(r":?-+:?", c.strip()) for c in current[1] if c.strip()):
            tables.append([current[0], *current[2:]])
        current = []
    return tables


def _pipe_cells(line: str) -> list[str]:
    # Only the one outer pipe on each side: "||Time|" has an empty first cell.
    inner = line[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [_clean(cell) for cell in re.split(r"(?<!\\)\|", inner)]


def _clean(cell: str) -> str:
    text = re.sub(r"<[^>]+>", "", cell)
    return re.sub(r"\s+", " ", text).strip()


class _TableCollector(HTMLParser):
    """Rows of cell texts of every <table>; a <td> or <tr> closes an unclosed cell or row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._rows: list[list[str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif self._rows is None:
            return
        elif tag == "tr":
            self._end_row()
            self._row = []
        elif tag in {"td", "th"}:
            self._end_cell()
            if self._row is None:
                self._row = []
            self._cell = []

    def handle_endtag(self, tag):
        if self._rows is None:
            return
        if tag in {"td", "th"}:
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            self.tables.append(self._rows)
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self):
        if self._cell is not None and self._row is not None:
            self._row.append(_clean(" ".join(self._cell)))
        self._cell = None

    def _end_row(self):
        self._end_cell()
        if self._row is not None and self._rows is not None:
            self._rows.append(self._row)
        self._row = None


def html_tables(text: str) -> list[list[list[str]]]:
    collector = _TableCollector()
    collector.feed(text)
    collector.close()
    return collector.tables


SOURCE = Source(
    id="llama_model_cards",
    title="Meta Llama model cards (training energy and emissions sections)",
    publisher="Meta",
    license="Llama community licences (model cards are published documentation; only the stated facts are used)",
    homepage="https://github.com/meta-llama/llama-models",
    description="Official model cards of Llama 2, 3, 3.1, 3.2, 3.3 and 4: training GPU-hours per model size, "
    "hardware, per-device power and location- and market-based training emissions (tCO2eq).",
    files=tuple(SourceFile(name, f"{_RAW}/{path}", "markdown", vintage) for name, (_, path, vintage) in CARDS.items()),
    parsers={"ai_training_runs": parse_training_runs},
    freshness=Freshness(None, "model cards document finished training runs, not a maintained series"),
)
