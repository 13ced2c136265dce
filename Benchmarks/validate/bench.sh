#!/usr/bin/env bash
# Validate benchmark ("Bad input, fast", issue 2): how fast `connector-compiler validate` (release
# build) checks 1,000 synthetic specs of about 3 KB, against two peers measured in the same run:
#   - python jsonschema with Schemas/connector.schema.json, compiled once, timing only the
#     validation of already-loaded specs (Benchmarks/validate/jsonschema_time.py), and
#   - `jq empty` over the same files (parse only).
# Wall-clock medians come from hyperfine (several runs after warm-up), CPU time is hyperfine's
# mean user+system, peak memory is /usr/bin/time's maximum resident set size of one run.
# `validate` on an empty folder is measured too: the process start-up cost inside the 1,000-spec
# number. Targets: validate >= 10x faster than jsonschema, and <= 2x jq.
#
# Usage: Benchmarks/validate/bench.sh COMPILER PYTHON
#   COMPILER  a release build of connector-compiler
#   PYTHON    an interpreter with jsonschema (the project venv's)
# Environment: BENCH_COUNT (1000), BENCH_RUNS (10 hyperfine runs), BENCH_ROUNDS (5 jsonschema
# rounds), BENCH_SEED (1), KEEP=1 keeps the scratch folder.
set -euo pipefail

compiler=$1
python=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count=${BENCH_COUNT:-1000}
runs=${BENCH_RUNS:-10}
rounds=${BENCH_ROUNDS:-5}
seed=${BENCH_SEED:-1}

for tool in jq hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "error: '$tool' is missing; run \`make bench-validate-tools\` as root" >&2; exit 1; }
done

tmp=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "scratch: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
specs="$tmp/specs"
mkdir -p "$tmp/empty"

python3 "$here/gen_specs.py" --count "$count" --seed "$seed" --out "$specs"

# Every spec must be valid for all three tools, or the timings compare different work.
"$compiler" validate --warnings-as-errors "$specs" || { echo "error: the synthetic specs must validate cleanly" >&2; exit 1; }
jq empty "$specs"/*.json || { echo "error: jq rejects the synthetic specs" >&2; exit 1; }

echo "# python jsonschema: $rounds rounds in one process"
/usr/bin/time -f '%M %e %U %S' -o "$tmp/py.time" \
    "$python" "$here/jsonschema_time.py" "$root/Schemas/connector.schema.json" "$specs" "$rounds" > "$tmp/py.json"

echo "# hyperfine: $runs runs each"
hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$tmp/hf.json" \
    -n validate "$compiler validate --quiet $specs" \
    -n validate-0 "$compiler validate --quiet $tmp/empty" \
    -n jq "jq empty $specs/*.json" >/dev/null

rss() { /usr/bin/time -f '%M' -o "$tmp/rss" bash -c "$1" >/dev/null 2>&1 || true; cat "$tmp/rss"; }
rss_validate=$(rss "exec $compiler validate --quiet $specs")
rss_validate0=$(rss "exec $compiler validate --quiet $tmp/empty")
rss_jq=$(rss "exec jq empty $specs/*.json")

bytes=$(cat "$specs"/*.json | wc -c)
python3 "$here/report.py" --hyperfine "$tmp/hf.json" --python "$tmp/py.json" --python-time "$tmp/py.time" \
    --rss "validate=$rss_validate" --rss "validate-0=$rss_validate0" --rss "jq=$rss_jq" \
    --count "$count" --bytes "$bytes" --runs "$runs"
