from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[pa.DataFrameModel]
    primary_key: tuple[str, ...]
    description: str
    kind: str = "table"  # table | view

    @property
    def schema(self) -> pa.DataFrameSchema:
        return self.model.to_schema()

    @property
    def columns(self) -> list[str]:
        return list(self.schema.columns)

    def column_descriptions(self) -> dict[str, str]:
        return {name: (col.description or "") for name, col in self.schema.columns.items()}

    def column_units(self) -> dict[str, str | None]:
        """Each column's unit (schemas.fields), None where it has none."""
        return {name: (col.metadata or {}).get("unit") for name, col in self.schema.columns.items()}


TABLES: dict[str, TableSpec] = {}


def register(name: str, primary_key: tuple[str, ...], description: str, kind: str = "table"):
    """Publish the model as table `name`; its rows are unique on the primary key (checked by pandera)."""

    def wrap(model: type[pa.DataFrameModel]) -> type[pa.DataFrameModel]:
        keyed = type(
            model.__name__,
            (model,),
            {
                "__module__": model.__module__,
                "__doc__": model.__doc__,
                "Config": type("Config", (), {"unique": list(primary_key)}),
            },
        )
        TABLES[name] = TableSpec(name, keyed, primary_key, description.strip(), kind)
        return keyed

    return wrap


def table(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no published table '{name}'; known: {sorted(TABLES)}") from None
