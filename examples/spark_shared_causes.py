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
group's failures began where that is a change in time, the same rows as sql/onsets.sql (both tested against the CLI in
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


def chance_within(n, within, span):
    """The chance that n first failures, each at any time of logs that span `span` seconds, fall
    within `within` seconds of each other: n x^(n-1) - (n-1) x^n with x = within / span."""
    if span is None or within is None or span <= 0 or n == 0:
        return 1.0
    x = min(max(within, 0) / span, 1.0)
    return min(max(n * x ** (n - 1) - (n - 1) * x**n, 0.0), 1.0)


def seconds(c):
    """Seconds since 1970 of a time as written (`2026-11-17T14:16:07.000`), to the second and its
    offset ignored, as the CLI reads it; null when it does not read."""
    t = F.col(c)
    return (
        F.datediff(F.to_date(F.substring(t, 1, 10)), F.lit("1970-01-01").cast("date")).cast("long") * 86400
        + F.substring(t, 12, 2).cast("long") * 3600
        + F.substring(t, 15, 2).cast("long") * 60
        + F.substring(t, 18, 2).cast("long")
    )


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
    """When each group's failures began, where that is a change in time: sql/onsets.sql's rule
    (`onset` in crates/core/src/output/shared.rs, docs/fleet.md). A group of failed machines (by
    failed_at, root_code, finding) of at least MIN_GROUP, at least MIN_SHARE of them (and
    MIN_GROUP) giving both `last_success` and `failing_since`; its window runs from the latest of
    those last successes (excluded) to the latest first failure, one break when that last success
    comes before the earliest first failure (times compared as written). Another readable machine
    broke in the window when it failed, its last success came at or before the window's start and
    its first failure falls in the window; it was seen across the window when it broke in it or its
    logs span it (`first_time` at or before the start, `last_time` at or after the end). The change
    is sharp when its first failures fall within w seconds of each other, so close against the S
    seconds the median machine's logs span that n failures at random times would rarely be
    (`chance_within` <= ALPHA), and is stated when some machine seen across the window did not
    break, at least MIN_SHARE of the
    machines that broke in it are the group's, and Fisher's exact test, one-sided, gives p <= ALPHA. Of
    machines tied on a time, the last by name is named for the last success and the window's end,
    the first for the first failure, as the CLI does."""
    key = ["failed_at", "root_code", "finding"]
    given = lambda c: F.coalesce(F.col(c), F.lit("")) != ""
    readable = rows.where(F.col("status") != "unreadable")
    sizes = readable.where(F.col("status") == "failed").groupBy(*key).agg(F.count(F.lit(1)).alias("group_size"))
    timed = (
        readable.where((F.col("status") == "failed") & given("last_success") & given("failing_since"))
        .withColumn("span", seconds("last_time") - seconds("first_time"))
        .withColumn("since", seconds("failing_since"))
    )
    spans = timed.groupBy(*key).agg(
        F.count(F.lit(1)).alias("machines"),
        F.max(F.struct("last_success", "machine")).alias("last"),
        F.min(F.struct("failing_since", "machine", "since")).alias("first"),
        F.max(F.struct("failing_since", "machine", "since")).alias("end"),
        F.count("span").alias("spanned"),
        F.array_sort(F.collect_list("span")).alias("spans"),
    )
    # The median machine's span (the lower one of an even count), how close the first failures
    # fall, and the chance that as many at random times of such logs fall as close.
    sharp = F.udf(chance_within, DoubleType())
    windows = (
        spans.join(sizes, key)
        .where(
            (F.col("group_size") >= MIN_GROUP)
            & (F.col("machines") >= MIN_GROUP)
            & (F.col("machines") >= MIN_SHARE * F.col("group_size"))
            & (F.col("last.last_success") < F.col("first.failing_since"))
            & (F.col("spanned") == F.col("machines"))
        )
        .withColumn("span_seconds", F.element_at("spans", ((F.col("machines") - 1) / 2).cast("int") + 1))
        .withColumn("within_seconds", F.col("end.since") - F.col("first.since"))
        .withColumn("sharp_p", sharp("machines", "within_seconds", "span_seconds"))
        .where(F.col("sharp_p") <= ALPHA)
        .select(
            *key,
            "group_size",
            "machines",
            F.col("last.last_success").alias("last_success"),
            F.col("last.machine").alias("last_success_machine"),
            F.col("first.failing_since").alias("first_failure"),
            F.col("first.machine").alias("first_failure_machine"),
            F.col("end.failing_since").alias("last_first_failure"),
            F.col("end.machine").alias("last_first_failure_machine"),
            F.col("within_seconds").cast("long").alias("within_seconds"),
            F.col("span_seconds").cast("long").alias("span_seconds"),
            "sharp_p",
        )
    )
    r = readable.select(
        F.col("machine").alias("r_machine"),
        F.col("status").alias("r_status"),
        *[F.col(k).alias("r_" + k) for k in key],
        F.coalesce(F.col("last_success"), F.lit("")).alias("r_last_success"),
        F.coalesce(F.col("failing_since"), F.lit("")).alias("r_failing_since"),
        F.coalesce(F.col("first_time"), F.lit("")).alias("r_first_time"),
        F.coalesce(F.col("last_time"), F.lit("")).alias("r_last_time"),
    )
    member = (F.col("r_status") == "failed") & (F.col("r_failed_at") == F.col("failed_at")) & (F.col("r_root_code") == F.col("root_code")) & (F.col("r_finding") == F.col("finding"))
    broke = (
        (F.col("r_status") == "failed")
        & (F.col("r_last_success") != "")
        & (F.col("r_failing_since") != "")
        & (F.col("r_last_success") <= F.col("last_success"))
        & (F.col("r_failing_since") > F.col("last_success"))
        & (F.col("r_failing_since") <= F.col("last_first_failure"))
    )
    watched = (F.col("r_first_time") != "") & (F.col("r_first_time") <= F.col("last_success")) & (F.col("r_last_time") >= F.col("last_first_failure"))
    contrast = (
        windows.select(*key, "last_success", "last_first_failure")
        .crossJoin(r)
        .where(~member)
        .groupBy(*key)
        .agg(
            F.sum(F.when(broke, 1).otherwise(0)).alias("others_with"),
            F.sum(F.when(broke | watched, 1).otherwise(0)).alias("others"),
        )
    )
    fisher = F.udf(fisher_greater, DoubleType())
    x = F.col("machines")
    return (
        windows.join(contrast, key, "left")
        .fillna(0, ["others_with", "others"])
        .where((F.col("others") > F.col("others_with")) & (x >= MIN_SHARE * (x + F.col("others_with"))))
        .withColumn("p", fisher(x + F.col("others"), x + F.col("others_with"), x, x))
        .where(F.col("p") <= ALPHA)
        .select(
            *key,
            "group_size",
            "machines",
            "last_success",
            "last_success_machine",
            "first_failure",
            "first_failure_machine",
            "last_first_failure",
            "last_first_failure_machine",
            F.col("others_with").cast("long").alias("others_with"),
            F.col("others").cast("long").alias("others"),
            "p",
            "within_seconds",
            "span_seconds",
            "sharp_p",
        )
        .orderBy(F.desc("machines"), *key)
    )


def site_causes(rows):
    """What a ConfigMgr site's clients share: sql/site_causes.sql's rule (crates/core's
    `site_causes`), as a list of dicts with the same keys and numbers as that query's rows. The
    counts are Spark's; the few candidates' Fisher tests run on the driver."""
    readable = rows.where(F.col("status") != "unreadable")
    links = readable.select("machine", F.explode_outer("links").alias("l")).where(F.col("l").isNotNull()).select(
        "machine",
        F.col("l.link").alias("link"),
        F.col("l.state").alias("state"),
        F.coalesce(F.col("l.code"), F.lit("")).alias("code"),
        F.coalesce(F.col("l.since"), F.lit("")).alias("since"),
    )
    told_links = links.where(~F.col("state").isin("not_in_logs", "not_reached"))
    told = {r.link: (r.total, r.bad) for r in told_links.groupBy("link").agg(F.countDistinct("machine").alias("total"), F.countDistinct(F.when(F.col("state") == "failed", F.col("machine"))).alias("bad")).collect()}
    scan = told_links.where(F.col("link") == "scan")
    sup = readable.where(F.coalesce(F.col("wsus_server"), F.lit("")) != "").join(scan, "machine").select(
        F.lit("software_update_point").alias("part"), F.lit("scan").alias("link"), F.lower("wsus_server").alias("value"), "machine",
        (F.col("state") == "failed").alias("fails"), F.col("code"))
    dp_values = F.filter(F.concat(F.split(F.coalesce(F.col("dps"), F.lit("")), ";"), F.array(F.coalesce(F.col("dp_failed"), F.lit("")))), lambda x: x != "")
    dps = readable.select("machine", "dp_failed", "dp_failed_code", F.explode(dp_values).alias("v")).select(
        "machine", "dp_failed", "dp_failed_code", F.lower("v").alias("value")).distinct()
    dp = dps.join(told_links.where(F.col("link") == "content"), "machine").select(
        F.lit("distribution_point").alias("part"), F.lit("content").alias("link"), "value", "machine",
        ((F.col("state") == "failed") & (F.lower(F.coalesce(F.col("dp_failed"), F.lit(""))) == F.col("value"))).alias("fails"),
        F.coalesce(F.col("dp_failed_code"), F.lit("")).alias("code"))
    holds = sup.unionByName(dp).groupBy("part", "link", "value", "machine").agg(F.max("fails").alias("fails"), F.max("code").alias("code"))
    out = []
    for c in holds.groupBy("part", "link", "value").agg(
        F.count("*").alias("holders"),
        F.sum(F.col("fails").cast("int")).alias("members"),
        F.sort_array(F.collect_list(F.when(F.col("fails"), F.col("machine")))).alias("machines"),
        F.collect_list(F.when(F.col("fails") & (F.col("code") != ""), F.col("code"))).alias("codes"),
    ).collect():
        total, bad = told[c.link]
        if c.members < MIN_GROUP or c.members < MIN_PURITY * c.holders:
            continue
        p = fisher_greater(total, bad, c.holders, c.members)
        if p > ALPHA:
            continue
        counts = {}
        for x in c.codes:
            counts[x] = counts.get(x, 0) + 1
        code = min(counts, key=lambda x: (-counts[x], x)) if counts else ""
        out.append(dict(part=c.part, value=c.value, link=c.link, machines=list(c.machines), code=code, code_machines=counts.get(code, 0),
                        holders=c.holders, others_with=bad - c.members, others=total - c.members, p=p, scanned_before=0, waiting_since=""))
    return out + _settings_and_windows(readable, links, told_links) + _updates(readable, told_links)


def _updates(readable, told_links):
    """sql/site_causes.sql's update causes: each KB's installs (installed or failed, on machines
    whose chain tells the install link) against the other updates'."""
    ups = readable.join(told_links.where(F.col("link") == "install").select("machine").distinct(), "machine")
    ups = ups.select("machine", F.explode("updates").alias("u")).where(
        (F.coalesce(F.col("u.kb"), F.lit("")) != "")
        & ((F.col("u.state") == "done") | ((F.col("u.state") == "failing") & F.coalesce(F.col("u.install_failed"), F.lit(False))))
    ).select("machine", F.upper("u.kb").alias("kb"), (F.col("u.state") == "failing").alias("failed"), F.coalesce(F.col("u.code"), F.lit("")).alias("code"))
    pairs = {}
    for r in ups.collect():
        failed, codes = pairs.get((r.machine, r.kb), (False, set()))
        pairs[(r.machine, r.kb)] = (failed or r.failed, codes | ({r.code} if r.failed and r.code else set()))
    total, bad = len(pairs), sum(1 for f, _ in pairs.values() if f)
    out = []
    for kb in sorted({k for _, k in pairs}):
        mine = {m: v for (m, k), v in pairs.items() if k == kb}
        members = sorted(m for m, (f, _) in mine.items() if f)
        if len(members) < MIN_GROUP:
            continue
        p = fisher_greater(total, bad, len(mine), len(members))
        if p > ALPHA:
            continue
        counts = {}
        for m in members:
            for c in mine[m][1]:
                counts[c] = counts.get(c, 0) + 1
        code = min(counts, key=lambda x: (-counts[x], x)) if counts else ""
        out.append(dict(part="update", value=kb, link="install", machines=members, code=code, code_machines=counts.get(code, 0), holders=len(mine),
                        others_with=bad - len(members), others=total - len(mine), p=p, scanned_before=0, waiting_since=""))
    return out


def _settings_and_windows(readable, links, told_links):
    """sql/site_causes.sql's client setting and maintenance window causes."""
    off_policy = links.where((F.col("link") == "policy") & (F.col("state") == "off")).select("machine")
    off = readable.where(F.col("software_updates") == "off").select("machine").union(off_policy).distinct()
    scanned = links.where((F.col("link") == "scan") & F.col("state").isin("ok", "failed")).select("machine").distinct()
    members = sorted(r.machine for r in off.collect())
    out = []
    if len(members) >= MIN_GROUP:
        told = readable.where(F.coalesce(F.col("software_updates"), F.lit("")) != "").select("machine").union(told_links.where(F.col("link") == "policy").select("machine")).distinct().count()
        before = off.join(scanned, "machine").count()
        out.append(dict(part="client_setting", value="", link="policy", machines=members, code="", code_machines=0, holders=len(members),
                        others_with=0, others=max(told - len(members), 0), p=1.0, scanned_before=before, waiting_since=""))
    waits = links.where((F.col("link") == "window") & (F.col("state") == "waiting")).collect()
    if len(waits) >= MIN_GROUP:
        told = told_links.where(F.col("link") == "window").select("machine").distinct().count()
        since = min((w.since for w in waits if w.since), default="")
        out.append(dict(part="maintenance_window", value="", link="window", machines=sorted(w.machine for w in waits), code="", code_machines=0,
                        holders=len(waits), others_with=0, others=max(told - len(waits), 0), p=1.0, scanned_before=0, waiting_since=since))
    return out


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
              f"and {r.first_failure} (first failure, {r.first_failure_machine}), all by {r.last_first_failure} ({r.last_first_failure_machine}); "
              f"{r.others_with} of the {r.others} others seen across it broke in it (p = {r.p:.1e})")
    spark.stop()


if __name__ == "__main__":
    main()
