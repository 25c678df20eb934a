"""`stockgroups batch` on Apache Spark: every article through the same pipeline as `analyze`.

The driver lists the inputs; executors read and analyse them in Arrow batches (mapInPandas),
each Python worker loading the knowledge base and its automata once and keeping it for every
batch it is given (Spark reuses its Python workers). Output, all Parquet under OUTPUT:
  articles/    one row per article: the fields of `analyze --format json`, nested ones as JSON text
  errors/      source, error: one row per input that could not be read or analysed
  group_days/  group, day, volume, net tone, top stories: what the dashboard and event study read
This is the only module that imports pyspark.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import pandas as pd
    from pyspark import SparkConf
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as err:  # pragma: no cover - exercised only without the extra
    from stockgroups.errors import StockGroupsError

    raise StockGroupsError("the batch command needs the spark extra: pip install 'stockgroups[spark]'") from err

from stockgroups.errors import StockGroupsError
from stockgroups.kb.load import KB, load_kb
from stockgroups.config import Settings
from stockgroups.services.batch import ERROR_COLUMNS, analyze_records, batch_router, output_fields
from stockgroups.sources.router import walk

DEFAULT_MASTER = "local[*]"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
PARQUET_SUFFIX = ".parquet"
TOP_STORIES = 3  # stories kept per group and day: enough for a dashboard strip
GROUPS_SCHEMA = "array<struct<id:string,kind:string,name:string,score:double,direction:string>>"
_SPARK_TYPES = {"string": T.StringType(), "double": T.DoubleType(), "boolean": T.BooleanType()}
_RECORD_SCHEMA = T.StructType([T.StructField("source", T.StringType()), T.StructField("kind", T.StringType()),
                               T.StructField("payload", T.BinaryType())])

# One knowledge base per Python worker process, built on its first batch.
_WORKER_KB: dict[tuple[str, ...], KB] = {}


class BatchError(StockGroupsError):
    """The batch job cannot start or finish (no Java, bad input paths, output in the way)."""


@dataclass(frozen=True)
class BatchSummary:
    articles: int
    errors: int
    group_days: int
    output: str

    def line(self) -> str:
        return (f"{self.articles} articles analysed, {self.errors} errors, "
                f"{self.group_days} group-day rows -> {self.output}")


def check_java() -> None:
    """A one-line BatchError when no Java runtime can start Spark."""
    java = Path(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else None
    exe = str(java) if java and java.exists() else shutil.which("java")
    if not exe:
        raise BatchError("Java is not installed: Spark needs a Java 17+ runtime "
                         "(e.g. apt-get install default-jre-headless, or set JAVA_HOME)")
    try:
        subprocess.run([exe, "-version"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        raise BatchError(f"Java at {exe} does not run: Spark needs a working Java 17+ runtime") from None


def session(master: str | None = None, app_name: str = "stockgroups-batch") -> SparkSession:
    """A Spark session whose Python workers run this interpreter (the one with Stock Groups).

    With no master, the one spark-submit was given is used, else local[*].
    """
    check_java()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder
    if master or not SparkConf().contains("spark.master"):
        builder = builder.master(master or DEFAULT_MASTER)
    return (builder.appName(app_name)
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.python.worker.reuse", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def records(spark: SparkSession, inputs: list[str]) -> DataFrame:
    """Every input as (source, kind, payload) rows, labelled the way `analyze` labels them."""
    sc = spark.sparkContext
    parts = []
    files: list[str] = []
    for spec in inputs:
        low = spec.lower()
        local = "://" not in spec or spec.startswith("file://")
        if local and not os.path.exists(spec.removeprefix("file://")):
            raise BatchError(f"{spec}: no such file or folder")
        if low.endswith(JSONL_SUFFIXES):
            lines = sc.textFile(spec).zipWithIndex()
            parts.append(lines.map(lambda li, s=spec: (f"{s}:{li[1] + 1}", "line", li[0].encode("utf-8"))))
        elif low.endswith(PARQUET_SUFFIX) or (local and os.path.isdir(spec) and _is_parquet_dir(spec)):
            df = spark.read.parquet(spec)
            rows = df.select(F.to_json(F.struct(*df.columns)).alias("j")).rdd.zipWithIndex()
            parts.append(rows.map(lambda ri, s=spec: (f"{s}[{ri[1]}]", "record", ri[0][0].encode("utf-8"))))
        elif local and os.path.isdir(spec):
            found = [path for path, special in walk(spec) if special is None]
            if not found:
                raise BatchError(f"{spec}: folder has no input files")
            files.extend(found)
        elif local:
            files.append(spec)
        else:
            parts.append(sc.binaryFiles(spec).map(lambda kv: (kv[0], "file", bytes(kv[1]))))
    if files:
        slices = max(1, min(len(files), sc.defaultParallelism * 4))
        # executors read each path through the router, with its size cap and one-line errors
        parts.append(sc.parallelize(files, slices).map(lambda path: (path, "path", b"")))
    if not parts:
        raise BatchError("no inputs given")
    rdd = parts[0] if len(parts) == 1 else sc.union(parts)
    return spark.createDataFrame(rdd, _RECORD_SCHEMA)


def _is_parquet_dir(folder: str) -> bool:
    names = os.listdir(folder)
    return bool(names) and all(n.endswith(PARQUET_SUFFIX) or n.startswith(("_", ".")) for n in names)


def _analyse_partition(settings: Settings, columns: list[str]):
    """The mapInPandas function: (source, kind, payload) batches -> article and error rows."""
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        kb = _WORKER_KB.get(settings.kb_dirs)
        if kb is None:
            kb = _WORKER_KB.setdefault(settings.kb_dirs, load_kb(extra_dirs=settings.kb_dirs))
        router = batch_router(settings)
        for batch in batches:
            rows = []
            recs = zip(batch["source"], batch["kind"], batch["payload"])
            for what, row in analyze_records(recs, kb, router):
                out = dict.fromkeys(columns)
                out["_row"] = what
                if what == "error":
                    out["_error"] = row["error"]
                    out["source"] = row["source"]
                else:
                    out.update(row)
                rows.append(out)
            yield pd.DataFrame(rows, columns=["_row", "_error", *columns], dtype=object)  # None stays None
    return run


def group_days(articles: DataFrame) -> DataFrame:
    """News volume, net tone and top stories per group and UTC day (undated articles left out)."""
    sign = F.when(F.col("g.direction") == "up", 1.0).when(F.col("g.direction") == "down", -1.0).otherwise(0.0)
    day = F.to_date(F.substring(F.col("published"), 1, 10), "yyyy-MM-dd")
    exploded = (articles.select("source", "title", day.alias("day"),
                                F.explode(F.from_json("groups", GROUPS_SCHEMA)).alias("g"))
                .where(F.col("day").isNotNull()))
    story = F.struct(F.col("g.score").alias("score"), F.col("title"), F.col("source"), F.col("g.direction").alias("direction"))
    return (exploded.groupBy(F.col("g.id").alias("group"), "day")
            .agg(F.count(F.lit(1)).alias("volume"),
                 F.avg(F.col("g.score") * sign).alias("net_tone"),
                 F.slice(F.sort_array(F.collect_list(story), asc=False), 1, TOP_STORIES).alias("top_stories"))
            .orderBy("day", "group"))


def run_batch(inputs: list[str], output: str, settings: Settings | None = None, *,
              master: str | None = None, partitions: int | None = None,
              overwrite: bool = False, spark: SparkSession | None = None) -> BatchSummary:
    """Analyse every article of the inputs and write articles/, errors/ and group_days/ under output."""
    out = output.removeprefix("file://")
    if "://" not in output and os.path.exists(out) and os.listdir(out) and not overwrite:
        raise BatchError(f"{output}: output folder exists and is not empty (use --overwrite)")
    if "://" not in output and os.path.exists(out) and not os.path.isdir(out):
        raise BatchError(f"{output}: output exists and is not a folder")
    settings = settings or Settings()
    kb = load_kb(extra_dirs=settings.kb_dirs)  # fails here, on the driver, with the KB's own one-line error
    fields = output_fields(kb)
    columns = [name for name, _ in fields]
    schema = T.StructType([T.StructField("_row", T.StringType()), T.StructField("_error", T.StringType())]
                          + [T.StructField(name, _SPARK_TYPES[kind]) for name, kind in fields])
    own = spark is None
    spark = spark or session(master)
    try:
        recs = records(spark, inputs)
        if partitions:
            recs = recs.repartition(partitions)
        mapped = recs.mapInPandas(_analyse_partition(settings, columns), schema).persist()
        articles = mapped.where(F.col("_row") == "article").select(*columns)
        errors = mapped.where(F.col("_row") == "error").select(F.col("source"), F.col("_error").alias("error"))
        articles.write.mode("overwrite").parquet(os.path.join(output, "articles"))
        errors.write.mode("overwrite").parquet(os.path.join(output, "errors"))
        written = spark.read.parquet(os.path.join(output, "articles"))
        days = group_days(written)
        days.write.mode("overwrite").parquet(os.path.join(output, "group_days"))
        summary = BatchSummary(articles=written.count(),
                               errors=spark.read.parquet(os.path.join(output, "errors")).count(),
                               group_days=spark.read.parquet(os.path.join(output, "group_days")).count(),
                               output=output)
        mapped.unpersist()
        return summary
    finally:
        if own:
            spark.stop()


def read_articles(output: str) -> list[dict[str, Any]]:
    """The articles/ output back as plain dicts (tests and small tools; use Spark or DuckDB at scale)."""
    table = pd.read_parquet(os.path.join(output, "articles"))
    return table.to_dict(orient="records")


__all__ = [
    "ERROR_COLUMNS",
    "BatchError",
    "BatchSummary",
    "check_java",
    "group_days",
    "read_articles",
    "run_batch",
    "session",
]
