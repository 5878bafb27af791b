#!/usr/bin/env bash
# Network-scale benchmark: generates exports at 0.1×, 0.3×, 1× and 10× of 2,000 clinicians × 104 weeks
# (≈ 4.5 million sessions at 1×, 45 million at 10×), then times (a) the parse floor — polars reading the
# CSVs with their schema and nothing else — and (b) the full `caseload run`, and prints wall time, CPU
# time and peak RSS of each, the ratio b/a, the run's stage timings and each stage's share from
# manifest.json, and the growth from one scale to the next (run time ratio over session ratio: 1.0 is
# linear).
#
#   bench/run.sh [scales…]        e.g. bench/run.sh 0.1 0.3 1 1m 10 (the default)
#   REPEAT=5 bench/run.sh 1       (the median of 5 runs; default 3)
#
# A scale with an `m` (1m) is the same export rewritten as practice systems write theirs
# (bench/messy.py: CRLF, status aliases, an `end` column, every optional column filled); its row
# compares the run with the generated export's at that scale.
#
# Needs: a release build (cargo build --release), GNU time (/usr/bin/time), python3 with polars
# (pip install polars) for the parse floor.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet
bin="$target/release/caseload"
work="${BENCH_DIR:-/tmp/caseload-bench}"
mkdir -p "$work"
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(0.1 0.3 1 1m 10)
previous=""

measure_once() { # label, command…  → prints wall, cpu, rss
  local log="$work/time.log"
  /usr/bin/time -f '%e %U %S %M' -o "$log" "${@:2}" >/dev/null 2>"$work/stderr.log" || { cat "$work/stderr.log"; exit 1; }
  read -r wall user sys rss <"$log"
  printf '%s %s %s %s\n' "$wall" "$(echo "$user + $sys" | awk '{print $1 + $3}')" "$rss" "$1"
}

# The median of $REPEAT runs (default 3) by wall time: single runs on a shared 2-core machine vary
# by a third.
measure() {
  for _ in $(seq "${REPEAT:-3}"); do measure_once "$@"; done | sort -n | awk '{ rows[NR] = $0 } END { print rows[int((NR + 1) / 2)] }'
}

printf '%-6s %10s %10s %11s | %9s %9s %9s | %9s %9s %9s | %6s\n' scale sessions admin referrals \
  floor_s floor_cpu floor_MB run_s run_cpu run_MB 'b/a'
declare -A plain_run
for scale in "${scales[@]}"; do
  base="${scale%m}"
  clinicians=$(awk -v s="$base" 'BEGIN { printf "%d", 2000 * s }')
  clinics=$(awk -v c="$clinicians" 'BEGIN { n = int(c / 40); print (n < 1 ? 1 : n) }')
  generated="$work/data-$base"
  if [ ! -f "$generated/sessions.csv" ]; then
    "$bin" -q generate --out "$generated" --clinics "$clinics" --clinicians "$clinicians" --weeks 104 --seed 1 \
      --as-of 2026-11-15
  fi
  data="$generated"
  if [ "$base" != "$scale" ]; then
    data="$work/data-$scale"
    [ -f "$data/sessions.csv" ] || python3 bench/messy.py "$generated" "$data"
  fi
  sessions=$(($(wc -l <"$data/sessions.csv") - 1))
  admin=$(($(wc -l <"$data/admin_time.csv") - 1))
  referrals=$(($(wc -l <"$data/waitlist.csv") - 1))
  read -r fw fc fr _ < <(measure floor python3 bench/parse_floor.py "$data")
  rm -rf "$work/out-$scale"
  # Each run replaces the same as-of date's report in place.
  read -r rw rc rr _ < <(measure run "$bin" -q run "$data" --out "$work/out-$scale")
  printf '%-6s %10d %10d %11d | %9.2f %9.2f %9.0f | %9.2f %9.2f %9.0f | %6.2f\n' "$scale" "$sessions" "$admin" \
    "$referrals" "$fw" "$fc" "$((fr / 1024))" "$rw" "$rc" "$((rr / 1024))" "$(awk -v a="$fw" -v b="$rw" 'BEGIN { print b / a }')"
  python3 - "$work/out-$scale/latest/manifest.json" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
total = sum(seconds for _, seconds in manifest["stage_seconds"]) or 1.0
stages = ", ".join(
    f"{name} {seconds:.2f} s ({seconds / total * 100:.0f} %)" for name, seconds in manifest["stage_seconds"]
)
size = sum(i["bytes"] for i in manifest["inputs"]) / 2**20
print(f"       stages: {stages}; input CSVs {size:.0f} MB")
PY
  if [ "$base" != "$scale" ]; then
    if [ -n "${plain_run[$base]:-}" ]; then
      awk -v s="$base" -v r="$rw" -v p="${plain_run[$base]}" \
        'BEGIN { printf "       messy against generated at %s×: run ×%.2f\n", s, r / p }'
    fi
    continue
  fi
  plain_run[$base]="$rw"
  if [ -n "$previous" ]; then
    read -r p_scale p_sessions p_run p_floor <<<"$previous"
    awk -v s="$scale" -v ps="$p_scale" -v n="$sessions" -v pn="$p_sessions" -v r="$rw" -v pr="$p_run" \
      -v f="$fw" -v pf="$p_floor" 'BEGIN {
        rows = n / pn; run = r / pr; floor = f / pf
        printf "       growth %s× → %s×: sessions ×%.2f, run ×%.2f (%.2f per row), floor ×%.2f (%.2f per row)\n",
          ps, s, rows, run, run / rows, floor, floor / rows }'
  fi
  previous="$scale $sessions $rw $fw"
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -m)"
