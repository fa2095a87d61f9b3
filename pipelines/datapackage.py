"""Frictionless Data Package descriptors generated from the schema registry (`schemas/`).

A release's `datapackage.json` describes every Parquet file as a resource: its columns with
their Table Schema types, descriptions, units and constraints, its primary key,
and the licence and attribution of every source whose rows it holds. Nothing here is written
by hand, so the descriptor cannot drift from the pandera models that validate the data.

The descriptor follows Data Package v1 (no `$schema`), which every Frictionless tool reads;
properties the standard does not define (`rows`, a field's `unit`, per-source `publisher`, `license`,
`attribution`, the build's `git_commit`) are allowed by the spec as custom properties.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipelines.sources import SOURCES, Source
from schemas import TableSpec

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"

# SPDX identifiers as they lead our licence texts ("CC-BY-4.0 (Ember data); ..."): a name,
# dash-separated parts and a version ("ODbL-1.0", "BSD-3-Clause"), or a few version-less ids.
_SPDX_ID = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9.+]*(?:-[A-Za-z0-9.+]+)*-\d[\d.]*(?:-[A-Za-z]+)?|MIT|ISC|Unlicense|0BSD)$"
)


@dataclass(frozen=True)
class ResourceFile:
    """One published table as written into a release."""

    spec: TableSpec
    path: str
    bytes: int
    sha256: str
    rows: int
    source_ids: tuple[str, ...]
    # Rows left out for licence reasons (pipelines.licences.Withheld), listed, never silent.
    withheld: tuple = ()


def table_schema_type(pandera_dtype) -> str:
    """The Table Schema type for a pandera column dtype (`str`, `int64`, `float64`, ...)."""
    name = str(pandera_dtype).lower()
    if name.startswith(("int", "uint")):
        return "integer"
    if name.startswith("float") or name.startswith("decimal"):
        return "number"
    if name in {"bool", "boolean"}:
        return "boolean"
    if name.startswith("datetime64") or name == "timestamp":
        return "datetime"
    if name == "date":
        return "date"
    if name in {"str", "string", "object", "category"}:
        return "string"
    return "any"


def field_constraints(column) -> dict:
    """Table Schema constraints equivalent to the column's pandera checks.

    Only checks with an exact Table Schema counterpart are translated: strict bounds (`gt`,
    `lt`) have none in v1 and a pattern pandera matches at the start only would mean
    something else as a Table Schema pattern (which must match the whole value), so those
    are left to the data dictionary rather than stated wrongly here.
    """
    constraints: dict = {}
    if not column.nullable:
        constraints["required"] = True
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            constraints["enum"] = list(stats["allowed_values"])
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            constraints["maximum"] = stats["max_value"]
        elif check.name == "in_range" and stats.get("include_min", True) and stats.get("include_max", True):
            constraints["minimum"], constraints["maximum"] = stats["min_value"], stats["max_value"]
        elif check.name == "str_length":
            if stats.get("exact_value") is not None:
                constraints["minLength"] = constraints["maxLength"] = stats["exact_value"]
            else:
                if stats.get("min_value") is not None:
                    constraints["minLength"] = stats["min_value"]
                if stats.get("max_value") is not None:
                    constraints["maxLength"] = stats["max_value"]
        elif check.name == "str_matches":
            pattern = str(stats["pattern"])
            if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
                constraints["pattern"] = pattern[1:-1]
    return constraints


def table_schema(spec: TableSpec) -> dict:
    fields = []
    units = spec.column_units()
    for name, column in spec.schema.columns.items():
        field = {"name": name, "type": table_schema_type(column.dtype), "description": column.description or ""}
        if units[name]:
            field["unit"] = units[name]
        constraints = field_constraints(column)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema = {"fields": fields}
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    return schema


def license_entry(license_text: str, homepage: str) -> dict:
    """A Data Package licence object for a source's free-text licence.

    A licence that leads with an SPDX identifier gets it as `name` with the SPDX page as
    `path`; any other (e.g. "Public domain (US federal government work)") points at the
    source's homepage, where the publisher states its terms. The full text is kept as `title`.
    """
    leading = re.split(r"[\s(;,]", license_text.strip(), maxsplit=1)[0]
    if _SPDX_ID.match(leading):
        return {"name": leading, "path": f"https://spdx.org/licenses/{leading}.html", "title": license_text}
    return {"path": homepage, "title": license_text}


def attribution(source: Source) -> str:
    return f"{source.publisher}: {source.title} ({source.homepage}). Licence: {source.license}."


def source_entry(source_id: str) -> dict:
    source = SOURCES.get(source_id)
    if source is None:
        # Rows from a source no longer (or not yet) registered: say so rather than invent terms.
        return {"title": source_id, "id": source_id, "license": "unknown: source not in the registry"}
    return {
        "title": source.title,
        "path": source.homepage,
        "id": source.id,
        "publisher": source.publisher,
        "license": source.license,
        "attribution": attribution(source),
    }


def _licenses(source_ids: Iterable[str]) -> list[dict]:
    entries, seen = [], set()
    for source_id in source_ids:
        source = SOURCES.get(source_id)
        if source is None:
            continue
        entry = license_entry(source.license, source.homepage)
        key = (entry.get("name"), entry.get("path"), entry["title"])
        if key not in seen:
            seen.add(key)
            entries.append(entry)
    return entries


def resource_descriptor(resource: ResourceFile) -> dict:
    return {
        "name": resource.spec.name,
        "path": resource.path,
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        "bytes": resource.bytes,
        "hash": f"sha256:{resource.sha256}",
        "rows": resource.rows,
        "description": resource.spec.description,
        "schema": table_schema(resource.spec),
        "sources": [source_entry(s) for s in resource.source_ids],
        "licenses": _licenses(resource.source_ids),
        **(
            {"withheld": [{"source_id": w.source_id, "rows": w.rows, "reason": w.reason} for w in resource.withheld]}
            if resource.withheld
            else {}
        ),
    }


def build_datapackage(
    *, version: str, created: str, resources: list[ResourceFile], build: Mapping[str, object]
) -> dict:
    """The whole descriptor: one resource per table, every source's licence and attribution."""
    all_source_ids = sorted({s for r in resources for s in r.source_ids})
    return {
        "name": "aifootprint",
        "title": "aifootprint: the environmental cost of AI",
        "description": (
            "Grid carbon intensity, chips, e-waste and AI training footprints compiled from public "
            "sources. Every row carries `source_id` and `source_vintage`; the licence of each source "
            "(listed under `sources` and per resource) applies to the rows with its `source_id`; "
            "attribute them as given in each source's `attribution`."
        ),
        "version": version,
        "created": created,
        "keywords": ["carbon intensity", "electricity", "AI", "data centres", "e-waste", "emissions"],
        "licenses": _licenses(all_source_ids),
        "sources": [source_entry(s) for s in all_source_ids],
        "build": dict(build),
        "resources": [resource_descriptor(r) for r in resources],
    }
