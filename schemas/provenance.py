"""The base of every published table's model: provenance columns, strictness, and `Column`s.

A table's model lists `schemas.fields.Column`s (and `Columns` groups such as the citation, `Range`s) as
class attributes; `Provenance` turns each into the pandera field and annotation it stands for,
in the order written, after the provenance columns every published row carries. Every table is
strict (no column the model does not list) and coerced; its unique key is its primary key
(`schemas.registry.register`).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields
from schemas.fields import Column, Columns, Range


class _Columns(pa.DataFrameModel):
    def __init_subclass__(cls, **kwargs):
        columns = {}
        for name, value in list(vars(cls).items()):
            if isinstance(value, Column):
                columns[name] = value
            elif isinstance(value, Columns):
                columns.update(value.members)
                delattr(cls, name)
            elif isinstance(value, Range):
                columns.update(value.members(name))
                delattr(cls, name)
        if columns:
            cls.__annotations__ = {
                **vars(cls).get("__annotations__", {}),
                **{name: c.annotation() for name, c in columns.items()},
            }
            for name, value in columns.items():
                field = value.field(name)
                field.__set_name__(cls, name)
                setattr(cls, name, field)
        super().__init_subclass__(**kwargs)

    class Config:
        strict = True
        coerce = True


class Provenance(_Columns):
    source_id = fields.SOURCE_ID
    source_vintage = fields.SOURCE_VINTAGE


class Cited(Provenance):
    """A table whose rows carry the citation columns (schemas.fields): curated rows must cite."""

    @pa.dataframe_check(
        error="a row of a curated source without its citation (citation_publisher, citation_title, citation_url)"
    )
    def curated_rows_cited(cls, frame: pd.DataFrame) -> pd.Series:
        curated = frame["source_id"].str.startswith("curated_")
        cited = frame[["citation_publisher", "citation_title", "citation_url"]].notna().all(axis=1)
        return ~curated | cited
