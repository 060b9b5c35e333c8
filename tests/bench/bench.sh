#!/usr/bin/env bash
# Speed and memory of wulens on generated logs, against ripgrep and lnav on the same files.
#
#   ./dev bench                every input below, then the fleet figures
#   ./dev bench 100M           one input: 100M or 1G (the set of four logs of that size),
#                              store-100M (one UpdatesStore.log of update-status traffic, CMTrace,
#                              GUIDs on every line, scan after scan), guids-100M (the same log on a
#                              client whose update ids are mostly new: a distinct GUID on every line,
#                              few repeats), wu-100M (one Get-WindowsUpdateLog WindowsUpdate.log of
#                              CcmExec searches); any size works: store-1G, ...
#                              ccmlogs-13M (a ConfigMgr client's whole CCM\Logs folder: 80 logs
#                              and 20 rolled-over parts, 13 MB: the chain's joins over every file)
#   ./dev bench fleet          only the fleet figures (wulens fleet, the page on 240 machines as a
#                              folder and as a zip of it, and the Spark example)
#
# Prints, per size: wall time of `rg -c '0x8[0-9A-Fa-f]{7}'`, of `wulens analyze --format json`,
# and of lnav loading the files headless (with format definitions for the generated formats, so
# it parses them instead of falling back to generic lines); the ratios; wulens' peak memory; and
# in headless Chromium, the time to analyse the files against the time File.arrayBuffer() takes
# to read them. Generated files are cached in target/bench/.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(ccmlogs-13M store-100M guids-100M wu-100M 100M 1G fleet)

missing=()
for t in rg:ripgrep lnav:lnav hyperfine:hyperfine /usr/bin/time:time; do
  command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cargo build --release --quiet -p wulens-cli -p xtask

# Many machines: bundles per second and peak memory of `wulens fleet` on generated fleets of
# 250, 1,000 and 10,000 bundles (memory must not grow with the fleet; the 10,000 with planted
# shared causes, so that the summary's contrasts and compliance are computed on real groups),
# and the Spark example in local mode on the 1,000 (needs .tools/py from `./dev test`).
fleet_figures() {
  echo
  echo "| Bundles | wulens fleet | bundles/s | peak memory |"
  echo "|---|---|---|---|"
  for n in 250 1000 10000; do
    dir=target/bench/fleet-$n
    plant=(); [ "$n" -ge 10000 ] && plant=(--plant)
    [ -f "$dir/fleet.csv" ] || target/release/xtask gen-fleet --out "$dir" --count "$n" "${plant[@]}" >/dev/null
    hyperfine --style basic --warmup 1 --runs 3 --export-json "target/bench/fleet-$n.json" -n fleet "target/release/wulens fleet $dir > /dev/null" >/dev/null
    peak_kb=$(/usr/bin/time -f %M target/release/wulens fleet "$dir" 2>&1 >/dev/null | tail -1)
    python3 - "$n" "$peak_kb" <<'PY'
import json, sys
n, peak_kb = int(sys.argv[1]), int(sys.argv[2])
t = json.load(open(f"target/bench/fleet-{n}.json"))["results"][0]["mean"]
print(f"| {n:,} | {t:.2f} s | {n / t:.0f} | {peak_kb / 1024:.0f} MB |")
PY
  done
  site_fleet_figures
  fleet_zip_figures
  if [ -x .tools/py/bin/python ] && .tools/py/bin/python -c "import wulens, pyspark" 2>/dev/null; then
    out=$(mktemp -d)
    start=$(date +%s.%N)
    PYSPARK_PYTHON=$PWD/.tools/py/bin/python .tools/py/bin/python examples/spark_fleet.py target/bench/fleet-1000 "$out/rows" --master "local[$(nproc)]" >/dev/null 2>&1
    end=$(date +%s.%N)
    python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); print(f'\nSpark local[{sys.argv[3]}], 1,000 bundles, JVM start included: {t:.1f} s ({1000/t:.0f} bundles/s)')" "$start" "$end" "$(nproc)"
    rm -rf "$out"
  else
    echo "(Spark figure skipped: run ./dev test first to build .tools/py)"
  fi
}
# 10,000 ConfigMgr clients of two sites, one folder each, with the five planted causes of issue 72
# (`gen-fleet --shape sites`): machines per second and peak memory of `wulens fleet` (target:
# 5,000 a second on two cores, memory bounded by the largest machine), and the causes it finds
# against the planted truth of fleet.csv.
site_fleet_figures() {
  local dir=target/bench/sites-10000
  [ -f "$dir/fleet.csv" ] || target/release/xtask gen-fleet --shape sites --out "$dir" --count 10000 >/dev/null
  hyperfine --style basic --warmup 0 --runs 2 --export-json target/bench/sites-10000.json -n fleet "target/release/wulens fleet $dir > /dev/null" >/dev/null
  peak_kb=$(/usr/bin/time -f %M target/release/wulens fleet "$dir" --format json 2>&1 >target/bench/sites-10000-summary.json | tail -1)
  python3 - "$peak_kb" <<'PY'
import csv, json, sys
t = json.load(open("target/bench/sites-10000.json"))["results"][0]["mean"]
print(f"\n| ConfigMgr clients | wulens fleet | machines/s | peak memory |\n|---|---|---|---|\n| 10,001 | {t:.2f} s | {10001 / t:.0f} | {int(sys.argv[1]) / 1024:.0f} MB |")
truth = {}
for r in csv.DictReader(open("target/bench/sites-10000/fleet.csv")):
    for c in filter(None, r["causes"].split(";")):
        truth[c] = truth.get(c, 0) + 1
parts = {"software_update_point": "sup", "distribution_point": "dp", "client_setting": "off", "maintenance_window": "window", "update": "update"}
print("\n| Cause | found | planted |\n|---|---|---|")
for c in json.load(open("target/bench/sites-10000-summary.json"))["causes"]:
    print(f"| {c['part']} {c['value']} | {len(c['machines'])} | {truth.get(parts[c['part']], 0)} |")
PY
}

# The same 240 machines as their folder and as one zip of that folder (deflated, as Explorer's
# "Send to compressed folder" writes it): `wulens fleet` on each, and the page opening each
# (tests/bench/fleet-browser.mjs: the time to the fleet page, the zip's directory reads and the
# bytes of it read). The zip should cost what the folder costs (issue 62: it took 478 s against
# 1.7 s, each machine reading the zip's directory and every member's header again).
fleet_zip_figures() {
  local dir=target/bench/fleet-240
  [ -f "$dir/fleet.csv" ] || target/release/xtask gen-fleet --out "$dir" --count 240 >/dev/null
  [ -f "$dir.zip" ] || python3 - "$dir" <<'PY'
import os, sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(d + ".zip", "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in sorted(os.walk(d)):
        for f in sorted(files):
            p = os.path.join(root, f)
            z.write(p, os.path.relpath(p, os.path.dirname(d)))
PY
  hyperfine --style basic --warmup 1 --runs 3 --export-json target/bench/fleet-240-cli.json \
    -n folder "target/release/wulens fleet $dir > /dev/null" -n zip "target/release/wulens fleet $dir.zip > /dev/null" >/dev/null
  [ -f dist/index.html ] || ./dev build
  browser=$(node tests/bench/fleet-browser.mjs "$dir" "$dir.zip")
  python3 - "$browser" <<'PY'
import json, sys
b = json.loads(sys.argv[1])
cli = {r["command"]: r["mean"] for r in json.load(open("target/bench/fleet-240-cli.json"))["results"]}
print()
print("| 240 machines | wulens fleet | page (Chromium) | zip / folder in the page | zip's directory reads | zip's bytes read / its size |")
print("|---|---|---|---|---|---|")
print(f"| folder | {cli['folder']:.2f} s | {b['folder_s']:.2f} s | | | |")
print(f"| zip of the folder | {cli['zip']:.2f} s | {b['zip_s']:.2f} s | {b['zip_over_folder']:.2f}x | {b['zip_directory_reads']} | {b['zip_bytes_read_over_size']:.2f} |")
PY
}
if [ "${sizes[*]}" = fleet ]; then
  fleet_figures
  exit 0
fi
[ -f dist/index.html ] || ./dev build

lnav_home=$(mktemp -d)
trap 'rm -rf "$lnav_home"' EXIT
HOME=$lnav_home lnav -i tests/bench/lnav/wulens_formats.json >/dev/null 2>&1

results=()
run_fleet=no
for size in "${sizes[@]}"; do
  if [ "$size" = fleet ]; then run_fleet=yes; continue; fi
  dir=target/bench/$size
  case $size in
    store-*) shape=(--shape updatesstore); want=UpdatesStore.log ;;
    guids-*) shape=(--shape guids); want=UpdatesStore.log ;;
    wu-*) shape=(--shape windowsupdate); want=WindowsUpdate.log ;;
    ccmlogs-*) shape=(--shape ccmlogs); want=UpdatesDeployment.log ;;
    *) shape=(); want=CBS.log ;;
  esac
  [ -f "$dir/$want" ] || target/release/xtask gen-logs --out "$dir" --size "${size#*-}" "${shape[@]}" >/dev/null
  bytes=$(cat "$dir"/*.log | wc -c)
  runs=5; [ "$bytes" -gt $((500 << 20)) ] && runs=3
  echo "== $size ($bytes bytes in $(ls "$dir" | wc -l) files)"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "target/bench/$size.json" \
    -n ripgrep "rg -c '0x8[0-9A-Fa-f]{7}' $dir" \
    -n wulens "target/release/wulens analyze $dir --format json > /dev/null" \
    -n lnav "HOME=$lnav_home lnav -n -c ';SELECT count(*) FROM all_logs' $dir/*.log > /dev/null" >/dev/null
  peak_kb=$(/usr/bin/time -f %M target/release/wulens analyze "$dir" --format json 2>&1 >/dev/null | tail -1)
  browser=$(node tests/e2e/bench-browser.mjs "$dir")
  echo "   browser: $browser"
  results+=("$(python3 - "$size" "$bytes" "$peak_kb" "$browser" <<'PY'
import json, sys
size, nbytes, peak_kb, browser = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
runs = {r["command"]: r["mean"] for r in json.load(open(f"target/bench/{size}.json"))["results"]}
rg, wl, ln = runs["ripgrep"], runs["wulens"], runs["lnav"]
mb = nbytes / 1e6
names = {"store": "UpdatesStore.log (1 file)", "guids": "UpdatesStore.log, distinct ids (1 file)", "wu": "WindowsUpdate.log (1 file)", "ccmlogs": "CCM\\Logs folder (100 files)"}
kind, _, amount = size.rpartition("-")
label = f"{amount.replace('M', ' MB').replace('G', ' GB')} {names.get(kind, '4 files')}"
print(f"| {label} | {wl:.2f} s ({mb / wl:.0f} MB/s) | {rg:.3f} s | {wl / rg:.1f}x | {ln:.2f} s | {ln / wl:.1f}x faster | "
      f"{peak_kb / 1024:.0f} MB ({peak_kb * 1024 / nbytes:.2f}x) | {browser['analyze_s']:.2f} s ({mb / browser['analyze_s']:.0f} MB/s) | "
      f"{browser['read_s']:.2f} s | {browser['analyze_s'] / browser['read_s']:.1f}x | {browser['longest_task_ms']:.0f} ms |")
PY
)")
done

echo
echo "| Input | wulens CLI | ripgrep | CLI / rg | lnav | vs lnav | CLI peak memory | Browser analysis | File.arrayBuffer() | analysis / read | Longest main-thread task |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); files in the page cache (second run)."
[ "$run_fleet" = yes ] && fleet_figures
exit 0
