"""The Python package and the Spark example on a generated fleet (`cargo xtask gen-fleet`).

Run by `./dev test` after `maturin develop`: python -m unittest discover crates/py/python/tests
Needs WULENS_FLEET (a generated fleet folder with its fleet.csv) for the Spark test.
"""

import csv
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

import wulens

ROOT = pathlib.Path(__file__).resolve().parents[4]
FIXTURES = ROOT / "tests" / "fixtures"


def fixture(scenario):
    logs = FIXTURES / scenario / "logs"
    return [(str(p.relative_to(logs)), p.read_bytes()) for p in sorted(logs.rglob("*")) if p.is_file()]


class Package(unittest.TestCase):
    def test_analyze_gives_the_cli_report(self):
        r = wulens.analyze(fixture("fail-step3-proxy-407"))
        self.assertEqual(r["summary"]["status"], "failed")
        self.assertEqual(r["scan_flow"]["failed_step"], 3)
        self.assertIn("0x8024401B", [e["code"] for e in r["errors"]])

    def test_machine_row_and_unreadable_bundle(self):
        row = wulens.machine_row("PC-1", "", fixture("cbs-corruption"))
        self.assertEqual((row["status"], row["root_code"]), ("failed", "0x800F081F"))
        bad = wulens.machine_row("PC-2", "PC-2.zip", b"PK\x03\x04 cut off")
        self.assertEqual(bad["status"], "unreadable")
        self.assertTrue(bad["problem"])

    def test_machine_row_states_what_machines_share(self):
        d = FIXTURES / "fleet-attributes" / "collected-7f3a"
        files = [(str(p.relative_to(d)), p.read_bytes()) for p in sorted(d.rglob("*")) if p.is_file()]
        row = wulens.machine_row("collected-7f3a", "fleet/collected-7f3a", files)
        # Named by the computer its logs state; the bundle keeps where it was read.
        self.assertEqual((row["machine"], row["computer"], row["bundle"]), ("PC-ATTR01", "PC-ATTR01", "fleet/collected-7f3a"))
        self.assertEqual(row["computer_from"], "dsregcmd_status.txt:9")
        self.assertEqual(row["entra_device_id"], "6f1c2b7e-3d4a-4e5b-9c8d-0a1b2c3d4e5f")
        self.assertEqual((row["management_point"], row["site_code"]), ("mp02.contoso.com", "PS2"))
        self.assertTrue(row["update_ring"].startswith("DeferQualityUpdatesPeriodInDays=7;"), row["update_ring"])
        self.assertIn("VEN_10EC&DEV_8168", row["blocking"])
        quiet = FIXTURES / "fleet-attributes" / "quiet-pc"
        row = wulens.machine_row("quiet-pc", "quiet-pc", [(p.name, p.read_bytes()) for p in quiet.iterdir()])
        self.assertEqual(row["machine"], "quiet-pc")
        for k in ("computer", "entra_device_id", "management_point", "site_code", "update_ring", "blocking"):
            self.assertEqual((row[k], row[k + "_from"]), ("", ""), k)

    def test_lookup_any_notation(self):
        self.assertEqual(wulens.lookup("-2145107941")["code"], "0x8024401B")
        self.assertEqual(wulens.lookup("1603")["code"], "0x80070643")
        self.assertIsNone(wulens.lookup("not a code"))

    def test_bad_input_is_a_clear_error(self):
        with self.assertRaises(ValueError):
            wulens.analyze(42)
        with self.assertRaises(ValueError):
            wulens.analyze([("a.log", "text, not bytes", 3)])


@unittest.skipUnless(os.environ.get("WULENS_FLEET"), "WULENS_FLEET (a generated fleet) is not set")
class Spark(unittest.TestCase):
    def test_spark_groups_match_the_generated_scenarios(self):
        from pyspark.sql import SparkSession

        fleet = pathlib.Path(os.environ["WULENS_FLEET"])
        scenario_of = {r["machine"]: r["scenario"] for r in csv.DictReader(open(fleet / "fleet.csv"))}
        with tempfile.TemporaryDirectory() as out:
            run = subprocess.run(
                [sys.executable, str(ROOT / "examples" / "spark_fleet.py"), str(fleet), out, "--master", "local[2]", "--partitions", "4"],
                capture_output=True,
                text=True,
                timeout=600,
                # Local mode: the workers run this interpreter, which has the package.
                env={**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable},
            )
            self.assertEqual(run.returncode, 0, run.stderr[-3000:])
            spark = SparkSession.builder.master("local[1]").appName("check").getOrCreate()
            rows = spark.read.parquet(out).collect()
            spark.stop()
        self.assertEqual(len(rows), len(scenario_of))
        causes = {}
        for r in rows:
            causes.setdefault(scenario_of[r.machine], set()).add((r.status, r.failed_at, r.root_code, r.finding))
        for scenario, c in causes.items():
            # The unrelated faults fail each its own way (one of a few codes) by design.
            if scenario == "planted-unrelated":
                self.assertGreater(len(c), 1, c)
                continue
            self.assertEqual(len(c), 1, f"{scenario}: {c}")
        self.assertEqual(next(iter(causes["unreadable"]))[0], "unreadable")
        self.assertEqual(next(iter(causes["fail-step3-proxy-407"]))[2], "0x8024401B")
        # The printed groups are the scenarios' failures, largest first, with their sizes.
        failed = {}
        for r in rows:
            if r.status == "failed":
                key = (r.failed_at, r.root_code, r.finding)
                failed[key] = failed.get(key, 0) + 1
        lines = [l for l in run.stdout.splitlines() if l[:7].strip().isdigit()]
        sizes = [int(l[:7]) for l in lines][: len(failed)]
        self.assertEqual(sizes, sorted(failed.values(), reverse=True), run.stdout)


@unittest.skipUnless(os.environ.get("WULENS_FLEET") and os.environ.get("WULENS_BIN"), "WULENS_FLEET and WULENS_BIN (the CLI) are not set")
class DuckDb(unittest.TestCase):
    def test_the_cli_ndjson_loads_and_groups_in_duckdb(self):
        import duckdb

        fleet = pathlib.Path(os.environ["WULENS_FLEET"])
        scenario_of = {r["machine"]: r["scenario"] for r in csv.DictReader(open(fleet / "fleet.csv"))}
        with tempfile.TemporaryDirectory() as tmp:
            out = pathlib.Path(tmp) / "fleet.ndjson"
            with open(out, "w") as f:
                subprocess.run([os.environ["WULENS_BIN"], "fleet", "--format", "ndjson", str(fleet)], stdout=f, check=True, timeout=600)
            con = duckdb.connect()
            # The README's one-liner, as an admin would run it.
            groups = con.execute(
                f"SELECT failed_at, root_code, finding, count(*) n FROM read_json_auto('{out}') WHERE status = 'failed' GROUP BY ALL ORDER BY n DESC"
            ).fetchall()
            by_machine = dict(con.execute(f"SELECT machine, status || '|' || failed_at || '|' || root_code || '|' || finding FROM read_json_auto('{out}')").fetchall())
        self.assertEqual(len(by_machine), len(scenario_of))
        expected = {}
        for machine, cause in by_machine.items():
            expected.setdefault(scenario_of[machine], set()).add(cause)
        # Every scenario is one cause but the unrelated faults, which fail each its own way.
        unrelated = expected.pop("planted-unrelated", None)
        self.assertTrue(unrelated is None or len(unrelated) > 1, unrelated)
        self.assertTrue(all(len(c) == 1 for c in expected.values()), expected)
        sizes = {}
        for cause in by_machine.values():
            status, at, code, finding = cause.split("|")
            if status == "failed":
                sizes[(at, code, finding)] = sizes.get((at, code, finding), 0) + 1
        self.assertEqual({(a, c, f): n for a, c, f, n in groups}, sizes)


def cli_fleet(fleet, fmt, out):
    """`wulens fleet --format FMT FLEET` written to OUT."""
    with open(out, "w") as f:
        subprocess.run([os.environ["WULENS_BIN"], "fleet", "--format", fmt, str(fleet)], stdout=f, stderr=subprocess.DEVNULL, check=True, timeout=600)


def cli_shared(summary):
    """The CLI's shared causes: (failed_at, root_code, finding, group, attribute, value, in_group, others_with, others) -> p."""
    out = {}
    for g in summary["groups"]:
        c = g["cause"]
        for s in g["shared"]:
            key = (c["failed_at"], c["root_code"], c["finding"], s["group"], s["attribute"], s["value"], s["in_group"], s["others_with"], s["others"])
            out[key] = s["p"]
    return out


ONSET = ("machines", "last_success", "last_success_machine", "first_failure", "first_failure_machine", "last_first_failure", "last_first_failure_machine", "others_with", "others", "within_seconds", "span_seconds")


def cli_onsets(summary):
    """The CLI's changes in time: (failed_at, root_code, finding) -> ((machines, last_success, its machine, ..., others), p)."""
    return {
        (g["cause"]["failed_at"], g["cause"]["root_code"], g["cause"]["finding"]): (tuple(g["onset"][k] for k in ONSET), (g["onset"]["p"], g["onset"]["sharp_p"]))
        for g in summary["groups"]
        if g.get("onset")
    }


def same_onsets(test, got, cli):
    """The same changes in time as the CLI's, p and the chance of failures as close within rounding."""
    test.assertEqual({k: v for k, (v, _) in got.items()}, {k: v for k, (v, _) in cli.items()})
    for k, (_, ps) in cli.items():
        for a, b in zip(got[k][1], ps):
            test.assertLessEqual(abs(a - b), 1e-9 * b + 1e-300, k)


@unittest.skipUnless(os.environ.get("WULENS_FLEET") and os.environ.get("WULENS_BIN"), "WULENS_FLEET and WULENS_BIN (the CLI) are not set")
class SharedCausesSql(unittest.TestCase):
    """sql/shared_causes.sql and sql/onsets.sql in DuckDB give what `wulens fleet --format json` gives."""

    @classmethod
    def setUpClass(cls):
        import duckdb

        cls.fleet = pathlib.Path(os.environ["WULENS_FLEET"])
        with open(cls.fleet / "fleet.csv") as f:
            cls.scenario_of = {r["machine"]: r["scenario"] for r in csv.DictReader(f)}
        cls.tmp = tempfile.TemporaryDirectory()
        nd, js = pathlib.Path(cls.tmp.name) / "fleet.ndjson", pathlib.Path(cls.tmp.name) / "fleet.json"
        cli_fleet(cls.fleet, "ndjson", nd)
        cli_fleet(cls.fleet, "json", js)
        cls.summary = json.loads(js.read_text())
        con = duckdb.connect()
        con.execute(f"CREATE VIEW fleet_rows AS SELECT * FROM read_json_auto('{nd}')")
        run = lambda name: con.execute((ROOT / "sql" / name).read_text())
        cur = run("shared_causes.sql")
        cols = [d[0] for d in cur.description]
        cls.shared = [dict(zip(cols, r)) for r in cur.fetchall()]
        cur = run("onsets.sql")
        cols = [d[0] for d in cur.description]
        cls.onsets = [dict(zip(cols, r)) for r in cur.fetchall()]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_same_shared_causes_as_the_cli(self):
        sql = {
            (r["failed_at"], r["root_code"], r["finding"], r["group_size"], r["attribute"], r["value"], r["in_group"], r["others_with"], r["others"]): r["p"]
            for r in self.shared
        }
        cli = cli_shared(self.summary)
        self.assertTrue(cli, "the generated fleet has shared causes to compare")
        self.assertEqual(set(sql), set(cli))
        for k, p in cli.items():
            self.assertLessEqual(abs(sql[k] - p), 1e-9 * p + 1e-300, k)  # p underflows to 0 in both past ~1e-308

    def test_the_same_onsets_as_the_cli(self):
        cli = cli_onsets(self.summary)
        self.assertTrue(cli, "the generated fleet has a change in time to compare")
        sql = {(r["failed_at"], r["root_code"], r["finding"]): (tuple(r[k] for k in ONSET), (r["p"], r["sharp_p"])) for r in self.onsets}
        same_onsets(self, sql, cli)

    def test_the_planted_causes_are_named_and_the_unrelated_faults_are_not(self):
        planted = {}
        for m, s in self.scenario_of.items():
            planted.setdefault(s, set()).add(m)
        if "planted-server" not in planted:
            self.skipTest("the fleet was generated without --plant")
        by_value = {}
        for r in self.shared:
            by_value.setdefault((r["attribute"], r["value"]), []).append(r)
        for (attribute, value), scenario in [
            (("server", "http://wsus02.contoso.com:8530"), "planted-server"),
            (("update", "KB5044273"), "planted-update"),
            (("proxy", "proxy07.contoso.com:8080"), "planted-proxy"),
        ]:
            (r,) = by_value[(attribute, value)]
            self.assertEqual((r["in_group"], r["group_size"], r["others_with"]), (len(planted[scenario]), len(planted[scenario]), 0), value)
        # The one change in time is the broken server's: its machines, its hour.
        (onset,) = self.onsets
        self.assertEqual((onset["root_code"], onset["machines"]), ("0x80244022", len(planted["planted-server"])))
        self.assertLessEqual(onset["others_with"] * 9, onset["machines"])
        self.assertLess(onset["last_success"], "2026-11-17T13:41")
        self.assertGreaterEqual(onset["first_failure"], "2026-11-17T14:16")
        self.assertLess(onset["last_first_failure"], "2026-11-17T15:00")
        # The unrelated faults form groups alike in a code only: no shared cause, no change in time.
        unrelated = planted.get("planted-unrelated", set())
        groups_of_unrelated = [g for g in self.summary["groups"] if set(g["machines"]) & unrelated]
        self.assertTrue([g for g in groups_of_unrelated if len(g["machines"]) >= 3], "enough unrelated faults to form a group")
        for g in groups_of_unrelated:
            self.assertFalse(g["shared"] or g.get("onset"), g)
        # By group (failed_at, root code, finding): a fixture scenario may fail with the same code
        # at another place and share its own server.
        keys = {(g["cause"]["failed_at"], g["cause"]["root_code"], g["cause"]["finding"]) for g in groups_of_unrelated}
        self.assertFalse([r for r in self.shared if (r["failed_at"], r["root_code"], r["finding"]) in keys])
        self.assertFalse([r for r in self.onsets if (r["failed_at"], r["root_code"], r["finding"]) in keys])


@unittest.skipUnless(os.environ.get("WULENS_FLEET") and os.environ.get("WULENS_BIN"), "WULENS_FLEET and WULENS_BIN (the CLI) are not set")
class SharedCausesSpark(unittest.TestCase):
    def test_spark_gives_the_cli_shared_causes(self):
        import importlib.util

        from pyspark.sql import SparkSession

        spec = importlib.util.spec_from_file_location("spark_shared_causes", ROOT / "examples" / "spark_shared_causes.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        fleet = pathlib.Path(os.environ["WULENS_FLEET"])
        with tempfile.TemporaryDirectory() as tmp:
            nd, js = pathlib.Path(tmp) / "fleet.ndjson", pathlib.Path(tmp) / "fleet.json"
            cli_fleet(fleet, "ndjson", nd)
            cli_fleet(fleet, "json", js)
            summary = json.loads(js.read_text())
            cli = cli_shared(summary)
            spark = SparkSession.builder.master("local[1]").appName("shared").getOrCreate()
            try:
                rows = spark.read.json(str(nd))
                got = mod.shared_causes(rows).collect()
                began = mod.onsets(rows).collect()
            finally:
                spark.stop()
        sql = {(r.failed_at, r.root_code, r.finding, r.group_size, r.attribute, r.value, r.in_group, r.others_with, r.others): r.p for r in got}
        self.assertTrue(cli)
        self.assertEqual(set(sql), set(cli))
        for k, p in cli.items():
            self.assertLessEqual(abs(sql[k] - p), 1e-9 * p + 1e-300, k)  # p underflows to 0 in both past ~1e-308
        # When each group's failures began: the CLI's onsets, and at least one to compare.
        cli_began = cli_onsets(summary)
        self.assertTrue(cli_began, "the generated fleet has a change in time to compare")
        spark_onsets = {(r.failed_at, r.root_code, r.finding): (tuple(r[k] for k in ONSET), (r.p, r.sharp_p)) for r in began}
        same_onsets(self, spark_onsets, cli_began)


if __name__ == "__main__":
    unittest.main()
