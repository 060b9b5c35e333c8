-- What failing machines share, over `wulens fleet --format ndjson` rows, in DuckDB: the same
-- rule as `wulens fleet` (crates/core/src/output/shared.rs, docs/fleet.md), giving the same
-- groups, shared values and numbers as its `--format json` (tested in
-- crates/py/python/tests/test_wulens.py against the CLI on a generated fleet).
--
-- Input: a table or view `fleet_rows` of the NDJSON rows (with the columns wulens writes since
-- `os_build`, `do_cache_host` and `management_point`), e.g.
--   CREATE VIEW fleet_rows AS SELECT * FROM read_json_auto('fleet.ndjson');
-- then `.read sql/shared_causes.sql` (duckdb CLI) or `con.execute(open(...).read())`.
--
-- The rule: failed machines grouped by (failed_at, root_code, finding); a group of at least 3
-- machines; a value of an attribute (the update server, the proxy other than `direct`, a KB
-- failing on the machine, the OS build, Delivery Optimization's cache server, ConfigMgr's
-- management point) held by at least
-- 90 % of the group and by no fewer than half of all its holders (MIN_PURITY); contrasted only
-- among the readable machines whose rows tell the attribute (a server, a proxy, `direct`
-- included, a build named; Delivery Optimization's lines read; every machine for an update),
-- not held by all of those; and Fisher's exact test, one-sided (the hypergeometric upper tail
-- P(X >= in_group) for the group's machines that tell it, drawn from the `told` machines of
-- which `holders` hold the value), at most 0.01. The tail is computed exactly as a sum of terms, each from
-- lgamma in double precision (relative error about 1e-12, as statrs's in the CLI): only a p
-- within that of 0.01 could be judged differently.
WITH
readable AS (SELECT * FROM fleet_rows WHERE status <> 'unreadable'),
members AS (SELECT machine, failed_at, root_code, finding FROM readable WHERE status = 'failed'),
sizes AS (SELECT failed_at, root_code, finding, count(*) AS n FROM members GROUP BY ALL),
facts AS (
    SELECT machine, 'server' AS attribute, lower(wsus_server) AS value, wsus_server_from AS source
    FROM readable WHERE coalesce(wsus_server, '') <> ''
    UNION ALL
    SELECT machine, 'proxy', lower(proxy), proxy_from
    FROM readable WHERE coalesce(proxy, '') NOT IN ('', 'direct')
    UNION ALL
    SELECT DISTINCT machine, 'update', upper(u.kb), ''
    FROM (SELECT machine, unnest(updates) AS u FROM readable)
    WHERE u.state = 'failing' AND coalesce(u.kb, '') <> ''
    UNION ALL
    SELECT machine, 'os_build', lower(os_build), os_build_from
    FROM readable WHERE coalesce(os_build, '') <> ''
    UNION ALL
    SELECT machine, 'cache_host', lower(do_cache_host), do_from
    FROM readable WHERE coalesce(do_cache_host, '') <> ''
    UNION ALL
    SELECT machine, 'management_point', lower(management_point), management_point_from
    FROM readable WHERE coalesce(management_point, '') <> ''
),
known AS (
    SELECT machine, 'server' AS attribute FROM readable WHERE coalesce(wsus_server, '') <> ''
    UNION ALL SELECT machine, 'proxy' FROM readable WHERE coalesce(proxy, '') <> ''
    UNION ALL SELECT machine, 'update' FROM readable
    UNION ALL SELECT machine, 'os_build' FROM readable WHERE coalesce(os_build, '') <> ''
    UNION ALL SELECT machine, 'cache_host' FROM readable WHERE coalesce(do_from, '') <> ''
    UNION ALL SELECT machine, 'management_point' FROM readable WHERE coalesce(management_point, '') <> ''
),
told AS (SELECT attribute, count(DISTINCT machine) AS total FROM known GROUP BY ALL),
group_told AS (
    SELECT failed_at, root_code, finding, attribute, count(DISTINCT machine) AS m
    FROM members JOIN known USING (machine) GROUP BY ALL
),
holders AS (SELECT attribute, value, count(DISTINCT machine) AS k FROM facts GROUP BY ALL),
held AS (
    SELECT m.failed_at, m.root_code, m.finding, f.attribute, f.value,
           count(DISTINCT m.machine) AS x,
           list(m.machine || CASE WHEN f.source <> '' THEN ' (' || f.source || ')' ELSE '' END ORDER BY m.machine)[1:3] AS evidence
    FROM members m JOIN facts f USING (machine)
    GROUP BY ALL
),
candidates AS (
    SELECT h.*, s.n, g.m, k, total
    FROM held h
    JOIN sizes s USING (failed_at, root_code, finding)
    JOIN group_told g USING (failed_at, root_code, finding, attribute)
    JOIN holders USING (attribute, value)
    JOIN told USING (attribute)
    WHERE s.n >= 3 AND h.x >= 0.9 * s.n AND k < total AND h.x >= 0.5 * k
),
tested AS (
    SELECT *,
           -- P(X >= x), X ~ Hypergeometric(total, k, m): sum over i of C(k,i) C(total-k,m-i) / C(total,m).
           list_sum(list_transform(
               range(greatest(x, m - (total - k)), least(m, k) + 1),
               i -> exp(lgamma(k + 1) - lgamma(i + 1) - lgamma(k - i + 1)
                        + lgamma(total - k + 1) - lgamma(m - i + 1) - lgamma(total - k - m + i + 1)
                        - lgamma(total + 1) + lgamma(m + 1) + lgamma(total - m + 1))
           )) AS p
    FROM candidates
)
SELECT failed_at, root_code, finding, n AS group_size, attribute, value,
       x AS in_group, k - x AS others_with, total - m AS others,
       least(coalesce(p, 0.0), 1.0) AS p, evidence
FROM tested
WHERE coalesce(p, 0.0) <= 0.01
ORDER BY group_size DESC, failed_at, root_code, finding, p, attribute, value;
