"""USGS Mineral Commodity Summaries 2024 data release: world production, reserves and US salient
statistics for the minerals in accelerators and servers (tungsten, cobalt, tantalum, platinum-
group metals, gallium, germanium).

Two CSV layouts per commodity (`mcs2024-<abbr>_world.csv`, `mcs2024-<abbr>_salient.csv`):

    Source,Country,Type,Prod_t_est_2022,Prod_t_est_2023,Prod_notes,Reserves_t,Reserves_notes,,,
    MCS2024,Congo (Kinshasa),"Mine production, metric tons of contained cobalt",144000,170000,,6000000,...
    MCS2024,Russiae, Mine production: Palladium,87000,92000,,NA,Included with platinum

    DataSource,Commodity,Year,USprod_Mine_t,USprod_Secondary_t,Imports_t,...,NIR_pct
    MCS2024,Tantalum,2020,0,NA,1200,434,−16,753,158,100

Quirks handled: UTF-8 BOM, CRLF, trailing empty columns and rows; footnote digits and an
"estimated" e glued to names (`Other countries4`, `Russiae`, `Korea, Republic ofe`, but
`Zimbabwe` is a name); a non-breaking space inside `United States`; thousands commas; a
Unicode minus; `>50`; "Less than a half unit"; NA (not available) and W (withheld) stay null,
never 0, with `value_status` saying which. Units are in the header (`_t`, `_kg`, glued `t`/`kg`);
kilograms are converted to tonnes. Prices, employment and stocks are not quantities of metal
and are left out, as are salient columns whose unit the header does not state (gallium `_g`).
The live URLs are the files at a pinned commit of the repository that vendors the release
(same bytes, sha256 pinned); the release itself is DOI 10.5066/P144BA54.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

SOURCE_ID = "usgs_mcs"
RELEASE = "MCS2024"
COMMIT = "99a987b1c9a8b5f18be6b675ef905c769b922491"
BASE = f"https://raw.githubusercontent.com/Redliana/cmm-data/{COMMIT}/API_Scripts/usgs_mcs_data/2024"
DATA_AS_OF = "2024-01-31"

log = logging.getLogger(__name__)

COMMODITIES = {
    "tungs": "tungsten",
    "cobal": "cobalt",
    "tanta": "tantalum",
    "plati": "platinum_group_metals",
    "galli": "gallium",
    "germa": "germanium",
}
WORLD_SHA256 = {
    "tungs": "38b20fd76ade7eb41f00c89f689ef56dd714deb142df31996e96cc2e62b86522",
    "plati": "353f99a8894d2d3d2b5f134bdd64f10bd31471b102fdfbbba02f40decb139072",
    "cobal": "4d81ebb014060937686b374cc1b74134f20de0813489f2540b6346929d0316cc",
    "tanta": "12883a44babcc95c7c208ff17388921270da2e995e52be3ff316bd27535b0262",
    "galli": "a070fc2c9c9c7ab75d1599c3bf64d05c9c9f8a936fd428f428a965e13559eb3b",
    "germa": "15781ae237af0eb21ccbf8943b34ef18c7a20d557e690687289e94fb3c375c85",
}
# cobalt's salient file in the vendoring repository is not a salient table (see SOURCE.toml).
SALIENT_SHA256 = {
    "tungs": "856736df770c245e7aac016de3e789f483fa310eb19beb655a0663f51d94dc89",
    "plati": "0ec206efea2b665e33099809d9f5eb100557c5de11f2bd403402ff4a6128e46f",
    "tanta": "bfc710210e8ab07f2db572b65e1e6cb65762d9419fb51f760266f76443068706",
    "galli": "7ee648f404abff6c787b0e34d0ab5f6bcd9e2db32c2bc3083e40c108313af4bb",
    "germa": "4cc703843a4d260d405485f9aabf08791255a4626ae53f94307144086d47f0da",
}
PGM = ("palladium", "platinum", "iridium", "osmium", "rhodium", "ruthenium")
# USGS short names pycountry does not know.
COUNTRY_ALIASES = {
    "congo (kinshasa)": "COD",
    "congo (brazzaville)": "COG",
    "korea, north": "PRK",
    "korea, republic of": "KOR",
    "burma": "MMR",
    "laos": "LAO",
}
OTHER_COUNTRIES = ("other countries", "other")
WORLD_PREFIX = "world total"
NOT_AVAILABLE, WITHHELD = "NA", "W"
PRODUCTION_COLUMN = re.compile(r"^Prod_(?P<unit>t|kg)(?P<est>_est)?_(?P<year>\d{4})$")
STOCK_COLUMN = re.compile(r"^(?P<what>Reserves|Cap)_(?P<unit>t|kg)(?:_(?P<year>\d{4}))?$")
SALIENT_COLUMN = re.compile(
    r"^(?P<flow>USprod|Imports|Exports|Consump|Shipments|NIR)_?(?P<detail>.*?)_?"
    r"(?P<unit>kg|t|pct|ct)$"
)
TO_TONNES = {"t": 1.0, "kg": 1e-3}
NUMBER = re.compile(r"^(?P<bound>>)?\s*(?P<number>-?\d[\d,]*(?:\.\d+)?)$")

FILES = tuple(
    [
        SourceFile(f"mcs2024-{abbr}_world.csv", f"{BASE}/world/mcs2024-{abbr}_world.csv", "csv", DATA_AS_OF, sha256=sha)
        for abbr, sha in WORLD_SHA256.items()
    ]
    + [
        SourceFile(
            f"mcs2024-{abbr}_salient.csv",
            f"{BASE}/salient/salient/mcs2024-{abbr}_salient.csv",
            "csv",
            DATA_AS_OF,
            sha256=sha,
        )
        for abbr, sha in SALIENT_SHA256.items()
    ]
)


def parse_mineral_production(raw: RawSource) -> pd.DataFrame:
    rows = []
    for abbr in WORLD_SHA256:
        rows += _world_rows(raw, abbr)
    for abbr in SALIENT_SHA256:
        rows += _salient_rows(raw, abbr)
    return pd.DataFrame(rows)


def _read(raw: RawSource, name: str) -> pd.DataFrame:
    frame = raw.csv(name, dtype=str, keep_default_na=False)
    frame = frame.loc[:, [c for c in frame.columns if not c.startswith("Unnamed:")]]
    frame.columns = [c.strip() for c in frame.columns]
    return frame[frame.apply(lambda row: any(str(v).strip() for v in row), axis=1)]


def _world_rows(raw: RawSource, abbr: str) -> list[dict]:
    name = f"mcs2024-{abbr}_world.csv"
    frame = _read(raw, name)
    raw.require_columns(name, frame, ["Country", "Type"])
    production = {c: PRODUCTION_COLUMN.match(c) for c in frame.columns if PRODUCTION_COLUMN.match(c)}
    stocks = {c: STOCK_COLUMN.match(c) for c in frame.columns if STOCK_COLUMN.match(c)}
    if not production:
        raise SourceFormatError(
            SOURCE_ID, name, "no production column (Prod_<t|kg>[_est]_<year>)", column="Prod_t_<year>"
        )
    latest_year = max(int(m["year"]) for m in production.values())
    rows = []
    for line, record in zip(frame.index + 2, frame.to_dict("records"), strict=True):
        where = f"{name} line {line}"
        zone_id, zone_name, zone_type, name_estimated, footnote = _zone(record["Country"], where)
        usgs_type = " ".join(record["Type"].split())
        mineral = _mineral(abbr, usgs_type)
        measure = _production_measure(usgs_type, where)
        for column, match in production.items():
            rows.append(
                _row(
                    mineral,
                    zone_id,
                    zone_name,
                    zone_type,
                    int(match["year"]),
                    measure,
                    record[column],
                    match["unit"],
                    bool(match["est"]) or name_estimated,
                    usgs_type,
                    _notes(record.get("Prod_notes"), footnote),
                    name,
                    where,
                    column,
                )
            )
        for column, match in stocks.items():
            is_reserves = match["what"] == "Reserves"
            notes_column = "Reserves_notes" if is_reserves else "Cap_notes"
            # Platinum rows carry the reserves of all platinum-group metals.
            stock_mineral = (
                "platinum_group_metals" if abbr == "plati" and mineral == "platinum" and is_reserves else mineral
            )
            rows.append(
                _row(
                    stock_mineral,
                    zone_id,
                    zone_name,
                    zone_type,
                    int(match["year"] or latest_year),
                    "reserves" if is_reserves else "production_capacity",
                    record[column],
                    match["unit"],
                    name_estimated,
                    usgs_type,
                    _notes(record.get(notes_column), footnote),
                    name,
                    where,
                    column,
                )
            )
    return rows


def _salient_rows(raw: RawSource, abbr: str) -> list[dict]:
    name = f"mcs2024-{abbr}_salient.csv"
    frame = _read(raw, name)
    raw.require_columns(name, frame, ["Year"])
    years = raw.to_number(name, frame, "Year")
    rows, skipped = [], []
    for column in frame.columns:
        match = SALIENT_COLUMN.match(column)
        if match is None:
            if column not in ("DataSource", "Commodity", "Year"):
                skipped.append(column)
            continue
        detail = match["detail"].strip("_")
        mineral, form = COMMODITIES[abbr], detail.lower().replace(" ", "_")
        pgm = next((p for p in PGM if form.startswith(p)), None)
        if abbr == "plati" and pgm:
            mineral, form = pgm, form.removeprefix(pgm).strip("_")
        measure = _salient_measure(match["flow"], form)
        unit = match["unit"]
        for line, year, record in zip(frame.index + 2, years, frame.to_dict("records"), strict=True):
            where = f"{name} line {line}"
            rows.append(
                _row(
                    mineral,
                    "USA",
                    "United States",
                    "country",
                    int(year),
                    measure,
                    record[column],
                    "pct" if unit in ("pct", "ct") else unit,
                    False,
                    f"US salient statistics: {column}",
                    None,
                    name,
                    where,
                    column,
                )
            )
    if skipped:
        log.info(
            "%s %s: left out columns that are not quantities of metal or state no unit: %s",
            SOURCE_ID,
            name,
            ", ".join(skipped),
        )
    return rows


def _salient_measure(flow: str, form: str) -> str:
    stem = {
        "USprod": "production",
        "Imports": "imports",
        "Exports": "exports",
        "Consump": "consumption",
        "Shipments": "government_stockpile_shipments",
        "NIR": "net_import_reliance",
    }[flow]
    if flow == "USprod":
        return f"{form}_production" if form else "mine_production"
    if flow == "Shipments":
        form = form.removeprefix("gov").strip("_")
    return f"{stem}_{form}" if form else stem


def _row(
    mineral, zone_id, zone_name, zone_type, year, measure, cell, unit, estimated, usgs_type, notes, name, where, column
) -> dict:
    usgs_table = "us_salient" if name.endswith("_salient.csv") else "world"
    quantity, status, bound = _value(cell, where, column)
    is_share = unit == "pct"
    if quantity is not None and not is_share:
        quantity *= TO_TONNES[unit]
    return {
        "mineral": mineral,
        "zone_id": zone_id,
        "zone_name": zone_name,
        "zone_type": zone_type,
        "year": year,
        "measure": measure,
        "quantity_t": None if is_share else quantity,
        "share_pct": quantity if is_share else None,
        "value_status": status,
        "is_lower_bound": bound,
        "is_estimated": estimated,
        "published_unit": unit,
        "usgs_table": usgs_table,
        "usgs_type": usgs_type,
        "usgs_notes": notes,
        "source_file": name,
    }


def _value(cell, where: str, column: str) -> tuple[float | None, str, bool]:
    text = str(cell).replace("\u00a0", " ").replace("\u2212", "-").strip()
    if text == NOT_AVAILABLE or text == "":
        return None, "not_available", False
    if text == WITHHELD:
        return None, "withheld", False
    if (text.lower().startswith("less than") and "half" in text.lower()) or "½" in text:
        return None, "less_than_half_unit", False
    match = NUMBER.match(text)
    if match is None:
        raise SourceFormatError(
            SOURCE_ID,
            where.split(" line ")[0],
            f"{where}: {text!r} is not a number, NA, W, '>n' or 'Less than a half unit'",
            column=column,
        )
    return float(match["number"].replace(",", "")), "reported", bool(match["bound"])


def _zone(published: str, where: str) -> tuple[str, str, str, bool, str | None]:
    """(zone_id, zone_name, zone_type, name carries the 'estimated' e, footnote number)."""
    text = " ".join(published.replace("\u00a0", " ").split())
    footnote = None
    digits = re.search(r"(\d+)$", text)
    if digits:
        footnote, text = digits[1], text[: digits.start()].rstrip()
    lowered = text.lower()
    if lowered.startswith(WORLD_PREFIX):
        return "WLD", "World", "aggregate", False, footnote
    if lowered in OTHER_COUNTRIES:
        return "AGG-OTHER-COUNTRIES", "Other countries", "aggregate", False, footnote
    iso3 = _country(text)
    if iso3:
        return iso3, text, "country", False, footnote
    if text.endswith("e") and _country(text[:-1]):
        return _country(text[:-1]), text[:-1], "country", True, footnote
    raise SourceFormatError(
        SOURCE_ID, where.split(" line ")[0], f"{where}: unknown country name {published!r}", column="Country"
    )


def _country(name: str) -> str | None:
    return COUNTRY_ALIASES.get(name.lower()) or zones.iso3_from_name(name)


def _mineral(abbr: str, usgs_type: str) -> str:
    if abbr == "plati":
        for metal in ("palladium", "platinum"):
            if metal in usgs_type.lower():
                return metal
    return COMMODITIES[abbr]


def _production_measure(usgs_type: str, where: str) -> str:
    lowered = usgs_type.lower()
    if "mine production" in lowered:
        return "mine_production"
    if "refinery production" in lowered:
        return "refinery_production"
    if "primary production" in lowered:
        return "primary_production"
    raise SourceFormatError(
        SOURCE_ID,
        where.split(" line ")[0],
        f"{where}: production type {usgs_type!r} is not mine, refinery or primary production",
        column="Type",
    )


def _notes(text, footnote: str | None) -> str | None:
    parts = [" ".join(str(text).replace("\u00a0", " ").split())] if text and str(text).strip() else []
    if footnote:
        parts.append(f"USGS footnote {footnote} on the country name")
    return "; ".join(parts) or None


SOURCE = Source(
    id=SOURCE_ID,
    title="USGS Mineral Commodity Summaries 2024 data release: world production and reserves, US salient "
    "statistics (tungsten, cobalt, tantalum, platinum-group metals, gallium, germanium)",
    publisher="U.S. Geological Survey, National Minerals Information Center (MCS2024 data release, "
    "doi:10.5066/P144BA54)",
    license="Public domain (U.S. Government work)",
    homepage="https://www.usgs.gov/centers/national-minerals-information-center/mineral-commodity-summaries",
    description="Mine, refinery and primary production by country for 2022 and 2023 (estimated), reserves or "
    "capacity, and US production, trade and consumption 2019-2023, for the minerals in GPUs and "
    "servers, in tonnes of contained metal.",
    files=FILES,
    parsers={"mineral_production": parse_mineral_production},
)
