"""benchmarks/ranking_fit.py on synthetic features: no encoder, no catalogue.

The fit recovers the feature that decides the grade, the bootstrap interval sees a clear
difference, cross-validation folds never split a firm, and held-aside firms never reach a fit.
"""

from collections.abc import Sequence

import numpy as np
import pytest

from benchmarks import ranking_fit
from benchmarks.quality import ndcg_at_k
from benchmarks.ranking_fit import FirmRows

NAMES = ("decides", "noise", "constant")


def synthetic_firm(name: str, rng: np.random.Generator, rows: int = 12) -> FirmRows:
    """Feature 0 decides the grade (0-3); feature 1 is noise; feature 2 is constant. Every label is served."""
    decides = rng.uniform(0.0, 1.0, rows)
    grades = np.digitize(decides, [0.4, 0.6, 0.8])
    features = np.column_stack([decides, rng.uniform(0.0, 1.0, rows), np.full(rows, 0.5)])
    codes = tuple(f"{name}-M{i:02d}" for i in range(rows))
    return FirmRows(name, {code: int(g) for code, g in zip(codes, grades, strict=True)}, codes,
                    np.zeros(rows, dtype=np.int64), features)


def synthetic_data(count: int, seed: int = 7) -> dict[str, FirmRows]:
    rng = np.random.default_rng(seed)
    return {f"firm-{i:02d}": synthetic_firm(f"firm-{i:02d}", rng) for i in range(count)}


def stacked(data: dict[str, FirmRows], firms: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    features = np.vstack([data[f].features for f in firms])
    grades = np.concatenate([data[f].served_grades for f in firms])
    return features, grades, [f for f in firms for _ in data[f].codes]


def test_the_fit_orders_by_the_feature_that_decides_the_grade() -> None:
    data = synthetic_data(6)
    train, test = list(data)[:4], list(data)[4:]
    model = ranking_fit.fit_pairwise(*stacked(data, train), C=1.0, names=NAMES)
    assert model.coef[0] > 0
    assert abs(model.standardised[0]) > 5 * abs(model.standardised[1])
    assert model.coef[2] == 0.0  # a constant feature gets nothing
    np.testing.assert_allclose(model.coef, model.standardised / model.scale)
    for firm in train + test:  # the firms it was not fitted on too
        order = ranking_fit.pairwise_order(model, data[firm])
        assert ndcg_at_k(order, data[firm].grades, 5) == pytest.approx(1.0)
        assert ndcg_at_k(order, data[firm].grades, 10) == pytest.approx(1.0)


def test_pairs_stay_within_a_firm_and_each_firm_weighs_one() -> None:
    grades = [2, 1, 0, 3, 3]
    groups = ["a", "a", "a", "b", "c"]
    better, worse, weight = ranking_fit.grade_pairs(grades, groups)
    assert sorted(zip(better.tolist(), worse.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]
    assert weight.sum() == pytest.approx(1.0)
    better, worse, _ = ranking_fit.grade_pairs(grades, groups, tiers=[0, 1, 1, 0, 0])
    assert list(zip(better.tolist(), worse.tolist(), strict=True)) == [(1, 2)]  # within one tier only


def test_order_is_tier_first_then_score_then_code() -> None:
    codes, tiers, scores = ["B", "A", "C", "D"], [1, 0, 0, 0], [9.0, 0.5, 0.5, 0.7]
    assert ranking_fit.order_codes(codes, tiers, scores) == ["D", "A", "C", "B"]
    assert ranking_fit.order_codes(codes, tiers, scores, tier_first=False) == ["B", "D", "A", "C"]


def test_the_bootstrap_interval_of_a_clear_difference_excludes_zero() -> None:
    rng = np.random.default_rng(3)
    base = {f"firm-{i}": float(v) for i, v in enumerate(rng.uniform(0.3, 0.7, 20))}
    better = {firm: value + 0.1 + float(rng.normal(0.0, 0.03)) for firm, value in base.items()}
    mean, low, high = ranking_fit.paired_interval(better, base, resamples=2_000)
    assert 0 < low < mean < high
    same = {firm: value + float(rng.normal(0.0, 0.03)) for firm, value in base.items()}
    _, low, high = ranking_fit.paired_interval(same, base, resamples=2_000)
    assert low < 0 < high


def test_folds_split_firms_not_rows_and_held_aside_firms_never_reach_a_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = synthetic_data(14)
    firms = list(data)
    tuning, held = firms[:11], firms[11:]
    folds = ranking_fit.firm_folds(tuning)
    assert len(folds) == ranking_fit.FOLDS
    assert sorted(f for fold in folds for f in fold) == sorted(tuning)  # each firm in exactly one fold
    assert ranking_fit.firm_folds(tuning) == folds  # fixed seed

    fitted: list[set[str]] = []
    real = ranking_fit.fit_pairwise

    def spy(features: np.ndarray, grades: np.ndarray, groups: Sequence[str], C: float,
            names: Sequence[str] | None = None, tiers: np.ndarray | None = None) -> ranking_fit.PairwiseModel:
        seen = set(groups)
        fitted.append(seen)
        for firm in seen:  # a firm enters a fit with all of its rows or not at all
            rows = [i for i, g in enumerate(groups) if g == firm]
            np.testing.assert_array_equal(features[rows], data[firm].features)
        return real(features, grades, groups, C, names, tiers)

    monkeypatch.setattr(ranking_fit, "fit_pairwise", spy)
    run = ranking_fit.learn(data, tuning, held, [0, 1, 2], NAMES, grid=(0.1, 1.0))

    assert fitted and all(seen <= set(tuning) for seen in fitted)  # no held-aside firm, ever
    assert [test for _, test in run.folds] == folds
    for train, test in run.folds:
        assert not set(train) & set(test)
        assert sorted(train + test) == sorted(tuning)
    # The outer models are fitted on the training firms of their fold exactly; the last fit is the final model.
    outer = [set(train) for train, _ in run.folds]
    assert all(any(seen == train for seen in fitted) for train in outer)
    assert fitted[-1] == set(tuning)
    assert set(run.orders) == set(tuning) | set(held)  # every firm is scored, the held-aside ones by the final model
    for firm in firms:
        assert ndcg_at_k(run.orders[firm], data[firm].grades, 5) == pytest.approx(1.0)


def test_learn_refuses_a_firm_both_tuning_and_held_aside() -> None:
    data = synthetic_data(6)
    with pytest.raises(ValueError):
        ranking_fit.learn(data, list(data), ["firm-00"], [0, 1, 2], NAMES)


def test_the_grade_zero_check() -> None:
    grades = {"A": 0, "B": 3, "C": 0, "D": 1, "E": 0}
    assert ranking_fit.grade_zero_offences(["A", "B", "C", "D"], grades) == ["A", "C"]
    assert ranking_fit.grade_zero_offences(["B", "D", "A", "C"], grades) == []
    assert ranking_fit.grade_zero_offences(["A", "B", "D", "C", "E"], grades) == []  # nothing useful waits below
