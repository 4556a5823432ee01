"""The versus Python package against the versus CLI on the repository's fixtures.

Every expectation comes from running ``versus rank --output json`` (the binary named by
$VERSUS_BIN, default target/debug/versus) on the same file: ratings must be equal bit for bit.
"""

import csv
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

import versus

REPO = Path(__file__).resolve().parents[3]
VERSUS = Path(os.environ.get("VERSUS_BIN", REPO / "target" / "debug" / "versus"))
SMALL = REPO / "testdata/reference/synthetic-12x5000/battles.csv"
LARGE = REPO / "testdata/reference/synthetic-60x100000/battles.csv"
PARQUET = REPO / "testdata/public/arena-human-preference-sample/sample-100.parquet"


def cli(path, *args):
    assert VERSUS.exists(), "build the CLI first (cargo build -p versus-cli) or set VERSUS_BIN"
    out = subprocess.run(
        [str(VERSUS), "rank", str(path), *args, "--output", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def cli_error(path, *args):
    out = subprocess.run(
        [str(VERSUS), "rank", str(path), *args, "--output", "json"], capture_output=True, text=True
    )
    assert out.returncode != 0
    return out.stderr


def same_report(got, want):
    """Equal models (every number exactly) and meta, but for the input's name."""
    assert got["models"] == want["models"]
    assert got["style_coefficients"] == want["style_coefficients"]
    g, w = dict(got["meta"]), dict(want["meta"])
    g.pop("files"), w.pop("files")
    assert g == w


try:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover - the CI venv has pyarrow
    pa = None

needs_pyarrow = pytest.mark.skipif(pa is None, reason="pyarrow is not installed")


CASES = [
    ([], {}),
    (["--ci", "none"], {"ci": None}),
    (["--ci", "bootstrap", "--rounds", "20", "--seed", "7"], {"ci": "bootstrap", "rounds": 20, "seed": 7}),
    (["--anchor", "model-003=1114"], {"anchor": ("model-003", 1114)}),
    (["--style"], {"style": True}),
    (["--method", "elo", "--ci", "none"], {"method": "elo", "ci": None}),
]


@needs_pyarrow
@pytest.mark.parametrize(
    "path,args,kwargs",
    # The bootstrap on 100k battles is left to the small fixture (same code, 20× the time).
    [(SMALL, a, k) for a, k in CASES] + [(LARGE, a, k) for a, k in CASES if k.get("ci") != "bootstrap"],
)
def test_pyarrow_table_equals_the_cli(path, args, kwargs):
    got = versus.rank(pacsv.read_csv(path), report=True, **kwargs)
    same_report(got, cli(path, *args))


@needs_pyarrow
def test_parquet_sample_with_nested_columns_equals_the_cli():
    # LMArena's 2025 layout: anony, conv_metadata structs, category_tag, conversations. Its
    # 100 battles have no finite Bradley–Terry ratings: the same error as the CLI's.
    table = pq.read_table(PARQUET)
    with pytest.raises(ValueError) as e:
        versus.rank(table)
    assert "the maximum-likelihood ratings do not exist" in str(e.value)
    assert str(e.value) in cli_error(PARQUET)
    for args, kwargs in [
        (["--method", "elo", "--ci", "none"], {"method": "elo", "ci": None}),
        (["--method", "elo", "--ci", "none", "--include-named"], {"method": "elo", "ci": None, "include_named": True}),
        (["--ties", "half", "--method", "elo", "--ci", "none", "--where", "language=en"], {"method": "elo", "ci": None, "where": {"language": "en"}}),
    ]:
        same_report(versus.rank(table, report=True, **kwargs), cli(PARQUET, *args))


def test_pandas_dataframe_equals_the_cli():
    pd = pytest.importorskip("pandas")
    df = versus.rank(pd.read_csv(SMALL))
    want = cli(SMALL)
    assert list(df.columns) == list(versus.LEADERBOARD_COLUMNS)
    assert df["model"].tolist() == [m["model"] for m in want["models"]]
    assert df["rating"].tolist() == [m["rating"] for m in want["models"]]
    assert df["lower"].tolist() == [m["lower"] for m in want["models"]]
    assert df["rank"].tolist() == [m["rank"] for m in want["models"]]
    assert df.attrs["meta"]["battles"] == want["meta"]["battles"]


def test_polars_dataframe_equals_the_cli():
    pl = pytest.importorskip("polars")
    same_report(versus.rank(pl.read_csv(SMALL), report=True), cli(SMALL))


def test_plain_columns_and_renamed_columns_equal_the_cli():
    with open(SMALL, newline="") as f:
        rows = list(csv.DictReader(f))
    data = {
        "left": [r["model_a"] for r in rows],
        "right": [r["model_b"] for r in rows],
        "outcome": [r["winner"] for r in rows],
        "model_a": ["decoy"] * len(rows),
    }
    got = versus.rank(data, model_a="left", model_b="right", winner="outcome", report=True)
    assert got["models"] == cli(SMALL)["models"]
    if pa is not None:
        table = pa.table(data)
        got = versus.rank(table, model_a="left", model_b="right", winner="outcome", report=True)
        assert got["models"] == cli(SMALL)["models"]


def test_without_pandas_the_result_is_a_dict_of_columns(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    out = versus.rank({"model_a": ["a", "b", "a"], "model_b": ["b", "c", "c"], "winner": ["model_a", "model_a", "tie"]})
    assert isinstance(out, dict)
    assert set(out) == set(versus.LEADERBOARD_COLUMNS)
    assert out["model"][0] == "a"


# Bad inputs: a ValueError with the CLI's message (the part after the file's location).


def cli_message(tmp_path, text):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    err = cli_error(p)
    return err[err.index("field ") :].strip()


def test_unknown_winner_is_the_cli_error(tmp_path):
    data = {"model_a": ["a", "b"], "model_b": ["b", "a"], "winner": ["model_a", "draw"]}
    want = cli_message(tmp_path, "model_a,model_b,winner\na,b,model_a\nb,a,draw\n")
    with pytest.raises(ValueError) as e:
        versus.rank(data)
    assert "row 1: " + want in str(e.value)
    if pa is not None:
        with pytest.raises(ValueError) as e:
            versus.rank(pa.table(data))
        assert str(e.value) == "<pyarrow.Table>: row 1: " + want


@needs_pyarrow
def test_missing_column_names_the_column():
    with pytest.raises(ValueError) as e:
        versus.rank(pa.table({"model_a": ["a"], "model_b": ["b"]}))
    assert str(e.value) == (
        '<pyarrow.Table>: field "winner": wrong schema: missing required column '
        "(columns: model_a, model_b)"
    )
    with pytest.raises(ValueError, match='field "winner": missing required column'):
        versus.rank({"model_a": ["a"], "model_b": ["b"]})


def test_nan_weight_and_missing_model_are_refused(tmp_path):
    data = {"model_a": ["a", "b"], "model_b": ["b", "a"], "winner": ["tie", "tie"], "weight": [1.0, math.nan]}
    want = cli_message(tmp_path, "model_a,model_b,winner,weight\na,b,tie,1\nb,a,tie,NaN\n")
    with pytest.raises(ValueError) as e:
        versus.rank(data)
    assert str(e.value).endswith("row 1: " + want)
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"model_a": ["a", None], "model_b": ["b", "a"], "winner": ["tie", "tie"]})
    with pytest.raises(ValueError, match='row 1: field "model_a": missing required field'):
        versus.rank(df)


def test_bad_options_are_value_errors():
    data = {"model_a": ["a"], "model_b": ["b"], "winner": ["model_a"]}
    with pytest.raises(ValueError, match="--level must be between 0 and 1"):
        versus.rank(data, level=2.0)
    with pytest.raises(ValueError, match='--anchor: model "zzz" is not among the rated models'):
        versus.rank(data, anchor="zzz=1000")
    with pytest.raises(ValueError, match="ci"):
        versus.rank(data, ci="jackknife")
    with pytest.raises(TypeError):
        versus.rank(42)


def cli_matrix(path, *args):
    out = subprocess.run(
        [str(VERSUS), "matrix", str(path), *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


@needs_pyarrow
def test_win_matrix_equals_versus_matrix():
    table = pacsv.read_csv(SMALL)
    assert versus.win_matrix(table, tables=True) == cli_matrix(SMALL)
    assert versus.win_matrix(table, top=5, tables=True) == cli_matrix(SMALL, "--top", "5")
    pd = pytest.importorskip("pandas")
    frame = versus.win_matrix(pd.read_csv(SMALL))
    want = cli_matrix(SMALL)
    assert list(frame.index) == want["models"]
    i, j = 0, 3
    assert frame.iloc[i, j] == want["win_fraction"][i][j]
    assert math.isnan(frame.iloc[1, 1])


def test_arena_rank_adapter_gives_the_cli_ratings_in_sorted_order():
    pd = pytest.importorskip("pandas")
    from versus.arena_rank import BradleyTerry, PairDataset

    ds = PairDataset.from_pandas(pd.read_csv(SMALL))
    model = BradleyTerry(n_competitors=len(ds.competitors))
    out = model.compute_ratings_and_cis(ds, significance_level=0.05)
    want = {m["model"]: m for m in cli(SMALL)["models"]}
    assert out["competitors"] == sorted(want)
    assert [float(r) for r in out["ratings"]] == [want[c]["rating"] for c in out["competitors"]]
    assert [float(r) for r in out["rating_lower"]] == [want[c]["lower"] for c in out["competitors"]]
    boot = model.compute_ratings_and_cis(ds, ci_method="bootstrap", num_bootstrap=10, seed=3)
    want = {m["model"]: m for m in cli(SMALL, "--ci", "bootstrap", "--rounds", "10", "--seed", "3")["models"]}
    assert [float(r) for r in boot["rating_upper"]] == [want[c]["upper"] for c in boot["competitors"]]
