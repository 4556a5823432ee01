"""versus: Bradley–Terry leaderboards (LMArena-style) from DataFrames and Arrow tables.

The numbers come from versus' Rust crates, the very calls behind ``versus rank``: the same
data gives the same ratings, bit for bit, as ``versus rank --output json``. No Python package
is needed at import; pandas, pyarrow and polars are used when present.
"""

import json
import math
import threading
import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _versus
from . import race

__version__ = _versus.__version__
__all__ = ["rank", "win_matrix", "race", "LEADERBOARD_COLUMNS"]

#: The columns of :func:`rank`'s result, as ``versus rank --output json`` names them.
LEADERBOARD_COLUMNS = (
    "model",
    "rating",
    "lower",
    "upper",
    "variance",
    "rank",
    "battles",
    "wins",
    "losses",
    "ties",
)


def _source_label(data: Any) -> str:
    t = type(data)
    return "<%s.%s>" % (t.__module__.split(".")[0], t.__name__)


def _is_pandas(data: Any) -> bool:
    return type(data).__module__.split(".")[0] == "pandas" and hasattr(data, "columns")


def _anchor_text(anchor: Union[None, str, Tuple[str, float], Mapping[str, float]]) -> Optional[str]:
    if anchor is None or isinstance(anchor, str):
        return anchor
    if isinstance(anchor, Mapping):
        if len(anchor) != 1:
            raise ValueError("anchor: give one model, e.g. {'gpt-4-0613': 1163}")
        anchor = next(iter(anchor.items()))
    model, rating = anchor
    return "%s=%r" % (model, float(rating))


def _to_frame(report: Dict[str, Any]):
    columns = {c: [m[c] for m in report["models"]] for c in LEADERBOARD_COLUMNS}
    try:
        import pandas as pd
    except ImportError:
        return columns
    df = pd.DataFrame(columns, columns=list(LEADERBOARD_COLUMNS))
    df.attrs["meta"] = report["meta"]
    if report.get("style_coefficients") is not None:
        df.attrs["style_coefficients"] = report["style_coefficients"]
    return df


def rank(
    data: Any,
    *,
    ci: Optional[str] = "sandwich",
    rounds: int = 100,
    seed: int = 42,
    level: float = 0.95,
    anchor: Union[None, str, Tuple[str, float], Mapping[str, float]] = None,
    mean: float = 1000.0,
    method: str = "bt",
    ties: str = "half",
    reweight: bool = False,
    min_pair_count: float = 50.0,
    style: bool = False,
    style_features: Sequence[str] = ("tokens", "header", "bold", "list"),
    style_reg: float = 1.0,
    elo_k: float = 4.0,
    include_named: bool = False,
    where: Optional[Mapping[str, Any]] = None,
    language: Optional[str] = None,
    category: Optional[str] = None,
    exclude: Sequence[str] = (),
    min_battles: float = 0.0,
    model_a: str = "model_a",
    model_b: str = "model_b",
    winner: str = "winner",
    weight: Optional[str] = None,
    report: bool = False,
):
    """A leaderboard from battles, as ``versus rank`` computes it.

    ``data``: a pyarrow Table / RecordBatchReader, a pandas or polars DataFrame, anything with
    ``__arrow_c_stream__``, or a mapping of column name → sequence. Columns are named as in
    LMArena's data (``model_a``, ``model_b``, ``winner``, optional ``weight``, ``anony``,
    ``tstamp``, ``language``, style counts…); ``model_a=``, ``model_b=``, ``winner=`` and
    ``weight=`` name other columns instead.

    ``ci``: ``"sandwich"`` (default), ``"bootstrap"`` (``rounds``, ``seed``) or ``None``.
    ``anchor``: ``"model=rating"``, ``(model, rating)`` or ``{model: rating}``; without it the
    mean rating is ``mean``. The other options are those of ``versus rank``.

    Returns a pandas DataFrame (``LEADERBOARD_COLUMNS``, best first; ``.attrs["meta"]`` holds
    the report's meta) or, without pandas, a dict of columns. ``report=True`` returns the whole
    report as a dict, as ``versus rank --output json`` prints it. Bad input raises ValueError
    with the CLI's message.
    """
    options = {
        "ci": ci,
        "rounds": rounds,
        "seed": seed,
        "level": level,
        "anchor": _anchor_text(anchor),
        "mean": mean,
        "method": method,
        "ties": ties,
        "reweight": reweight,
        "min_pair_count": min_pair_count,
        "style": style,
        "style_features": list(style_features),
        "style_reg": style_reg,
        "elo_k": elo_k,
    }
    read = _read_options(include_named, where, language, category, exclude, min_battles)
    columns = {"model_a": model_a, "model_b": model_b, "winner": winner, "weight": weight}
    text, notes = _run("rank", data, columns, read, options)
    for note in notes:
        warnings.warn(note, stacklevel=2)
    out = json.loads(text)
    return out if report else _to_frame(out)


def _read_options(include_named, where, language, category, exclude, min_battles):
    """Which rows and models to keep: ``versus rank``'s ``--include-named``, ``--where``,
    ``--language``, ``--category``, ``--exclude`` and ``--min-battles``."""
    if isinstance(exclude, str):
        exclude = [exclude]
    return {
        "include_named": include_named,
        "where": None if where is None else [(str(k), str(v)) for k, v in where.items()],
        "language": language,
        "category": category,
        "exclude": [str(m) for m in exclude],
        "min_battles": float(min_battles),
    }


def _interruptible(call, *args):
    """Run a native call (which releases the GIL) on a worker thread so that Ctrl-C reaches the
    caller at once: the main thread waits in short, interruptible joins. After an interrupt the
    worker finishes in the background and its result is dropped."""
    result: Dict[str, Any] = {}

    def work():
        try:
            result["value"] = call(*args)
        except BaseException as e:  # re-raised in the caller's thread
            result["error"] = e

    worker = threading.Thread(target=work, name="versus", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
    if "error" in result:
        raise result["error"]
    return result["value"]


def _run(task, data, columns, read, options):
    """Hand `data` to the native module by the fastest route it offers."""
    source = _source_label(data)
    if _is_pandas(data):
        # pandas hands its columns over as Arrow only through pyarrow (its __arrow_c_stream__
        # imports it); say so plainly rather than fail inside pandas.
        try:
            import pyarrow  # noqa: F401
        except ImportError as e:
            raise ImportError(
                "versus reads a pandas DataFrame through Arrow, which pandas provides only "
                "with pyarrow installed: pip install pyarrow (or pass a polars DataFrame, a "
                "pyarrow Table or a dict of columns)"
            ) from e
    if hasattr(data, "__arrow_c_stream__"):
        return _interruptible(_versus.run_arrow, task, data, source, columns, read, options)
    if _is_pandas(data):
        # pandas < 2.2 has no __arrow_c_stream__; pyarrow converts it without a row loop.
        import pyarrow as pa

        table = pa.Table.from_pandas(data, preserve_index=False)
        return _interruptible(_versus.run_arrow, task, table, source, columns, read, options)
    if isinstance(data, Mapping):
        return _run_mapping(task, data, source, columns, read, options)
    raise TypeError(
        "versus: expected a DataFrame, a pyarrow Table, an object with __arrow_c_stream__ "
        "or a mapping of columns, got %s" % type(data).__name__
    )


def win_matrix(
    data: Any,
    *,
    top: Optional[int] = None,
    include_named: bool = False,
    where: Optional[Mapping[str, Any]] = None,
    language: Optional[str] = None,
    category: Optional[str] = None,
    exclude: Sequence[str] = (),
    min_battles: float = 0.0,
    model_a: str = "model_a",
    model_b: str = "model_b",
    winner: str = "winner",
    weight: Optional[str] = None,
    tables: bool = False,
):
    """Who beat whom, as ``versus matrix`` computes it: rows and columns in rating order.

    Returns the fraction of decisive battles the row model won against the column model as a
    pandas DataFrame (models as index and columns; NaN where they never met), or, with
    ``tables=True`` or without pandas, the dict ``versus matrix`` prints: ``models``,
    ``ratings``, ``win_fraction``, ``battles`` and ``predicted`` (Bradley–Terry) tables.
    """
    read = _read_options(include_named, where, language, category, exclude, min_battles)
    columns = {"model_a": model_a, "model_b": model_b, "winner": winner, "weight": weight}
    text, notes = _run("matrix", data, columns, read, {"top": top})
    for note in notes:
        warnings.warn(note, stacklevel=2)
    out = json.loads(text)
    if tables:
        return out
    try:
        import pandas as pd
    except ImportError:
        return out
    frac = [[math.nan if v is None else v for v in row] for row in out["win_fraction"]]
    return pd.DataFrame(frac, index=out["models"], columns=out["models"])


def _run_mapping(task, data, source, columns, read, options):
    """Plain columns: strings for models and winner, numbers for the weight."""

    def column(name: str, role: str) -> List[Any]:
        if name not in data:
            raise ValueError(
                "%s: field \"%s\": missing required column (columns: %s)"
                % (source, role, ", ".join(map(str, data)))
            )
        values = list(data[name])
        for i, v in enumerate(values):
            if v is not None and not isinstance(v, str):
                raise ValueError(
                    "%s: row %d: field \"%s\": expected a string, got %s"
                    % (source, i, role, type(v).__name__)
                )
        return values

    weight = None
    if columns["weight"] is not None or "weight" in data:
        wname = columns["weight"] or "weight"
        if wname not in data:
            raise ValueError("%s: field \"weight\": no column %r" % (source, wname))
        weight = [None if v is None else float(v) for v in data[wname]]
    return _interruptible(
        _versus.run_columns,
        task,
        column(columns["model_a"], "model_a"),
        column(columns["model_b"], "model_b"),
        column(columns["winner"], "winner"),
        weight,
        source,
        read,
        options,
    )
