"""Platt maps fitted on out-of-fold scores: better reliability, same ranking."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.calibration import IDENTITY, apply_platt, calibrate, fit_calibration, fit_platt


def _ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    idx = np.minimum((p * bins).astype(int), bins - 1)
    return sum(abs(y[idx == b].mean() - p[idx == b].mean()) * (idx == b).mean()
               for b in range(bins) if (idx == b).any())


@pytest.fixture()
def overconfident() -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from true probabilities, and scores pushed towards the extremes."""
    rng = np.random.default_rng(0)
    true_p = rng.uniform(0.02, 0.98, 4000)
    y = (rng.uniform(size=true_p.size) < true_p).astype(int)
    logit = np.log(true_p / (1 - true_p))
    scores = 1 / (1 + np.exp(-(3.0 * logit + 1.0)))
    return y, scores


def test_platt_map_restores_reliability(overconfident):
    y, scores = overconfident
    a, b = fit_platt(y, scores)
    assert 0.2 < a < 0.5  # undoes the slope of 3 that made the scores overconfident
    calibrated = apply_platt(scores, a, b)
    assert _ece(y, calibrated) < 0.03 < _ece(y, scores)


def test_map_keeps_the_ranking(overconfident):
    y, scores = overconfident
    calibrated = apply_platt(scores, *fit_platt(y, scores))
    order = np.argsort(scores, kind="stable")
    assert np.all(np.diff(calibrated[order]) >= -1e-12)


def test_single_class_or_inverted_scores_keep_the_identity():
    assert fit_platt([0, 0, 0, 0], [0.1, 0.5, 0.7, 0.9]) == IDENTITY
    assert fit_platt([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]) == IDENTITY


def test_calibrate_applies_each_services_own_map(overconfident):
    y, scores = overconfident
    Y = np.column_stack([y, y])
    S = np.column_stack([scores, scores])
    maps = fit_calibration(Y, S, ["a", "b"])
    out = calibrate(S, ["a", "b"], {"a": maps["a"]})
    assert np.allclose(out[:, 0], apply_platt(scores, *maps["a"]))
    assert np.array_equal(out[:, 1], scores)  # no map for "b": left as it was
    assert np.array_equal(S[:, 0], scores)  # the input is not modified
