-- When each group's failures began, where that is a change in time, over `wulens fleet --format
-- ndjson` rows in DuckDB: the same rule as `wulens fleet` (crates/core/src/output/shared.rs,
-- `onset`; docs/fleet.md). Input: the view `fleet_rows` (see shared_causes.sql).
--
-- A group (failed machines by failed_at, root_code, finding) of at least 3 machines, at least
-- 90 % of them (and 3) giving both `last_success` and `failing_since`. Its window runs from the
-- latest of those last successes (excluded) to the latest first failure; it is one break when
-- that last success comes before the earliest first failure (times compared as written, as the
-- CLI does). It is sharp when the first failures fall within w seconds of each other, so close
-- against the S seconds the median machine's logs span (`first_time` to `last_time`) that n
-- failures at random times would rarely be: n x^(n-1) - (n-1) x^n <= 0.01, x = w / S. Another readable machine broke in the window when it failed, its own last success
-- came at or before the window's start and its first failure falls in the window; it was seen
-- across the window when it broke in it or its logs span it (`first_time` at or before the start,
-- `last_time` at or after the end). The change is stated when some machine seen across the window
-- did not break in it, at least 90 % of the machines that broke in it are the group's, and Fisher's exact
-- test, one-sided (the group's timed machines all broke: P(X = machines) for X ~
-- Hypergeometric(machines + others, machines + others_with, machines)), gives p <= 0.01. Of
-- machines tied on a time, the last by name is named for the last success and the window's end,
-- the first for the first failure, as the CLI (its rows in name order) does.
WITH
readable AS (SELECT * FROM fleet_rows WHERE status <> 'unreadable'),
sizes AS (SELECT failed_at, root_code, finding, count(*) AS group_size FROM readable WHERE status = 'failed' GROUP BY ALL),
timed AS (
    SELECT failed_at, root_code, finding, machine, last_success, failing_since,
           -- Seconds of the logs' span and of the first failure (to the second, offsets ignored).
           epoch(try_strptime(left(last_time, 19), '%Y-%m-%dT%H:%M:%S')) - epoch(try_strptime(left(first_time, 19), '%Y-%m-%dT%H:%M:%S')) AS span,
           epoch(try_strptime(left(failing_since, 19), '%Y-%m-%dT%H:%M:%S')) AS since
    FROM readable
    WHERE status = 'failed' AND coalesce(last_success, '') <> '' AND coalesce(failing_since, '') <> ''
),
spans AS (
    SELECT failed_at, root_code, finding, count(*) AS machines,
           max(last_success) AS last_success, arg_max(machine, (last_success, machine)) AS last_success_machine,
           min(failing_since) AS first_failure, arg_min(machine, (failing_since, machine)) AS first_failure_machine,
           max(failing_since) AS last_first_failure, arg_max(machine, (failing_since, machine)) AS last_first_failure_machine,
           count(span) AS spanned,
           -- The median machine's span (the lower one of an even count), and how close the first failures fall.
           list_sort(list(span))[(count(*) - 1) // 2 + 1] AS span_seconds,
           arg_max(since, (failing_since, machine)) - arg_min(since, (failing_since, machine)) AS within_seconds
    FROM timed
    GROUP BY ALL
),
windows AS (
    SELECT *,
           -- The chance that as many first failures at random times of such logs fall as close.
           CASE WHEN span_seconds <= 0 THEN 1.0
                ELSE least(greatest(machines * power(least(greatest(within_seconds, 0) / span_seconds, 1.0), machines - 1)
                               - (machines - 1) * power(least(greatest(within_seconds, 0) / span_seconds, 1.0), machines), 0.0), 1.0) END AS sharp_p
    FROM spans JOIN sizes USING (failed_at, root_code, finding)
    WHERE group_size >= 3 AND machines >= 3 AND machines >= 0.9 * group_size AND last_success < first_failure
          AND spanned = machines
),
seen AS (
    SELECT w.failed_at, w.root_code, w.finding,
           r.status = 'failed' AND coalesce(r.last_success, '') <> '' AND coalesce(r.failing_since, '') <> ''
               AND r.last_success <= w.last_success AND r.failing_since > w.last_success
               AND r.failing_since <= w.last_first_failure AS broke,
           coalesce(r.first_time, '') <> '' AND r.first_time <= w.last_success AND r.last_time >= w.last_first_failure AS watched
    FROM windows w CROSS JOIN readable r
    WHERE NOT (r.status = 'failed' AND r.failed_at = w.failed_at AND r.root_code = w.root_code AND r.finding = w.finding)
),
contrast AS (
    SELECT failed_at, root_code, finding,
           count(*) FILTER (WHERE broke) AS others_with,
           count(*) FILTER (WHERE broke OR watched) AS others
    FROM seen
    GROUP BY ALL
),
tested AS (
    SELECT w.*, coalesce(c.others_with, 0) AS others_with, coalesce(c.others, 0) AS others
    FROM windows w LEFT JOIN contrast c USING (failed_at, root_code, finding)
),
judged AS (
    SELECT *,
           -- P(X >= machines), X ~ Hypergeometric(total, k, machines): the one term X = machines.
           exp(lgamma(machines + others_with + 1) - lgamma(others_with + 1)
               - lgamma(machines + others + 1) + lgamma(others + 1)) AS p
    FROM tested
    WHERE sharp_p <= 0.01 AND others > others_with AND machines >= 0.9 * (machines + others_with)
)
SELECT failed_at, root_code, finding, group_size, machines,
       last_success, last_success_machine, first_failure, first_failure_machine,
       last_first_failure, last_first_failure_machine, others_with, others, least(p, 1.0) AS p,
       within_seconds::BIGINT AS within_seconds, span_seconds::BIGINT AS span_seconds, sharp_p
FROM judged
WHERE p <= 0.01
ORDER BY machines DESC, failed_at, root_code, finding;
