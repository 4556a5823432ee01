"""The race between groups of models, as ``versus race gap|value`` computes it, on the
leaderboard history and model registry bundled with versus (LMArena's published leaderboards;
organisation, country, licence and price of each model).

``gap`` follows the best model of side A against the best of side B over time; ``value`` puts
one snapshot's models on the price–rating plane. Options are those of the CLI; bad ones raise
``ValueError`` naming the keyword.
"""

import json
from typing import Any, Dict, Optional

from . import _versus

__all__ = ["gap", "value"]


def _frame(rows):
    try:
        import pandas as pd
    except ImportError:
        return rows
    return pd.DataFrame(rows)


def gap(
    *,
    by: str = "country",
    a: Optional[str] = None,
    b: Optional[str] = None,
    from_: Optional[str] = None,
    to: Optional[str] = None,
    snapshot: Optional[str] = None,
    every: str = "snapshot",
    category: str = "full",
    style_control: bool = False,
    report: bool = False,
):
    """The gap between the leaders of two sides at each snapshot (``versus race gap``).

    ``by``: ``"country"`` (default sides United States vs China), ``"licence"`` (proprietary vs
    open) or ``"organisation"``; ``a``/``b`` name the sides. ``from_``/``to``: ``YYYY``,
    ``YYYY-MM`` or ``YYYY-MM-DD``; ``snapshot``: one date; ``every``: ``"snapshot"`` or
    ``"month"``.

    Returns a DataFrame with one row per point (``date``, ``snapshot``, ``source``, ``gap``,
    ``win_probability``, ``gap_percent``, ``separable`` and each side's ``a_model``,
    ``a_rating``, ``a_lower``, ``a_upper``, ``a_organization``, …; ``.attrs["meta"]`` holds the
    sides and provenance), or with ``report=True`` the dict ``versus race gap --output json``
    prints.
    """
    options: Dict[str, Any] = {
        "by": by, "a": a, "b": b, "from": from_, "to": to, "snapshot": snapshot,
        "every": every, "category": category, "style_control": style_control,
    }
    out = json.loads(_versus.race("gap", options))
    if report:
        return out
    rows = []
    for p in out["points"]:
        row = {k: v for k, v in p.items() if k not in ("a", "b")}
        for side in ("a", "b"):
            for k, v in p[side].items():
                row["%s_%s" % (side, k)] = v
        rows.append(row)
    frame = _frame(rows)
    if frame is not rows:
        frame.attrs["meta"] = {k: v for k, v in out.items() if k != "points"}
    return frame


def value(
    *,
    by: str = "country",
    a: Optional[str] = None,
    b: Optional[str] = None,
    snapshot: Optional[str] = None,
    max_price: Optional[float] = None,
    max_price_fraction: Optional[float] = None,
    category: str = "full",
    style_control: bool = False,
):
    """Price against rating at one snapshot (``versus race value``): the dict
    ``versus race value --output json`` prints, with ``models`` as a DataFrame when pandas is
    installed; ``frontier`` lists the models on the price–rating frontier. ``comparison`` holds A's best model, B's best model under the
    price bound (``max_price`` in USD per million tokens, or ``max_price_fraction`` of A's
    price, e.g. 0.1), the gap and the price ratio.
    """
    options: Dict[str, Any] = {
        "by": by, "a": a, "b": b, "snapshot": snapshot, "max_price": max_price,
        "max_price_fraction": max_price_fraction, "category": category,
        "style_control": style_control,
    }
    out = json.loads(_versus.race("value", options))
    out["models"] = _frame(out["models"])
    return out
