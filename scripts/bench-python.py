"""versus' Python package against arena-rank and evalica on one pandas DataFrame (issue 13).

Usage: python scripts/bench-python.py FILE.csv [RUNS] [REFERENCE_ROUNDS]

FILE is a battle CSV such as `versus bench` writes (1M battles: `versus bench --battles 1000000
--models 200 --no-reference`). Every measurement runs in a fresh child process that first loads
FILE into a pandas DataFrame (not timed), then resets the kernel's peak-RSS mark
(/proc/self/clear_refs) and times one call on the DataFrame. Reported: the median wall time of
RUNS children, and the peak resident memory of the call above the loaded DataFrame (VmHWM after
minus VmRSS before). The tools:

* versus: `versus.rank(df, ci=None | "sandwich" | "bootstrap", rounds=100, seed=1)`;
* arena-rank 0.1.1: `PairDataset.from_pandas(df)` + `BradleyTerry.fit` / `compute_ratings_and_cis`
  (sandwich; bootstrap with REFERENCE_ROUNDS rounds, scaled linearly to 100 and marked "est.");
* evalica: `bradley_terry(df.model_a, df.model_b, winners)` (a point fit: evalica has no
  confidence intervals of its own), the winner column mapped to its `Winner` values first
  (inside the timing). When its Rust solver refuses the installed numpy (evalica 0.4.2 with
  numpy 2.3), its NumPy solver (`solver="naive"`) is used and the script says so.

The point ratings of the three are compared at the end (max |Δ| on the Elo scale after
centring), so the timings are of the same answer.
"""
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import json, os, sys, time
path, tool, task, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
import pandas as pd
df = pd.read_csv(path, engine="pyarrow")

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])

if tool == "arena-rank":
    import multiprocessing as mp
    mp.set_start_method("spawn", force=True)
    from arena_rank.models.bradley_terry import BradleyTerry
    from arena_rank.utils.data_utils import PairDataset
elif tool == "evalica":
    import evalica
else:
    import versus
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
base = status("VmRSS")
t = time.perf_counter()
ratings = None
if tool == "versus":
    ci = None if task == "point" else task
    board = versus.rank(df, ci=ci, rounds=rounds, seed=1)
    ratings = dict(zip(board["model"], board["rating"]))
elif tool == "arena-rank":
    ds = PairDataset.from_pandas(df)
    m = BradleyTerry(n_competitors=len(ds.competitors))
    if task == "point":
        m.fit(ds)
        r = m.params["ratings"] * m.alpha + m.init_rating
        ratings = dict(zip([str(c) for c in ds.competitors], [float(x) for x in r]))
    else:
        m.compute_ratings_and_cis(ds, ci_method=task, num_bootstrap=rounds, n_jobs=-1)
else:
    w = df["winner"].map({"model_a": evalica.Winner.X, "model_b": evalica.Winner.Y}).fillna(evalica.Winner.Draw)
    try:
        res = evalica.bradley_terry(df["model_a"], df["model_b"], w.tolist())
    except TypeError:
        # evalica 0.4.2's Rust solver refuses numpy 2.3's arrays ("'ndarray' object is not an
        # instance of 'ndarray'"); its NumPy solver is the fallback it documents.
        res = evalica.bradley_terry(df["model_a"], df["model_b"], w.tolist(), solver="naive")
        print("evalica: solver=naive", file=sys.stderr)
    # evalica's scores are strengths p_i; on the Elo scale: 400 log10 p_i.
    import math
    ratings = {str(k): 400 * math.log10(v) for k, v in res.scores.items()}
seconds = time.perf_counter() - t
peak = status("VmHWM")
print(json.dumps({"seconds": seconds, "peak_mib": (peak - base) / 1024, "ratings": ratings}))
"""


def run(path, tool, task, rounds):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, path, tool, task, str(rounds)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"bench-python: {tool} {task} failed:\n{out.stderr}")
    if "solver=naive" in out.stderr:
        print(f"bench-python: {tool} used its NumPy solver (solver='naive')", file=sys.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def centred(ratings):
    mean = statistics.fmean(ratings.values())
    return {k: v - mean for k, v in ratings.items()}


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    reference_rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    plan = [
        ("versus", "point", 100, runs),
        ("versus", "sandwich", 100, runs),
        ("versus", "bootstrap", 100, runs),
        ("arena-rank", "point", 0, 1),
        ("arena-rank", "sandwich", 0, 1),
        ("arena-rank", "bootstrap", reference_rounds, 1),
        ("evalica", "point", 0, runs),
    ]
    rows, points = [], {}
    for tool, task, rounds, n in plan:
        print(f"bench-python: {tool} {task} …", file=sys.stderr)
        results = [run(path, tool, task, rounds) for _ in range(n)]
        seconds = statistics.median(r["seconds"] for r in results)
        peak = max(r["peak_mib"] for r in results)
        note = ""
        if tool == "arena-rank" and task == "bootstrap" and rounds != 100:
            # The fit once, then the replicates scaled to 100 rounds.
            point = next(s for t, k, s, _, _ in rows if t == tool and k == "point")
            seconds = point + (seconds - point) * 100 / rounds
            note = f" (est. from {rounds} rounds)"
        if results[0].get("ratings"):
            points[tool] = centred(results[0]["ratings"])
        rows.append((tool, task, seconds, peak, note))
    ours = {k: s for t, k, s, _, _ in rows if t == "versus"}
    print(f"| tool | task | wall (s) | peak memory above the DataFrame (MiB) | versus is faster by |")
    print("|---|---|---:|---:|---:|")
    for tool, task, seconds, peak, note in rows:
        ratio = "—" if tool == "versus" else f"{seconds / ours[task]:.0f}×"
        print(f"| {tool} | {task} | {seconds:.3f}{note} | {peak:.0f} | {ratio} |")
    base = points["versus"]
    for tool in ("arena-rank", "evalica"):
        other = points.get(tool)
        if other:
            diff = max(abs(base[k] - other[k]) for k in base)
            print(f"point ratings, versus vs {tool}: max |Δ| = {diff:.4f} Elo over {len(base)} models")
    print(f"{runs} runs per versus/evalica cell (median), 1 for arena-rank; {os.cpu_count()} CPUs; file {path}")


if __name__ == "__main__":
    main()
