"""arena-rank's call shape, computed by versus.

For code written against arena-rank 0.1.1::

    from versus.arena_rank import PairDataset, BradleyTerry   # was: from arena_rank...

    dataset = PairDataset.from_pandas(df)                      # model_a, model_b, winner
    model = BradleyTerry(n_competitors=len(dataset.competitors))
    out = model.compute_ratings_and_cis(dataset, significance_level=0.05)
    out["competitors"], out["ratings"], out["rating_lower"], out["rating_upper"], out["variances"]

The results are versus' (:func:`versus.rank` with every row of the frame, as arena-rank uses
them): the exact maximum-likelihood ratings where arena-rank's optimiser may stop up to a
fraction of an Elo point early; competitors in sorted order, as arena-rank lists them. Two
differences on purpose: a winner label that is none of versus' (``model_a``, ``model_b``,
``tie``, ``tie (bothbad)``, ``both_bad``) is an error, where arena-rank's default map scores
it as a tie; and the Elo scale is fixed (``scale=400``, ``base=10``).
"""

from typing import Any, Dict, List, Optional, Sequence

from . import rank

__all__ = ["PairDataset", "BradleyTerry"]


class PairDataset:
    """The battles of a DataFrame (or Arrow table), with arena-rank's column options."""

    def __init__(
        self,
        data: Any,
        competitor_cols: Sequence[str] = ("model_a", "model_b"),
        outcome_col: str = "winner",
        reweighted: bool = False,
        min_pair_count: int = 50,
    ):
        if len(competitor_cols) != 2:
            raise ValueError("competitor_cols: give two columns, e.g. ['model_a', 'model_b']")
        self.data = data
        self.competitor_cols = list(competitor_cols)
        self.outcome_col = outcome_col
        self.reweighted = reweighted
        self.min_pair_count = min_pair_count
        self.competitors: List[str] = sorted(
            set(_values(data, competitor_cols[0])) | set(_values(data, competitor_cols[1]))
        )
        self.n_competitors = len(self.competitors)
        self.competitor_to_index = {c: i for i, c in enumerate(self.competitors)}

    @staticmethod
    def from_pandas(
        df: Any,
        competitor_cols: Sequence[str] = ("model_a", "model_b"),
        outcome_col: str = "winner",
        reweighted: bool = False,
        min_pair_count: int = 50,
    ) -> "PairDataset":
        return PairDataset(df, competitor_cols, outcome_col, reweighted, min_pair_count)


def _values(data: Any, column: str) -> List[Any]:
    col = data[column]
    if hasattr(col, "to_pylist"):
        return [v for v in col.to_pylist() if v is not None]
    return [v for v in list(col) if isinstance(v, str)]


class BradleyTerry:
    """arena-rank's ``BradleyTerry``: ratings on the Elo scale around ``init_rating``."""

    def __init__(
        self,
        n_competitors: int,
        scale: float = 400.0,
        base: float = 10.0,
        init_rating: float = 1000.0,
        **_optimiser_options: Any,
    ):
        if scale != 400.0 or base != 10.0:
            raise ValueError("versus rates on the Elo scale only (scale=400, base=10)")
        self.n_competitors = n_competitors
        self.init_rating = init_rating
        self.fitted = False
        self.ratings: Optional[List[float]] = None

    def _rank(self, dataset: PairDataset, **options: Any) -> Dict[str, Any]:
        if dataset.n_competitors != self.n_competitors:
            raise ValueError(
                "the dataset has %d competitors, the model was made for %d"
                % (dataset.n_competitors, self.n_competitors)
            )
        return rank(
            dataset.data,
            model_a=dataset.competitor_cols[0],
            model_b=dataset.competitor_cols[1],
            winner=dataset.outcome_col,
            reweight=dataset.reweighted,
            min_pair_count=float(dataset.min_pair_count),
            mean=self.init_rating,
            include_named=True,
            report=True,
            **options,
        )

    def fit(self, dataset: PairDataset) -> "BradleyTerry":
        report = self._rank(dataset, ci=None)
        by_name = {m["model"]: m["rating"] for m in report["models"]}
        self.ratings = [by_name[c] for c in dataset.competitors]
        self.fitted = True
        return self

    def compute_ratings_and_cis(
        self,
        dataset: PairDataset,
        significance_level: float = 0.05,
        ci_method: str = "sandwich",
        num_bootstrap: int = 100,
        seed: int = 42,
        n_jobs: int = -1,
    ) -> Dict[str, Any]:
        if ci_method not in ("sandwich", "bootstrap"):
            raise ValueError("Unknown ci_method: %s" % ci_method)
        report = self._rank(
            dataset,
            ci=ci_method,
            level=1.0 - significance_level,
            rounds=num_bootstrap,
            seed=seed,
        )
        by_name = {m["model"]: m for m in report["models"]}
        lines = [by_name[c] for c in dataset.competitors]
        self.ratings = [m["rating"] for m in lines]
        self.fitted = True
        return {
            "competitors": list(dataset.competitors),
            "ratings": _array([m["rating"] for m in lines]),
            "rating_lower": _array([m["lower"] for m in lines]),
            "rating_upper": _array([m["upper"] for m in lines]),
            "variances": _array([m["variance"] for m in lines]),
        }


def _array(values: List[float]) -> Any:
    try:
        import numpy as np
    except ImportError:
        return values
    return np.asarray(values, dtype=np.float64)
