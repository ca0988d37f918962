"""Per-service thresholds: tuning for F1 and applying them."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.thresholds import (
    DEFAULT_THRESHOLD,
    GRID,
    apply_thresholds,
    f1_at,
    tune_threshold,
    tune_thresholds,
)


def test_f1_at_counts():
    y = np.array([1, 1, 0, 0])
    s = np.array([0.9, 0.4, 0.6, 0.1])
    # At 0.5: tp=1, fp=1, fn=1 -> 2/(2+1+1)
    assert f1_at(y, s, 0.5) == pytest.approx(0.5)
    assert f1_at(y, s, 0.95) == 0.0
    assert f1_at(y, s, 0.35) == pytest.approx(2 * 2 / (2 * 2 + 1 + 0))


def test_tune_threshold_finds_the_f1_best_value():
    # Positives score 0.20-0.80, negatives 0.10-0.12: only thresholds in (0.12, 0.20] separate
    # them perfectly; the grid starts at 0.15, so 0.15..0.20 reach F1 = 1, and 0.20 is nearest 0.5.
    y = [1, 1, 1, 0, 0]
    s = [0.20, 0.25, 0.80, 0.10, 0.12]
    t = tune_threshold(y, s)
    assert t == pytest.approx(0.20)
    assert f1_at(np.array(y), np.array(s), t) == 1.0
    assert f1_at(np.array(y), np.array(s), DEFAULT_THRESHOLD) < 1.0


def test_tune_threshold_high_threshold_case():
    y = [0, 0, 0, 1, 1]
    s = [0.60, 0.65, 0.70, 0.82, 0.90]
    t = tune_threshold(y, s)
    assert 0.70 < t <= 0.82
    assert t == pytest.approx(0.71)
    assert f1_at(np.array(y), np.array(s), t) == 1.0


def test_tune_threshold_beats_default_on_a_noisy_example():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    s = np.clip(0.25 + 0.2 * y + rng.normal(0, 0.08, 400), 0, 1)
    t = tune_threshold(y, s)
    best = max(f1_at(y, s, g) for g in GRID)
    assert f1_at(y, s, t) >= best - 0.005
    assert f1_at(y, s, t) > f1_at(y, s, DEFAULT_THRESHOLD)


@pytest.mark.parametrize("scores", [[0.1, 0.9, 0.6], [0.0, 0.0, 0.0], [1.0, 0.99, 0.3]])
def test_tune_threshold_without_positives_returns_default(scores):
    assert tune_threshold([0, 0, 0], scores) == DEFAULT_THRESHOLD == 0.5


def test_tune_threshold_prefers_the_value_nearest_half_among_ties():
    # Any threshold in (0.30, 0.70] is perfect: the one nearest 0.5 is 0.5 itself.
    assert tune_threshold([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9]) == pytest.approx(0.5)
    # Perfect for (0.55, 0.80]: 0.56 is nearest 0.5.
    assert tune_threshold([0, 1, 1], [0.55, 0.80, 0.95]) == pytest.approx(0.56)
    # Perfect for (0.20, 0.40]: 0.40 is nearest 0.5.
    assert tune_threshold([0, 1, 1], [0.20, 0.40, 0.95]) == pytest.approx(0.40)


def test_tune_threshold_returns_a_grid_value():
    t = tune_threshold([0, 1, 0, 1, 1], [0.33, 0.41, 0.52, 0.77, 0.64])
    assert isinstance(t, float)
    assert np.isclose(GRID, t).any()


def test_tune_thresholds_per_service():
    Y = np.array([[1, 0, 0], [1, 0, 1], [0, 0, 1], [0, 0, 0]])
    S = np.array([[0.2, 0.9, 0.6], [0.25, 0.1, 0.9], [0.1, 0.2, 0.75], [0.12, 0.3, 0.3]])
    th = tune_thresholds(Y, S, ["a", "b", "c"])
    assert set(th) == {"a", "b", "c"}
    assert th["a"] == pytest.approx(0.20)
    assert th["b"] == DEFAULT_THRESHOLD
    assert th["c"] == pytest.approx(0.61)


# -- apply_thresholds ----------------------------------------------------------------------


def test_apply_thresholds_per_column():
    scores = np.array([[0.30, 0.60, 0.50],
                       [0.20, 0.40, 0.49]])
    out = apply_thresholds(scores, ["a", "b", "c"], {"a": 0.25, "b": 0.70, "c": 0.5})
    assert out.dtype == bool
    assert out.shape == (2, 3)
    assert out.tolist() == [[True, False, True], [False, False, False]]


def test_apply_thresholds_is_inclusive_at_the_threshold():
    out = apply_thresholds(np.array([[0.35, 0.3499]]), ["a", "b"], {"a": 0.35, "b": 0.35})
    assert out.tolist() == [[True, False]]


def test_apply_thresholds_defaults_missing_services_to_half():
    out = apply_thresholds(np.array([[0.5, 0.49, 0.1]]), ["x", "y", "z"], {"z": 0.05})
    assert out.tolist() == [[True, False, True]]


def test_apply_thresholds_follows_the_service_order():
    scores = np.array([[0.3, 0.7]])
    th = {"a": 0.6, "b": 0.2}
    assert apply_thresholds(scores, ["a", "b"], th).tolist() == [[False, True]]
    assert apply_thresholds(scores, ["b", "a"], th).tolist() == [[True, True]]


def test_apply_thresholds_accepts_lists():
    assert apply_thresholds([[0.9, 0.1]], ["a", "b"], {}).tolist() == [[True, False]]
