"""Group a fleet's machines by root cause on Spark, with the wulens engine in every executor.

    spark-submit examples/spark_fleet.py BUNDLES OUT [--master local[2]]

BUNDLES is a folder or bucket (`s3a://`, `abfss://`, ...) of zips, one per machine, as
ConfigMgr's "Collect client logs", CMPivot or a collection script leave them. Spark reads them
with `binaryFiles`, `mapPartitions` analyses each bundle with the `wulens` package (built from
crates/py with maturin; install the wheel on the cluster), the machine rows are written as
Parquet under OUT, and the root-cause groups are printed, largest first. The columns are those
of `wulens fleet --format ndjson` (MachineRow in crates/core/src/output/fleet.rs).
"""

import argparse
import posixpath

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, LongType, StringType, StructField, StructType

# The flat columns (lists joined with ";", as in `wulens fleet --format csv`).
SCHEMA = StructType(
    [
        StructField("machine", StringType()),
        StructField("bundle", StringType()),
        StructField("status", StringType()),
        StructField("failed_at", StringType()),
        StructField("root_code", StringType()),
        StructField("root_symbol", StringType()),
        StructField("finding", StringType()),
        StructField("findings", StringType()),
        StructField("codes", StringType()),
        StructField("update_source", StringType()),
        StructField("wsus_server", StringType()),
        StructField("proxy", StringType()),
        StructField("first_time", StringType()),
        StructField("last_time", StringType()),
        StructField("files", IntegerType()),
        StructField("lines", LongType()),
        StructField("wulens_version", StringType()),
        StructField("problem", StringType()),
        StructField("verdict", StringType()),
        # What machines can share, each with where it was read (`file:line`); empty when not stated.
        StructField("computer", StringType()),
        StructField("computer_from", StringType()),
        StructField("entra_device_id", StringType()),
        StructField("entra_device_id_from", StringType()),
        StructField("management_point", StringType()),
        StructField("management_point_from", StringType()),
        StructField("site_code", StringType()),
        StructField("site_code_from", StringType()),
        StructField("update_ring", StringType()),
        StructField("update_ring_from", StringType()),
        StructField("blocking", StringType()),
        StructField("blocking_from", StringType()),
    ]
)


def machine_name(path):
    """`.../PC-0001.zip` -> `PC-0001`."""
    base = posixpath.basename(path.rstrip("/"))
    return base[:-4] if base.lower().endswith(".zip") else base


def analyse_partition(bundles):
    """(path, bytes) of each bundle -> its flat row; the engine is imported in the executor."""
    import wulens

    for path, data in bundles:
        row = wulens.machine_row(machine_name(path), path, bytes(data))
        row["findings"] = ";".join(row["findings"])
        row["codes"] = ";".join(f"{c['code']}x{c['count']}" for c in row["codes"])
        yield tuple(row[f.name] for f in SCHEMA.fields)


def groups(rows):
    """Failed machines by (where it broke, root code, leading finding), largest group first."""
    return (
        rows.filter(F.col("status") == "failed")
        .groupBy("failed_at", "root_code", "root_symbol", "finding")
        .agg(F.count("*").alias("machines"), F.sort_array(F.collect_list("machine")).alias("names"))
        .orderBy(F.desc("machines"), "failed_at", "root_code", "finding")
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundles", help="folder or bucket of one zip per machine")
    ap.add_argument("out", help="where the machine rows go, as Parquet")
    ap.add_argument("--master", default=None, help="Spark master, e.g. local[2] (default: spark-submit's)")
    ap.add_argument("--partitions", type=int, default=None, help="bundles are split into this many tasks")
    args = ap.parse_args()

    builder = SparkSession.builder.appName("wulens fleet")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")

    bundles = spark.sparkContext.binaryFiles(posixpath.join(args.bundles, "*.zip"), minPartitions=args.partitions)
    rows = spark.createDataFrame(bundles.mapPartitions(analyse_partition), SCHEMA)
    rows.write.mode("overwrite").parquet(args.out)

    rows = spark.read.parquet(args.out)
    total = rows.count()
    print(f"wulens fleet on Spark | {total} machine{'' if total == 1 else 's'}")
    for g in groups(rows).collect():
        code = f"{g.root_code} ({g.root_symbol})" if g.root_symbol else g.root_code
        cause = " · ".join(x for x in (g.failed_at, code, g.finding and f"finding {g.finding}") if x)
        shown = ", ".join(g.names[:5]) + (f" (+{len(g.names) - 5} more)" if len(g.names) > 5 else "")
        print(f"{g.machines:>7}  {cause}\n         {shown}")
    for s in rows.filter(F.col("status") != "failed").groupBy("status").count().orderBy(F.desc("count")).collect():
        print(f"{s['count']:>7}  {s.status}")
    spark.stop()


if __name__ == "__main__":
    main()
