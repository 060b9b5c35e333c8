"""sql/site_causes.sql in DuckDB names the causes `wulens fleet --format json` names on a generated
fleet of ConfigMgr clients (`cargo xtask gen-fleet --shape sites`), and those are the planted ones.

Run by `./dev test` (test_python) with WULENS_SITE_FLEET (the fleet folder, with its fleet.csv)
and WULENS_BIN (the CLI); needs only duckdb.
"""

import csv
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[4]
PARTS = {"software_update_point": "sup", "distribution_point": "dp", "client_setting": "off", "maintenance_window": "window", "update": "update"}


def cli_fleet(fleet, fmt, out):
    with open(out, "w") as f:
        subprocess.run([os.environ["WULENS_BIN"], "fleet", "--format", fmt, str(fleet)], stdout=f, stderr=subprocess.DEVNULL, check=True, timeout=600)


def key(c):
    """What must be the same in the CLI and the SQL: every number but p, and the machines."""
    return (c["part"], c["value"], c["link"], tuple(sorted(c["machines"])), c["code"], c["code_machines"], c["holders"], c["others_with"], c["others"], c["scanned_before"], c["waiting_since"])


@unittest.skipUnless(os.environ.get("WULENS_SITE_FLEET") and os.environ.get("WULENS_BIN"), "WULENS_SITE_FLEET and WULENS_BIN (the CLI) are not set")
class SiteCausesSql(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import duckdb

        fleet = pathlib.Path(os.environ["WULENS_SITE_FLEET"])
        with open(fleet / "fleet.csv") as f:
            cls.planted = {}
            for r in csv.DictReader(f):
                for c in filter(None, r["causes"].split(";")):
                    cls.planted.setdefault(c, set()).add(r["machine"])
        with tempfile.TemporaryDirectory() as tmp:
            nd, js = pathlib.Path(tmp) / "fleet.ndjson", pathlib.Path(tmp) / "fleet.json"
            cli_fleet(fleet, "ndjson", nd)
            cli_fleet(fleet, "json", js)
            cls.cli = json.loads(js.read_text())["causes"]
            con = duckdb.connect()
            con.execute(f"CREATE VIEW fleet_rows AS SELECT * FROM read_json_auto('{nd}')")
            cur = con.execute((ROOT / "sql" / "site_causes.sql").read_text())
            cols = [d[0] for d in cur.description]
            cls.sql = [dict(zip(cols, r)) for r in cur.fetchall()]

    def test_the_same_causes_as_the_cli(self):
        self.assertEqual(len(self.cli), 5, self.cli)
        self.assertEqual(sorted(map(key, self.sql)), sorted(map(key, self.cli)))
        p_of = {(c["part"], c["value"]): c["p"] for c in self.cli}
        for r in self.sql:
            p = p_of[(r["part"], r["value"])]
            self.assertLessEqual(abs(r["p"] - p), 1e-9 * p + 1e-300, r["part"])

    def test_each_planted_cause_is_found_with_its_machines(self):
        for c in self.cli:
            self.assertEqual(set(c["machines"]), self.planted[PARTS[c["part"]]], c["part"])
        self.assertEqual({PARTS[c["part"]] for c in self.cli}, {"sup", "dp", "off", "window", "update"})
        sup = next(c for c in self.cli if c["part"] == "software_update_point")
        self.assertEqual(sup["value"], "http://ps1sup02.contoso.com:8530")
        # The day it broke (2026-11-17 14:16): every last success before, every first failure after.
        self.assertTrue(sup["onset"]["first_failure"].startswith("2026-11-17T14"), sup["onset"])
        self.assertLess(sup["onset"]["last_success"], "2026-11-17T14:16:10")
        # No machine with a fault of its own alone is in any cause.
        alone = self.planted.get("unrelated", set()) - set().union(*(self.planted[k] for k in PARTS.values() if k in self.planted))
        self.assertTrue(alone)
        self.assertFalse(alone & set().union(*(set(c["machines"]) for c in self.cli)))


@unittest.skipUnless(os.environ.get("WULENS_SITE_FLEET") and os.environ.get("WULENS_BIN"), "WULENS_SITE_FLEET and WULENS_BIN (the CLI) are not set")
class SiteCausesSpark(unittest.TestCase):
    def test_spark_gives_the_cli_causes(self):
        import importlib.util

        from pyspark.sql import SparkSession

        spec = importlib.util.spec_from_file_location("spark_shared_causes", ROOT / "examples" / "spark_shared_causes.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        fleet = pathlib.Path(os.environ["WULENS_SITE_FLEET"])
        with tempfile.TemporaryDirectory() as tmp:
            nd, js = pathlib.Path(tmp) / "fleet.ndjson", pathlib.Path(tmp) / "fleet.json"
            cli_fleet(fleet, "ndjson", nd)
            cli_fleet(fleet, "json", js)
            cli = json.loads(js.read_text())["causes"]
            spark = SparkSession.builder.master("local[1]").appName("site-causes").getOrCreate()
            try:
                got = mod.site_causes(spark.read.json(str(nd)))
            finally:
                spark.stop()
        self.assertEqual(len(cli), 5)
        self.assertEqual(sorted(map(key, got)), sorted(map(key, cli)))
        p_of = {(c["part"], c["value"]): c["p"] for c in cli}
        for r in got:
            p = p_of[(r["part"], r["value"])]
            self.assertLessEqual(abs(r["p"] - p), 1e-9 * p + 1e-300, r["part"])


if __name__ == "__main__":
    unittest.main()
