#!/usr/bin/env bash
# Parquet vs CSV input for `versus rank`, measured in the same run on the same battles
# (issue 13). The 1M-battle CSV is `versus bench`'s seeded synthetic file; pyarrow writes the
# same table as Parquet twice: one row group (pyarrow's default for 1M rows) and 8 row groups
# (decoded in parallel). Prints, per input and task (point fit, fit + sandwich), the median of
# RUNS reads + fits in one release process (the `input_formats` example of versus-leaderboard:
# the library calls of `versus rank`), then, when target/release/versus exists, the median of
# RUNS interleaved fresh `versus rank` processes; checks the inputs give the same leaderboard.
#
#   scripts/bench-parquet.sh [BATTLES] [MODELS] [RUNS]   (needs a venv with pyarrow: PYTHON=…)
set -euo pipefail
cd "$(dirname "$0")/.."
battles=${1:-1000000}
models=${2:-200}
runs=${3:-5}
python=${PYTHON:-$HOME/.cache/versus-py/bin/python}
dir=${BENCH_DIR:-/tmp/versus-bench-parquet}
mkdir -p "$dir"
# Any build of the CLI can write the seeded file; the timings below are release builds.
versus=${VERSUS_BIN:-target/release/versus}
[ -x "$versus" ] || versus=target/debug/versus
[ -x "$versus" ] || { cargo build -q -p versus-cli; versus=target/debug/versus; }
csv="$dir/synthetic-$battles-m$models-s1.csv"
if [ ! -f "$csv" ]; then
    # `versus bench` writes the file, then times a 2-round bootstrap on it (discarded here).
    "$versus" bench --battles "$battles" --models "$models" --rounds 2 --repeat 1 \
        --no-reference --dir "$dir" >/dev/null
fi
one="$dir/battles-1rg.parquet"
eight="$dir/battles-8rg.parquet"
"$python" - "$csv" "$one" "$eight" "$battles" <<'PY'
import os, sys
import pyarrow.csv as pc, pyarrow.parquet as pq
csv, one, eight, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if not (os.path.exists(one) and os.path.exists(eight)):
    t = pc.read_csv(csv)
    pq.write_table(t, one)
    pq.write_table(t, eight, row_group_size=(n + 7) // 8)
PY
ls -l "$csv" "$one" "$eight" | awk '{print $5, $9}'

# Read + fit in one process (release), median of $runs; the same library calls as `versus rank`.
cargo run --release -q -p versus-leaderboard --example input_formats -- "$runs" "$csv" "$one" "$eight"
[ "$versus" = target/release/versus ] || { echo "(no target/release/versus: fresh-process timings skipped)"; exit 0; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_one() { # FILE ARGS… → seconds of one fresh process
    local f=$1; shift
    local t0 t1
    t0=$(date +%s.%N)
    "$versus" rank "$f" "$@" --output json >/dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}
for task in "point:--ci none" "sandwich:--ci sandwich"; do
    name=${task%%:*}
    read -r -a args <<<"${task#*:}"
    : >"$dir/t-csv" ; : >"$dir/t-one"; : >"$dir/t-eight"
    for _ in $(seq "$runs"); do
        time_one "$csv" "${args[@]}" >>"$dir/t-csv"
        time_one "$one" "${args[@]}" >>"$dir/t-one"
        time_one "$eight" "${args[@]}" >>"$dir/t-eight"
    done
    c=$(median <"$dir/t-csv"); o=$(median <"$dir/t-one"); e=$(median <"$dir/t-eight")
    printf '%-9s csv %.3f s | parquet 1 row group %.3f s (%.2f× csv) | parquet 8 row groups %.3f s (%.2f× csv)\n' \
        "$name" "$c" "$o" "$(echo "$o / $c" | bc -l)" "$e" "$(echo "$e / $c" | bc -l)"
done
# The same leaderboard from each input (meta.files differs by name only).
for f in "$csv" "$one" "$eight"; do
    "$versus" rank "$f" --ci sandwich --output json | "$python" -c 'import json,sys; d=json.load(sys.stdin); d["meta"].pop("files"); print(json.dumps(d, sort_keys=True))' >"$dir/$(basename "$f").json"
done
cmp "$dir/$(basename "$csv").json" "$dir/$(basename "$one").json"
cmp "$dir/$(basename "$csv").json" "$dir/$(basename "$eight").json"
echo "identical leaderboards from CSV and both Parquet files (runs: $runs, threads: $(nproc))"
