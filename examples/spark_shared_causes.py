"""What failing machines share, on Spark: sql/shared_causes.sql's rule over fleet rows.

    spark-submit examples/spark_shared_causes.py ROWS [--master local[2]]

ROWS is `wulens fleet --format ndjson` output (a file or a folder of them, local or in a
bucket). The rule is `wulens fleet`'s (crates/core/src/output/shared.rs, docs/fleet.md): failed
machines grouped by (failed_at, root_code, finding); a group of at least 3; a value of the
update server, the proxy (not `direct`), a KB failing on the machine, the OS build, Delivery
Optimization's cache server or ConfigMgr's management point held by at
least 90 % of the group and by at least half of its holders; contrasted among the readable
machines whose rows tell the attribute, and not held by all of those; Fisher's exact test,
one-sided, at most 0.01. The test is the hypergeometric upper tail summed term by term from math.lgamma (a
Python UDF: Spark SQL has no lgamma), as exact as the CLI's statrs and DuckDB's lgamma.
`shared_causes(df)` returns the same rows as sql/shared_causes.sql, and `onsets(df)` when each
group's failures began, the same rows as sql/onsets.sql (both tested against the CLI in
crates/py/python/tests/test_wulens.py).
"""

import argparse
import math

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType

MIN_GROUP = 3
MIN_SHARE = 0.9
MIN_PURITY = 0.5
ALPHA = 0.01


def fisher_greater(total, k, n, x):
    """P(X >= x), X ~ Hypergeometric(total, k, n): Fisher's exact test, one-sided."""
    if x == 0:
        return 1.0
    lc = lambda a, b: math.lgamma(a + 1) - math.lgamma(b + 1) - math.lgamma(a - b + 1)
    lo, hi = max(x, n - (total - k)), min(n, k)
    p = sum(math.exp(lc(k, i) + lc(total - k, n - i) - lc(total, n)) for i in range(lo, hi + 1))
    return min(p, 1.0)


def shared_causes(rows):
    """The shared causes of a DataFrame of fleet rows, strongest first within each group."""
    key = ["failed_at", "root_code", "finding"]
    readable = rows.where(F.col("status") != "unreadable")
    members = readable.where(F.col("status") == "failed").select("machine", *key)
    sizes = members.groupBy(*key).agg(F.count("*").alias("n"))
    nonempty = lambda c: F.coalesce(F.col(c), F.lit("")) != ""
    parts = [
        readable.where(nonempty("wsus_server")).select("machine", F.lit("server").alias("attribute"), F.lower("wsus_server").alias("value"), F.col("wsus_server_from").alias("source")),
        readable.where(nonempty("proxy") & (F.col("proxy") != "direct")).select("machine", F.lit("proxy"), F.lower("proxy"), F.col("proxy_from")),
        readable.select("machine", F.explode_outer("updates").alias("u"))
        .where((F.col("u.state") == "failing") & (F.coalesce(F.col("u.kb"), F.lit("")) != ""))
        .select("machine", F.lit("update"), F.upper("u.kb"), F.lit(""))
        .distinct(),
        readable.where(nonempty("os_build")).select("machine", F.lit("os_build"), F.lower("os_build"), F.col("os_build_from")),
        readable.where(nonempty("do_cache_host")).select("machine", F.lit("cache_host"), F.lower("do_cache_host"), F.col("do_from")),
        readable.where(nonempty("management_point")).select("machine", F.lit("management_point"), F.lower("management_point"), F.col("management_point_from")),
    ]
    facts = parts[0]
    for p in parts[1:]:
        facts = facts.unionByName(p.toDF("machine", "attribute", "value", "source"))
    # The machines whose rows tell each attribute: the contrast is drawn among them.
    told_of = [
        readable.where(nonempty("wsus_server")).select("machine", F.lit("server").alias("attribute")),
        readable.where(nonempty("proxy")).select("machine", F.lit("proxy")),
        readable.select("machine", F.lit("update")),
        readable.where(nonempty("os_build")).select("machine", F.lit("os_build")),
        readable.where(nonempty("do_from")).select("machine", F.lit("cache_host")),
        readable.where(nonempty("management_point")).select("machine", F.lit("management_point")),
    ]
    known = told_of[0]
    for p in told_of[1:]:
        known = known.unionByName(p.toDF("machine", "attribute"))
    told = known.groupBy("attribute").agg(F.countDistinct("machine").alias("total"))
    group_told = members.join(known, "machine").groupBy(*key, "attribute").agg(F.countDistinct("machine").alias("m"))
    holders = facts.groupBy("attribute", "value").agg(F.countDistinct("machine").alias("k"))
    held = (
        members.join(facts, "machine")
        .groupBy(*key, "attribute", "value")
        .agg(
            F.countDistinct("machine").alias("x"),
            F.slice(
                F.array_sort(F.collect_list(F.when(F.col("source") != "", F.concat("machine", F.lit(" ("), "source", F.lit(")"))).otherwise(F.col("machine")))), 1, 3
            ).alias("evidence"),
        )
    )
    fisher = F.udf(fisher_greater, DoubleType())
    return (
        held.join(sizes, key)
        .join(group_told, [*key, "attribute"])
        .join(holders, ["attribute", "value"])
        .join(told, "attribute")
        .where((F.col("n") >= MIN_GROUP) & (F.col("x") >= MIN_SHARE * F.col("n")) & (F.col("k") < F.col("total")) & (F.col("x") >= MIN_PURITY * F.col("k")))
        .withColumn("p", fisher("total", "k", "m", "x"))
        .where(F.col("p") <= ALPHA)
        .select(
            *key,
            F.col("n").alias("group_size"),
            "attribute",
            "value",
            F.col("x").alias("in_group"),
            (F.col("k") - F.col("x")).alias("others_with"),
            (F.col("total") - F.col("m")).cast("long").alias("others"),
            "p",
            "evidence",
        )
        .orderBy(F.desc("group_size"), *key, "p", "attribute", "value")
    )


def onsets(rows):
    """When each group's failures began: sql/onsets.sql's rule (`onset` in
    crates/core/src/output/shared.rs). A group of failed machines (by failed_at, root_code,
    finding) has an onset when at least MIN_GROUP of its machines give both `last_success` and
    `failing_since`, and the latest last success comes before the earliest first failure (times
    compared as written). Of machines tied on a time, the last by name is named for the last
    success and the first for the first failure, as the CLI does."""
    key = ["failed_at", "root_code", "finding"]
    given = lambda c: F.coalesce(F.col(c), F.lit("")) != ""
    timed = rows.where((F.col("status") == "failed") & given("last_success") & given("failing_since"))
    spans = timed.groupBy(*key).agg(
        F.count(F.lit(1)).alias("machines"),
        F.max(F.struct("last_success", "machine")).alias("last"),
        F.min(F.struct("failing_since", "machine")).alias("first"),
    )
    return (
        spans.where((F.col("machines") >= MIN_GROUP) & (F.col("last.last_success") < F.col("first.failing_since")))
        .select(
            *key,
            "machines",
            F.col("last.last_success").alias("last_success"),
            F.col("last.machine").alias("last_success_machine"),
            F.col("first.failing_since").alias("first_failure"),
            F.col("first.machine").alias("first_failure_machine"),
        )
        .orderBy(F.desc("machines"), *key)
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", help="`wulens fleet --format ndjson` output: a file or a folder of them")
    ap.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's)")
    args = ap.parse_args()
    builder = SparkSession.builder.appName("wulens-shared-causes")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    for r in shared_causes(spark.read.json(args.rows)).collect():
        print(f"{r.group_size:>6}  {r.failed_at} · {r.root_code} · {r.finding}: {r.in_group} of {r.group_size} hold {r.attribute} {r.value}; "
              f"{r.others_with} of the {r.others} others do (p = {r.p:.1e}). E.g. {', '.join(r.evidence)}")
    for r in onsets(spark.read.json(args.rows)).collect():
        print(f"{r.machines:>6}  {r.failed_at} · {r.root_code} · {r.finding}: began between {r.last_success} (last success, {r.last_success_machine}) "
              f"and {r.first_failure} (first failure, {r.first_failure_machine})")
    spark.stop()


if __name__ == "__main__":
    main()
