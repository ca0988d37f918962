"""Per-service decision thresholds: tuned on out-of-fold scores, applied in plain code.

They live in the model's manifest as readable numbers, not inside a pickle, so
that a reviewer can see and a test can check what turns a score into a tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

DEFAULT_THRESHOLD = 0.5
GRID = np.round(np.arange(0.15, 0.86, 0.01), 2)


def f1_at(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    pred = scores >= threshold
    tp = int(np.sum(pred & (y_true == 1)))
    fp = int(np.sum(pred & (y_true == 0)))
    fn = int(np.sum(~pred & (y_true == 1)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def tune_threshold(y_true: Sequence[int], scores: Sequence[float], grid: np.ndarray = GRID) -> float:
    """The threshold with the best F1; among near-ties, the one closest to 0.5 (the most stable)."""
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    if y.sum() == 0:
        return DEFAULT_THRESHOLD
    f1s = np.array([f1_at(y, s, t) for t in grid])
    best = f1s.max()
    candidates = grid[f1s >= best - 0.005]
    return float(candidates[np.argmin(np.abs(candidates - 0.5))])


def tune_thresholds(Y: np.ndarray, scores: np.ndarray, services: Sequence[str]) -> dict[str, float]:
    return {s: tune_threshold(Y[:, k], scores[:, k]) for k, s in enumerate(services)}


def apply_thresholds(scores: np.ndarray, services: Sequence[str],
                     thresholds: Mapping[str, float]) -> np.ndarray:
    """Boolean matrix: documents x services, True where the score reaches its threshold."""
    limits = np.array([thresholds.get(s, DEFAULT_THRESHOLD) for s in services])
    return np.asarray(scores) >= limits


FALLBACK_FLOOR = 0.1


def select_services(scores: np.ndarray, request_scores: np.ndarray, services: Sequence[str],
                    thresholds: Mapping[str, float], request_threshold: float,
                    fallback_floor: float = FALLBACK_FLOOR) -> np.ndarray:
    """Which services each document asks for.

    A document the request gate rejects asks for nothing. One it accepts but where no
    service reaches its threshold still gets its most likely service, if that scores at
    least ``fallback_floor``: the gate has evidence of a request, and the best guess at
    what it asks is more useful to a reviewer than silence.
    """
    scores = np.asarray(scores)
    is_request = np.asarray(request_scores) >= request_threshold
    selected = apply_thresholds(scores, services, thresholds) & is_request[:, None]
    if scores.size:
        top = scores.argmax(axis=1)
        rows = np.where(is_request & ~selected.any(axis=1)
                        & (scores[np.arange(len(scores)), top] >= fallback_floor))[0]
        selected[rows, top[rows]] = True
    return selected
