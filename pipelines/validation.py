"""Validate a frame against its published table's pandera schema, with errors people can act on."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from pipelines.errors import ValidationError
from schemas import table

_SAMPLE_ROWS = 5


def _vectorised(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pa.DataFrameSchema:
    """The schema without the per-row Python of pandera's `str` dtype check, where it is moot.

    pandera checks a `str` column by calling isinstance() on every value (a Python call per
    row: seconds per million rows per column). A column that pandas' C-level type inference
    already finds to hold only strings (and nulls) passes that check, and coercing it to str
    changes nothing, so its dtype check is dropped; nulls, value checks and keys are still
    checked. Any other column keeps pandera's full check and coercion, and its error messages.
    """
    moot = tuple(
        name
        for name, column in schema.columns.items()
        if str(column.dtype) == "str"
        and name in frame.columns
        and frame[name].dtype == object
        and pd.api.types.infer_dtype(frame[name], skipna=True) in ("string", "empty")
    )
    return schema.update_columns({name: {"dtype": None} for name in moot}) if moot else schema


def validate(
    table_name: str, frame: pd.DataFrame, *, source_id: str | None = None, schema: pa.DataFrameSchema | None = None
) -> pd.DataFrame:
    """Return the coerced frame, or raise ValidationError naming source, file, column and rows."""
    schema = _vectorised(schema or table(table_name).schema, frame)
    try:
        return schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        raise ValidationError(describe_failures(table_name, frame, exc.failure_cases, source_id)) from None


def describe_failures(table_name: str, frame: pd.DataFrame, failures: pd.DataFrame, source_id: str | None) -> str:
    where = f"table '{table_name}'" + (f", source '{source_id}'" if source_id else "")
    lines = [f"{where}: {len(failures)} validation failure(s)"]
    # pandera reports a duplicated key once per key column; say it once, naming the whole key.
    is_key = failures["check"] == "multiple_fields_uniqueness"
    if is_key.any():
        key_failures = failures[is_key]
        key = list(dict.fromkeys(key_failures["column"]))
        indexes = list(dict.fromkeys(i for i in key_failures["index"].tolist() if i is not None and not pd.isna(i)))
        sample = _sample_rows(frame, indexes)
        files = sorted({str(r.get("source_file")) for r in sample if r.get("source_file") is not None})
        lines.append(
            f"  key ({', '.join(key)}) is not unique: {len(indexes)} row(s) share a key"
            + (f" in file(s) {files}" if files else "")
            + (f"; sample rows {sample}" if sample else "")
        )
        failures = failures[~is_key]
    for (column, check), group in failures.groupby(["column", "check"], dropna=False, sort=False):
        column = column if isinstance(column, str) else "<table>"
        indexes = [i for i in group["index"].tolist() if i is not None and not pd.isna(i)]
        sample = _sample_rows(frame, indexes)
        values = group["failure_case"].astype(str).head(_SAMPLE_ROWS).tolist()
        files = sorted({str(r.get("source_file")) for r in sample if r.get("source_file") is not None})
        lines.append(
            f"  column '{column}' failed {check} in {len(group)} row(s)"
            + (f" of file(s) {files}" if files else "")
            + f"; values {values}"
            + (f"; sample rows {sample}" if sample else "")
        )
    return "\n".join(lines)


def _sample_rows(frame: pd.DataFrame, indexes: list) -> list[dict]:
    rows = []
    for index in indexes[:_SAMPLE_ROWS]:
        if index in frame.index:
            row = frame.loc[index]
            if isinstance(row, pd.DataFrame):  # duplicated index labels
                row = row.iloc[0]
            rows.append({"row": int(index) if isinstance(index, (int,)) else index, **row.to_dict()})
    return rows
