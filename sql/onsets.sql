-- When each group's failures began, over `wulens fleet --format ndjson` rows in DuckDB: the
-- same rule as `wulens fleet` (crates/core/src/output/shared.rs, `onset`). Input: the view
-- `fleet_rows` (see shared_causes.sql).
--
-- A group (failed machines by failed_at, root_code, finding) has an onset when at least 3 of
-- its machines give both `last_success` and `failing_since`, and the latest of those last
-- successes comes before the earliest first failure (times compared as written, as the CLI
-- does): every machine last succeeded before any began to fail, a change in between. Of
-- machines tied on a time, the last by name is named for the last success and the first for the
-- first failure, as the CLI (its rows in name order) does.
WITH
timed AS (
    SELECT failed_at, root_code, finding, machine, last_success, failing_since
    FROM fleet_rows
    WHERE status = 'failed' AND coalesce(last_success, '') <> '' AND coalesce(failing_since, '') <> ''
),
spans AS (
    SELECT failed_at, root_code, finding, count(*) AS machines,
           max(last_success) AS last_success, arg_max(machine, (last_success, machine)) AS last_success_machine,
           min(failing_since) AS first_failure, arg_min(machine, (failing_since, machine)) AS first_failure_machine
    FROM timed
    GROUP BY ALL
)
SELECT * FROM spans
WHERE machines >= 3 AND last_success < first_failure
ORDER BY machines DESC, failed_at, root_code, finding;
