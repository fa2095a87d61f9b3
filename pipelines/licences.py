"""Which sources a release may republish, and which rows it therefore leaves out.

A source may set `redistributable` itself; otherwise its licence text decides: it must lead with
an open licence that allows redistribution (CC-BY*, CC0, ODbL, PDDL, OGL, Apache, MIT, BSD, the GPL family,
MPL, EUPL, Eurostat's re-use policy, the Llama community licences (which allow redistributing
the documentation with attribution), a public-domain or US-government-work statement). A licence
that is missing, unknown or says
"no ... licence" keeps the rows local. Rows left out are not lost: they stay in the warehouse,
and the release's CHANGELOG and datapackage list them per table and source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pipelines.sources import SOURCES, Source

_OPEN = re.compile(
    r"^\s*(CC[- ]BY(-SA)?(-\d[\d.]*)?|CC0|ODbL|ODC-BY|PDDL|OGL|Apache|MIT|BSD|ISC|A?GPL|LGPL|MPL|EUPL|"
    r"public domain|U\.?S\.? government work|Etalab|dl-de/by|Eurostat re-use policy|Llama community licen[cs]e)",
    re.IGNORECASE,
)
_NOT_A_LICENCE = re.compile(r"\bno (explicit )?(data )?licen[cs]e\b|\bunknown\b|\bunclear\b", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    redistributable: bool
    reason: str


def decide(source: Source) -> Decision:
    if source.redistributable is not None:
        why = "declared by the source module"
        return Decision(source.redistributable, f"{why}: {source.license}")
    text = (source.license or "").strip()
    if not text:
        return Decision(False, "no licence stated")
    if _NOT_A_LICENCE.search(text.split(";")[0]) or not _OPEN.match(text):
        return Decision(False, f"licence does not clearly allow redistribution: {text}")
    return Decision(True, text)


def is_redistributable(source_id: str) -> bool:
    source = SOURCES.get(source_id)
    return source is not None and decide(source).redistributable


CATALOGUE = "sources"


@dataclass(frozen=True)
class Withheld:
    source_id: str
    rows: int
    reason: str


def releasable_rows(frame: pd.DataFrame, table_name: str = "") -> tuple[pd.DataFrame, list[Withheld]]:
    """The rows a release may carry, and per source the rows it leaves out (by `source_id`).

    The `sources` catalogue is metadata (URL, sha256, licence of each raw file), not the data: it
    keeps every row, so a reader sees what was left out and why."""
    if "source_id" not in frame.columns or frame.empty or table_name == CATALOGUE:
        return frame, []
    withheld, keep = [], pd.Series(True, index=frame.index)
    for source_id, rows in frame.groupby("source_id").size().items():
        source = SOURCES.get(source_id)
        decision = decide(source) if source else Decision(False, "source not in the registry")
        if not decision.redistributable:
            keep &= frame["source_id"] != source_id
            withheld.append(Withheld(source_id, int(rows), decision.reason))
    return frame[keep].reset_index(drop=True), withheld


def changelog_section(resources) -> str:
    """CHANGELOG.md lines naming the rows a release left out for licence reasons ('' if none)."""
    withheld = [(r.spec.name, w) for r in resources for w in getattr(r, "withheld", ())]
    if not withheld:
        return ""
    lines = [
        "",
        "## Rows left out for licence reasons",
        "",
        "These rows stay usable in the local warehouse; their sources' terms do not clearly allow republishing them.",
        "",
        "| table | source | rows | reason |",
        "|---|---|---:|---|",
    ]
    lines += [f"| {table} | {w.source_id} | {w.rows:,} | {w.reason.replace('|', '/')} |" for table, w in withheld]
    return "\n".join(lines) + "\n"
