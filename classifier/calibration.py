"""Score calibration: a per-service Platt map fitted on out-of-fold scores.

Class-balanced heads rank well but overstate the rare services' probabilities;
a 0.8 should be right about 80% of the time. Each service's map is two numbers
(slope and offset on the logit scale), kept readable in the manifest beside the
thresholds. The map is monotone, so it never changes a ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

IDENTITY = (1.0, 0.0)
_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def fit_platt(y_true: Sequence[int], scores: Sequence[float]) -> tuple[float, float]:
    """Slope and offset mapping ``logit(score)`` to a calibrated logit.

    A label with a single value, or a map that would invert the ranking, falls back
    to the identity: calibration must not turn a useful score into noise.
    """
    y = np.asarray(y_true, dtype=int)
    if y.min() == y.max():
        return IDENTITY
    lr = LogisticRegression(C=1e4).fit(_logit(scores).reshape(-1, 1), y)
    a, b = float(lr.coef_[0, 0]), float(lr.intercept_[0])
    return (round(a, 6), round(b, 6)) if a > 0 else IDENTITY


def apply_platt(scores: np.ndarray, a: float, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(a * _logit(scores) + b, -35, 35)))


def fit_calibration(Y: np.ndarray, scores: np.ndarray, services: Sequence[str]
                    ) -> dict[str, list[float]]:
    return {s: list(fit_platt(Y[:, k], scores[:, k])) for k, s in enumerate(services)}


def calibrate(scores: np.ndarray, services: Sequence[str],
              calibration: Mapping[str, Sequence[float]]) -> np.ndarray:
    """Calibrated documents x services matrix; services without a map are left as they are."""
    out = np.array(scores, dtype=float, copy=True)
    for k, s in enumerate(services):
        a, b = calibration.get(s, IDENTITY)
        if (a, b) != IDENTITY:
            out[:, k] = apply_platt(out[:, k], a, b)
    return out
