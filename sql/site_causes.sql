-- What a ConfigMgr site's clients share, over `wulens fleet --format ndjson` rows, in DuckDB: the
-- rule of `site_causes` in crates/core/src/output/shared.rs (docs/fleet.md, "What a site's
-- clients share"), giving the same causes, machines and numbers as the `causes` of
-- `wulens fleet --format json` (tested in crates/py/python/tests/test_wulens.py against the CLI
-- on a generated fleet of ConfigMgr clients, `cargo xtask gen-fleet --shape sites`).
--
-- Input: a table or view `fleet_rows` of the NDJSON rows (with `links`, `dps`, `dp_failed`,
-- `software_updates` and the window columns), e.g.
--   CREATE VIEW fleet_rows AS SELECT * FROM read_json_auto('fleet.ndjson');
--
-- The rule:
-- - an update is a cause when at least 3 of its installs failed and Fisher's exact test of its
--   failures against the other updates' (over every install that ended, installed or failed, on
--   a machine whose chain tells its install link) gives p <= 0.01;
-- - a software update point (`wsus_server`, link `scan`) or a distribution point (each of `dps`
--   and `dp_failed`, link `content`, failing there) is a cause when at least 3 machines holding it fail that link, at least half
--   of the machines holding it do, and Fisher's exact test (one-sided: P(X >= members) for X
--   hypergeometric over the machines whose chain tells the link, `bad` of them failing it,
--   `holders` drawn) is at most 0.01. Only machines whose link is told (not `not_in_logs`,
--   `not_reached`) count;
-- - the client setting: at least 3 machines with Software Updates off (`software_updates` is
--   `off`, or the policy link is `off`);
-- - the maintenance window: at least 3 machines whose window link is `waiting`.
-- The software update point's onset is sql/onsets.sql's rule over its machines (not repeated here).
WITH
readable AS (SELECT * FROM fleet_rows WHERE status <> 'unreadable'),
links AS (
    SELECT machine, l.link AS link, l.state AS state, coalesce(l.code, '') AS code, coalesce(l.since, '') AS since
    FROM (SELECT machine, unnest(links) AS l FROM readable)
),
told_links AS (SELECT * FROM links WHERE state NOT IN ('not_in_logs', 'not_reached')),
told AS (
    SELECT link, count(DISTINCT machine) AS total, count(DISTINCT machine) FILTER (WHERE state = 'failed') AS bad
    FROM told_links GROUP BY ALL
),
-- Each value a machine holds, whether its link fails at it, and its code there.
holds AS (
    SELECT 'software_update_point' AS part, 'scan' AS link, lower(r.wsus_server) AS value, r.machine,
           l.state = 'failed' AS fails, l.code AS code, coalesce(r.wsus_server_from, '') AS source
    FROM readable r JOIN told_links l ON l.machine = r.machine AND l.link = 'scan'
    WHERE coalesce(r.wsus_server, '') <> ''
    UNION ALL
    SELECT 'distribution_point', 'content', d.value, d.machine,
           l.state = 'failed' AND lower(coalesce(d.dp_failed, '')) = d.value, coalesce(d.dp_failed_code, ''), coalesce(d.dp_failed_from, '')
    FROM (
        SELECT DISTINCT machine, dp_failed, dp_failed_code, dp_failed_from,
               lower(unnest(list_filter(string_split(coalesce(dps, ''), ';') || [coalesce(dp_failed, '')], x -> x <> ''))) AS value
        FROM readable
    ) d JOIN told_links l ON l.machine = d.machine AND l.link = 'content'

),
holds_once AS (SELECT part, link, value, machine, bool_or(fails) AS fails, max(code) AS code, max(source) AS source FROM holds GROUP BY ALL),
counted AS (
    SELECT part, link, value, count(*) AS holders, count(*) FILTER (WHERE fails) AS members,
           list(machine ORDER BY machine) FILTER (WHERE fails) AS machines
    FROM holds_once GROUP BY ALL
),
codes AS (
    SELECT part, value, code, count(*) AS n FROM holds_once WHERE fails AND code <> '' GROUP BY ALL
),
top_code AS (
    SELECT part, value, arg_min(code, (-n, code)) AS code, max(n) AS code_machines FROM codes GROUP BY ALL
),
candidates AS (
    SELECT c.*, t.total, t.bad
    FROM counted c JOIN told t USING (link)
    WHERE c.members >= 3 AND c.members >= 0.5 * c.holders
),
tested AS (
    SELECT *,
           -- P(X >= x), X ~ Hypergeometric(total, bad, holders): the terms from lgamma.
           list_sum(list_transform(
               range(greatest(members, holders - (total - bad)), least(holders, bad) + 1),
               i -> exp(lgamma(bad + 1) - lgamma(i + 1) - lgamma(bad - i + 1)
                        + lgamma(total - bad + 1) - lgamma(holders - i + 1) - lgamma(total - bad - holders + i + 1)
                        - lgamma(total + 1) + lgamma(holders + 1) + lgamma(total - holders + 1))
           )) AS p
    FROM candidates
),
installs AS (
    SELECT DISTINCT i.machine, upper(i.x.kb) AS kb, i.x.state = 'failing' AS failed, coalesce(i.x.code, '') AS code
    FROM (SELECT machine, unnest(updates) AS x FROM readable) i
    WHERE i.machine IN (SELECT machine FROM told_links WHERE link = 'install')
      AND coalesce(i.x.kb, '') <> ''
      AND (i.x.state = 'done' OR (i.x.state = 'failing' AND coalesce(i.x.install_failed, false)))
),
install_total AS (SELECT count(*) AS total, count(*) FILTER (WHERE failed) AS bad FROM (SELECT machine, kb, bool_or(failed) AS failed FROM installs GROUP BY ALL)),
kb_counted AS (
    SELECT kb AS value, count(*) AS holders, count(*) FILTER (WHERE failed) AS members,
           list(machine ORDER BY machine) FILTER (WHERE failed) AS machines
    FROM (SELECT machine, kb, bool_or(failed) AS failed FROM installs GROUP BY ALL) GROUP BY ALL
),
kb_codes AS (SELECT kb AS value, code, count(DISTINCT machine) AS n FROM installs WHERE failed AND code <> '' GROUP BY ALL),
kb_top AS (SELECT value, arg_min(code, (-n, code)) AS code, max(n) AS code_machines FROM kb_codes GROUP BY ALL),
kb_tested AS (
    SELECT c.*, t.total, t.bad,
           list_sum(list_transform(
               range(greatest(members, holders - (total - bad)), least(holders, bad) + 1),
               i -> exp(lgamma(bad + 1) - lgamma(i + 1) - lgamma(bad - i + 1)
                        + lgamma(total - bad + 1) - lgamma(holders - i + 1) - lgamma(total - bad - holders + i + 1)
                        - lgamma(total + 1) + lgamma(holders + 1) + lgamma(total - holders + 1))
           )) AS p
    FROM kb_counted c, install_total t
    WHERE c.members >= 3
),
update_cause AS (
    SELECT 'update' AS part, value, 'install' AS link, machines, coalesce(code, '') AS code, coalesce(code_machines, 0) AS code_machines,
           holders, bad - members AS others_with, total - holders AS others, least(coalesce(p, 0.0), 1.0) AS p,
           0 AS scanned_before, '' AS waiting_since
    FROM kb_tested LEFT JOIN kb_top USING (value)
    WHERE coalesce(p, 0.0) <= 0.01
),
failing AS (
    SELECT part, value, link, machines, coalesce(code, '') AS code, coalesce(code_machines, 0) AS code_machines,
           holders, bad - members AS others_with, total - members AS others, least(coalesce(p, 0.0), 1.0) AS p,
           0 AS scanned_before, '' AS waiting_since
    FROM tested LEFT JOIN top_code USING (part, value)
    WHERE coalesce(p, 0.0) <= 0.01
),
off AS (
    SELECT r.machine, bool_or(l.link = 'scan' AND l.state IN ('ok', 'failed')) AS scanned
    FROM readable r LEFT JOIN links l ON l.machine = r.machine
    WHERE r.software_updates = 'off' OR r.machine IN (SELECT machine FROM links WHERE link = 'policy' AND state = 'off')
    GROUP BY ALL
),
off_told AS (
    SELECT count(*) AS n FROM readable
    WHERE coalesce(software_updates, '') <> '' OR machine IN (SELECT machine FROM told_links WHERE link = 'policy')
),
setting AS (
    SELECT 'client_setting' AS part, '' AS value, 'policy' AS link, list(machine ORDER BY machine) AS machines, '' AS code, 0 AS code_machines,
           count(*) AS holders, 0 AS others_with, greatest((SELECT n FROM off_told) - count(*), 0) AS others, 1.0 AS p,
           count(*) FILTER (WHERE scanned) AS scanned_before, '' AS waiting_since
    FROM off HAVING count(*) >= 3
),
waits AS (SELECT machine, since FROM links WHERE link = 'window' AND state = 'waiting'),
window_cause AS (
    SELECT 'maintenance_window' AS part, '' AS value, 'window' AS link, list(machine ORDER BY machine) AS machines, '' AS code, 0 AS code_machines,
           count(*) AS holders, 0 AS others_with,
           greatest((SELECT count(DISTINCT machine) FROM told_links WHERE link = 'window') - count(*), 0) AS others, 1.0 AS p,
           0 AS scanned_before, coalesce(min(since) FILTER (WHERE since <> ''), '') AS waiting_since
    FROM waits HAVING count(*) >= 3
)
SELECT * FROM (
    SELECT * FROM failing
    UNION ALL SELECT * FROM setting
    UNION ALL SELECT * FROM window_cause
    UNION ALL SELECT * FROM update_cause
)
ORDER BY CASE part WHEN 'software_update_point' THEN 0 WHEN 'distribution_point' THEN 1 WHEN 'client_setting' THEN 2 WHEN 'maintenance_window' THEN 3 ELSE 4 END, p, len(machines) DESC, value;
