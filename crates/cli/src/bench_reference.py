"""Times arena-rank (LMArena's reference implementation) on a battle CSV written by `versus bench`.

Usage: python bench_reference.py FILE ROUNDS TASKS
TASKS is a comma-separated subset of point,sandwich,bootstrap,style. Prints one JSON object:
seconds per task (each including pandas.read_csv of FILE, as versus's timings include parsing)
and the ratings of the point fit, for a cross-check.
"""
import json
import multiprocessing as mp
import sys
import time


def main():
    path, rounds, tasks = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    # arena-rank's bootstrap deadlocks with the default fork start method after JAX has started
    # its threads (METHODS §1.4); spawn is the documented workaround.
    mp.set_start_method("spawn", force=True)
    import numpy as np
    import pandas as pd
    from arena_rank.models.bradley_terry import BradleyTerry
    from arena_rank.models.contextual_bradley_terry import ContextualBradleyTerry
    from arena_rank.utils.data_utils import ContextualPairDataset, PairDataset

    out = {"seconds": {}, "rounds": rounds}

    def read():
        return pd.read_csv(path)

    t = time.perf_counter()
    df = read()
    out["seconds"]["read_csv"] = time.perf_counter() - t

    def bt(ci):
        t = time.perf_counter()
        d = read()
        ds = PairDataset.from_pandas(d)
        m = BradleyTerry(n_competitors=len(ds.competitors))
        if ci is None:
            m.fit(ds)
            res = {"ratings": m.params["ratings"] * m.alpha + m.init_rating}
        else:
            res = m.compute_ratings_and_cis(ds, ci_method=ci, num_bootstrap=rounds, n_jobs=-1)
        return time.perf_counter() - t, ds, res

    if "point" in tasks:
        s, ds, res = bt(None)
        out["seconds"]["point"] = s
        out["ratings"] = dict(zip([str(c) for c in ds.competitors], [float(x) for x in np.asarray(res["ratings"])]))
    if "sandwich" in tasks:
        out["seconds"]["sandwich"] = bt("sandwich")[0]
    if "bootstrap" in tasks:
        out["seconds"]["bootstrap"] = bt("bootstrap")[0]
    if "style" in tasks:
        t = time.perf_counter()
        d = read()
        cols = []
        for f in ["sum_assistant_tokens", "header_count", "bold_count", "list_count"]:
            a, b = d[f + "_a"].astype(float), d[f + "_b"].astype(float)
            s = (a + b).replace(0, 1)
            raw = (a - b) / s
            d[f] = (raw - raw.mean()) / raw.std()
            cols.append(f)
        ds = ContextualPairDataset.from_pandas(d, feature_cols=cols)
        m = ContextualBradleyTerry(n_competitors=len(ds.competitors), n_features=len(cols))
        m.compute_ratings_and_cis(ds, ci_method="sandwich")
        out["seconds"]["style"] = time.perf_counter() - t
    print(json.dumps(out))


if __name__ == "__main__":
    main()
