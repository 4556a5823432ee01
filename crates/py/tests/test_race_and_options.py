"""exclude/min_battles, the race figures and Ctrl-C, each against the versus CLI."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import versus

REPO = Path(__file__).resolve().parents[3]
VERSUS = Path(os.environ.get("VERSUS_BIN", REPO / "target" / "debug" / "versus"))
SMALL = REPO / "testdata/reference/synthetic-12x5000/battles.csv"


def run_cli(*args):
    assert VERSUS.exists(), "build the CLI first (cargo build -p versus-cli) or set VERSUS_BIN"
    out = subprocess.run([str(VERSUS), *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def test_exclude_and_min_battles_equal_the_cli():
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(SMALL)
    # A threshold between the models' battle counts, so that some are dropped.
    counts = pd.concat([df["model_a"], df["model_b"]]).value_counts()
    threshold = float(counts.sort_values().iloc[2]) + 0.5
    want = run_cli(
        "rank", str(SMALL), "--exclude", "model-003", "--min-battles", str(threshold),
        "--output", "json",
    )
    assert want["meta"]["dropped"], "the threshold should drop a model"
    with pytest.warns(UserWarning, match="dropped"):
        got = versus.rank(df, exclude=["model-003"], min_battles=threshold, report=True)
    assert got["models"] == want["models"]
    assert got["meta"]["excluded"] == want["meta"]["excluded"] == ["model-003"]
    assert got["meta"]["dropped"] == want["meta"]["dropped"]
    with pytest.warns(UserWarning, match="no-such-model"):
        versus.rank(df, exclude="no-such-model", ci=None)
    with pytest.raises(ValueError, match="min_battles must be a non-negative number"):
        versus.rank(df, min_battles=-1)


def test_race_gap_equals_versus_race_gap():
    want = run_cli("race", "gap", "--by", "licence", "--every", "month", "--output", "json")
    assert versus.race.gap(by="licence", every="month", report=True) == want
    frame = versus.race.gap(by="licence", every="month")
    assert len(frame) == len(want["points"])
    last = want["points"][-1]
    assert frame["gap"].iloc[-1] == last["gap"]
    assert frame["a_model"].iloc[-1] == last["a"]["model"]
    assert frame.attrs["meta"]["a"] == want["a"]


def test_race_value_equals_versus_race_value():
    want = run_cli("race", "value", "--max-price-fraction", "0.1", "--output", "json")
    got = versus.race.value(max_price_fraction=0.1)
    assert got["comparison"] == want["comparison"]
    assert got["models"]["model"].tolist() == [m["model"] for m in want["models"]]
    assert got["frontier"] == want["frontier"]
    assert got["models"]["rating"].tolist() == [m["rating"] for m in want["models"]]


def test_race_options_are_checked():
    with pytest.raises(ValueError, match='by: "planet" is not one of'):
        versus.race.gap(by="planet")
    with pytest.raises(ValueError, match="^snapshot:"):
        versus.race.value(snapshot="2025-02-30")


def test_ctrl_c_interrupts_a_long_fit():
    # A bootstrap far longer than the interrupt delay; SIGINT after 1 s must surface as
    # KeyboardInterrupt in the caller (the native call runs on a worker thread).
    script = textwrap.dedent(
        """
        import os, signal, threading, time, random
        import versus
        rng = random.Random(1)
        n = 200_000
        a = ["m%d" % rng.randrange(40) for _ in range(n)]
        b = ["m%d" % ((int(x[1:]) + 1 + rng.randrange(39)) % 40) for x in a]
        w = [rng.choice(["model_a", "model_b", "tie"]) for _ in range(n)]
        threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        t = time.perf_counter()
        try:
            versus.rank({"model_a": a, "model_b": b, "winner": w}, ci="bootstrap", rounds=100000)
        except KeyboardInterrupt:
            print("interrupted after %.1f s" % (time.perf_counter() - t))
            os._exit(0)
        print("finished")
        os._exit(1)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("interrupted after"), out.stdout


def test_pandas_without_pyarrow_says_what_to_install(monkeypatch):
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(SMALL)
    # pyarrow unimportable, as in a venv with pandas alone.
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match="pip install pyarrow"):
        versus.rank(df)
