"""Footprints of job logs too large for one machine, on Apache Spark (`estimate --jobs --engine spark`).

The calculation is not written twice. DuckDB, on the driver, does what concerns the few
distinct keys: their names are resolved and their defaults found by the warehouse's own
footprint_lookups(), exactly as in pipelines/batch.py, and the result (a few kB) is broadcast.
Per job, Spark runs SQL transpiled by sqlglot from DuckDB's: the typing and checks of
pipelines/batch.py, and the `job` and `chosen` steps and final SELECT of the warehouse macro
footprint_from_lookups() read back from the warehouse, with every scalar macro it calls
(footprint_energy_kwh, footprint_default_utilization ...) inlined from its stored definition.
Only the step that hands each job its key's defaults differs: a broadcast join here, a map
lookup in DuckDB (which keeps the input order). Results are written as Parquet parts.

Needs the `spark` extra (`pip install 'aifootprint[spark]'`) and a JVM (Java 17+).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines import batch
from pipelines.batch import BatchResult, InvalidInputError, InvalidJobsError, JobsInput

# The jobs columns that hold numbers (year apart: it is checked as a whole number with the keys).
JOB_NUMBERS = {column: target for column, target in batch.JOB_FILE_COLUMNS.items() if target and target != "year"}


class SparkUnavailableError(InvalidInputError):
    """pyspark or sqlglot is not installed, or no JVM can start."""


def _imports():
    try:
        import sqlglot
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailableError(
            [f"--engine spark needs the spark extra ({exc.name} is not installed): pip install 'aifootprint[spark]'"]
        ) from None
    return sqlglot, SparkSession


def spark_session(master: str | None = None, app_name: str = "aifootprint"):
    """A session for `master` (local[*], spark://host:7077, yarn ...), or the one spark-submit configured."""
    _, SparkSession = _imports()
    builder = SparkSession.builder.appName(app_name).config("spark.ui.enabled", "false")
    if master:
        builder = builder.master(master)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # the JVM failed to start: no java, wrong version ...
        raise SparkUnavailableError(
            [
                f"cannot start Spark ({str(exc).strip().splitlines()[0] if str(exc) else exc}); "
                "Spark needs Java 17 or later on PATH or in JAVA_HOME"
            ]
        ) from None


# --- DuckDB SQL -> Spark SQL -------------------------------------------------------------------------


def _scalar_macros(con) -> dict[str, tuple[list[str], str]]:
    rows = con.execute(
        "select function_name, parameters, macro_definition from duckdb_functions() "
        "where function_type = 'macro' and function_name like 'footprint%'"
    ).fetchall()
    return {name: (list(parameters), definition) for name, parameters, definition in rows}


def _inline_macros(tree, macros: dict[str, tuple[list[str], str]]):
    """Replace every call of a warehouse scalar macro by its body, arguments substituted."""
    import sqlglot
    from sqlglot import exp

    def replace(node):
        if isinstance(node, exp.Anonymous) and node.name.lower() in macros:
            parameters, definition = macros[node.name.lower()]
            body = sqlglot.parse_one(definition, read="duckdb")
            arguments = dict(zip(parameters, node.expressions, strict=True))

            def substitute(inner):
                if isinstance(inner, exp.Column) and not inner.table and inner.name in arguments:
                    return exp.Paren(this=arguments[inner.name].copy())
                return inner

            return exp.Paren(this=_inline_macros(body.transform(substitute), macros))
        return node

    return tree.transform(replace)


def _spark_sql(sql: str, macros) -> str:
    import sqlglot

    return _inline_macros(sqlglot.parse_one(sql, read="duckdb"), macros).sql(dialect="spark")


def footprint_sql(con, jobs_view: str, lookups_view: str) -> str:
    """footprint_from_lookups() of the warehouse as Spark SQL over two views."""
    import sqlglot
    from sqlglot import exp

    ((definition,),) = con.execute(
        "select macro_definition from duckdb_functions() where function_name = 'footprint_from_lookups'"
    ).fetchall()
    tree = sqlglot.parse_one(definition, read="duckdb")
    ctes = {cte.alias: cte for cte in tree.find(exp.With).expressions}
    job = ctes["job"].this.copy()
    job.find(exp.Table).replace(exp.to_table(jobs_view))
    if "query_table" in job.sql().lower():
        raise RuntimeError("footprint_from_lookups' job step changed shape; update pipelines/batch_spark.py")
    # The default columns each job takes from its key: the names the macro's own gathered step gives.
    picked = [e.alias_or_name for e in ctes["gathered"].this.expressions if "*" not in e.sql()]
    on = " and ".join(f"l.{key} <=> job.{key}" for key in ("canonical_model", "given_zone_id", "given_year"))
    gathered = sqlglot.parse_one(
        f"select job.*, {', '.join('l.' + c for c in picked)} from job left join {lookups_view} l on {on}", read="spark"
    )
    if tree.args.get("from_", tree.args.get("from")).sql().lower() != "from chosen":
        raise RuntimeError(
            "footprint_from_lookups no longer ends with a SELECT from chosen; update pipelines/batch_spark.py"
        )
    final = ", ".join(e.sql(dialect="duckdb") for e in tree.expressions)
    query = (
        f"with job as ({job.sql(dialect='duckdb')}), gathered as ({gathered.sql(dialect='duckdb')}), "
        f"chosen as ({ctes['chosen'].this.sql(dialect='duckdb')}) select {final} from chosen"
    )
    return _spark_sql(query, _scalar_macros(con))


# --- the engine ---------------------------------------------------------------------------------------


def estimate_jobs_spark(
    jobs: str | Path | JobsInput,
    out_path: str | Path,
    *,
    skip_invalid: bool = False,
    columns: str = "full",
    master: str | None = None,
    spark=None,
    warehouse: duckdb.DuckDBPyConnection | str | Path | None = None,
) -> BatchResult:
    """estimate_jobs() on Spark: results as a folder of Parquet parts at `out_path`.

    Invalid rows are counted and, for the first MAX_LISTED_BAD_ROWS, listed with the file
    they came from and their own columns (Spark keeps no line numbers); nothing is written
    unless `skip_invalid`.
    """
    if columns not in batch.COLUMN_MODES:
        raise InvalidInputError([f"--columns must be one of {list(batch.COLUMN_MODES)}, got {columns!r}"])
    if batch.usage_record_format(jobs) is not None or getattr(jobs, "reader_sql", None) is not None:
        raise InvalidInputError(
            [
                f"{jobs}: --engine spark reads plain jobs files; CodeCarbon and SLURM "
                "logs run on --engine duckdb (or give their measured_energy_kwh, tracker_pue, "
                "tracker_kgco2e as columns of a jobs file)"
            ]
        )
    source = jobs if isinstance(jobs, JobsInput) else batch.open_jobs(jobs)
    out_path = Path(out_path)
    if out_path.suffix.lower() in (".csv", ".gz"):
        raise InvalidInputError([f"{out_path}: the Spark engine writes a folder of Parquet parts; name a folder"])
    spark = spark or spark_session(master)
    from pyspark.sql import functions as F, types as T

    row_problem = None
    try:
        if source.format == "csv":
            # Number columns are parsed by Spark's CSV reader, a malformed row flagged in
            # _corrupt_record: parsing text in SQL per column makes Spark's optimizer blow up.
            reader = (
                spark.read.option("header", True)
                .option("ignoreLeadingWhiteSpace", True)
                .option("ignoreTrailingWhiteSpace", True)
            )
            header = reader.csv(list(source.files)).columns
            schema = T.StructType(
                [T.StructField(c, T.DoubleType() if JOB_NUMBERS.get(c) else T.StringType()) for c in header]
                + [T.StructField("_corrupt_record", T.StringType())]
            )
            frame = (
                reader.schema(schema)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", "_corrupt_record")
                .csv(list(source.files))
            )
            row_problem = (
                "case when _corrupt_record is not null then 'a number column holds text: ' || _corrupt_record end"
            )
        else:
            frame = spark.read.parquet(*source.files)
    except Exception as exc:
        raise InvalidInputError(
            [f"{source.given}: Spark cannot read it as {source.format} ({_first_line(exc)})"]
        ) from None
    frame = frame.withColumn("__file", F.input_file_name())
    frame.createOrReplaceTempView("batch_jobs_raw")
    input_columns = [c for c in frame.columns if c not in ("__file", "_corrupt_record")]
    numeric = frozenset(
        f.name
        for f in frame.schema.fields
        if f.dataType.typeName() in ("byte", "short", "integer", "long", "float", "double")
    )
    missing = [c for c in batch.REQUIRED_JOB_COLUMNS if c not in input_columns]
    if missing:
        raise InvalidInputError([f"{source.given}: missing column(s) {missing}; columns are {input_columns}"])

    with batch._connection(warehouse, batch.DEFAULT_MEMORY_LIMIT) as con:
        macros = _scalar_macros(con)
        zone = "cast(zone as string)" if "zone" in input_columns else "cast(null as string)"
        year = "cast(year as string)" if "year" in input_columns else "cast(null as string)"
        keys = spark.sql(
            f"select cast(hardware as string) as hardware, {zone} as zone, {year} as year, "
            f"count(*) as jobs from batch_jobs_raw group by 1, 2, 3"
        ).collect()
        total_rows = sum(row["jobs"] for row in keys)
        con.execute(
            "create or replace temp table batch_keys_raw (hardware varchar, zone varchar, year varchar, jobs bigint)"
        )
        if keys:
            con.executemany("insert into batch_keys_raw values (?, ?, ?, ?)", [tuple(row) for row in keys])
        carried = batch.resolve_keys(con, input_columns)
        lookups = con.sql("from batch_lookups").to_arrow_table()
        key_rows = con.sql("select raw_key, canonical_model, zone_id, year, problem from batch_keys").to_arrow_table()
        jobs_sql = batch._typed_jobs_sql(input_columns, carried, numeric, joined_keys=True, row_problem=row_problem)
        described_sql = batch._typed_jobs_sql(
            input_columns + ["__file"],
            {**carried, "__file": "__file"},
            numeric,
            joined_keys=True,
            describe_problems=True,
            row_problem=row_problem,
        )
        results = footprint_sql(con, "batch_jobs", "batch_lookups")
        valid = _spark_sql(f"select * from t where {batch._VALID_ROW}", macros).split(" WHERE ", 1)[1]
        lookup_problems = _spark_sql(f"select {batch._LOOKUP_PROBLEMS} from t", macros)

    F.broadcast(_frame(spark, lookups)).createOrReplaceTempView("batch_lookups")
    F.broadcast(_frame(spark, key_rows)).createOrReplaceTempView("batch_keys")
    spark.sql(_spark_sql(jobs_sql, macros)).createOrReplaceTempView("batch_jobs")
    computed = spark.sql(results)
    chosen = [F.col(f"job_id.carried.`{name}`").alias(name) for name in carried.values()] + [
        F.col(c) for c in (batch.LEAN_COLUMNS if columns == "lean" else [c for c in computed.columns if c != "job_id"])
    ]
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        computed.where(valid).select(*chosen).write.mode("overwrite").parquet(str(tmp))
        written = spark.read.parquet(str(tmp)).count()
        bad_count = total_rows - written
        bad = _list_bad_rows(spark, described_sql, results, valid, lookup_problems, macros) if bad_count else []
        if bad_count and not skip_invalid:
            raise InvalidJobsError(bad_count, bad)
        shutil.rmtree(out_path, ignore_errors=True)
        tmp.rename(out_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return BatchResult(rows_written=written, bad_row_count=bad_count, bad_rows=bad)


def _list_bad_rows(spark, described_sql, results, valid, lookup_problems, macros) -> list[batch.BadRow]:
    spark.sql(_spark_sql(described_sql, macros)).createOrReplaceTempView("batch_jobs")
    lookup_list = lookup_problems.split("SELECT ", 1)[1].rsplit(" FROM ", 1)[0]
    rows = spark.sql(f"""select job_id.carried.__file as file, to_json(job_id.carried) as job,
                                concat_ws('; ', job_id.problems,
                                          case when canonical_model is not null
                                               then array_join({lookup_list}, '; ') end) as reason
                         from ({results}) where not ({valid})
                         limit {batch.MAX_LISTED_BAD_ROWS}""").collect()
    return [batch.BadRow(f"{row['file']} job {row['job']}", row["reason"]) for row in rows]


def _frame(spark, table):
    """A small Arrow table (from DuckDB) as a Spark frame."""
    return spark.createDataFrame(table)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
