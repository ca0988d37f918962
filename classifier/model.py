"""The statistical model: n-gram features and three families of linear heads.

- one logistic regression per service (multi-label), stacked into one weight
  matrix so that scoring every service is a single sparse product;
- a request gate (does the document ask for any outsourced service at all?);
- one-vs-rest stage heads, normalised into a distribution.

The estimator follows scikit-learn's conventions (fit / predict_proba, fitted
attributes end in ``_``). It reads texts already processed by
:mod:`classifier.text`; thresholds and the provider mapping live beside it as
plain code (:mod:`classifier.thresholds`, :mod:`classifier.provider`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

WORD_TOKEN_PATTERN = r"(?u)\b\w[\w/+-]*\w\b|\b\w\b"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def _fit_binary(F: sp.csr_matrix, y: np.ndarray, C: float,
                class_weight: str | None) -> tuple[np.ndarray, float]:
    """One L2 logistic regression. The dual solver: far more features than documents here."""
    if y.min() == y.max():
        # A label with one value in the data: a constant, very sure head.
        return np.zeros(F.shape[1]), (8.0 if y[0] else -8.0)
    lr = LogisticRegression(C=C, solver="liblinear", dual=True, class_weight=class_weight,
                            max_iter=1000, random_state=0)
    lr.fit(F, y)
    return lr.coef_[0], float(lr.intercept_[0])


class RFPModel(BaseEstimator):
    """Word and character n-gram TF-IDF with linear service, request and stage heads."""

    def __init__(self, C: float = 20.0, stage_C: float = 4.0, word_ngram_range: tuple[int, int] = (1, 2),
                 char_ngram_range: tuple[int, int] = (2, 5), min_df: int = 2,
                 max_char_features: int = 150_000, class_weight: str | None = "balanced",
                 n_jobs: int = 2) -> None:
        self.C = C
        self.stage_C = stage_C
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_char_features = max_char_features
        self.class_weight = class_weight
        self.n_jobs = n_jobs

    def _make_features(self) -> FeatureUnion:
        word = TfidfVectorizer(ngram_range=tuple(self.word_ngram_range), min_df=self.min_df,
                               sublinear_tf=True, token_pattern=WORD_TOKEN_PATTERN,
                               dtype=np.float32)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                               min_df=self.min_df, sublinear_tf=True,
                               max_features=self.max_char_features, dtype=np.float32)
        return FeatureUnion([("word", word), ("char", char)])

    def fit(self, X: Sequence[str], Y: np.ndarray, stages: Sequence[str],
            services: Sequence[str], stage_labels: Sequence[str]) -> RFPModel:
        """Fit on processed texts ``X``, a service indicator matrix ``Y`` and stage labels."""
        if np.shape(Y) != (len(X), len(services)):
            raise ValueError(f"Y has shape {np.shape(Y)}, expected {(len(X), len(services))}")
        self.features_ = self._make_features()
        F = self.features_.fit_transform(list(X)).tocsr()
        return self.fit_heads(F, Y, stages, services, stage_labels)

    def fit_heads(self, F: sp.csr_matrix, Y: np.ndarray, stages: Sequence[str],
                  services: Sequence[str], stage_labels: Sequence[str]) -> RFPModel:
        """Fit the linear heads on features from ``features_`` (cross-validation shares them)."""
        check_is_fitted(self, "features_")
        Y = np.asarray(Y, dtype=int)
        # The stage head learns from requests only: a document asking for nothing has no
        # stage by rule, and its many "unspecified" labels would drown the real ones.
        rows = np.flatnonzero(Y.any(axis=1)) if Y.any() else np.arange(Y.shape[0])
        stage_of = np.asarray([stages[i] for i in rows])
        present = [s for s in stage_labels if s in set(stage_of)]
        jobs = [(F, Y[:, k], self.C, self.class_weight) for k in range(Y.shape[1])]
        jobs.append((F, Y.any(axis=1).astype(int), self.C, self.class_weight))
        F_req = F[rows]
        jobs += [(F_req, (stage_of == s).astype(int), self.stage_C, None) for s in present]
        # Two worker processes (liblinear is not thread-safe); joblib maps F copy-on-write.
        fitted = Parallel(n_jobs=self.n_jobs, mmap_mode="c")(
            delayed(_fit_binary)(*job) for job in jobs)
        n = Y.shape[1]
        self.service_coef_ = np.vstack([w for w, _ in fitted[:n]]).astype(np.float32)
        self.service_intercept_ = np.asarray([b for _, b in fitted[:n]], dtype=np.float32)
        self.services_ = list(services)
        self.request_coef_ = fitted[n][0].astype(np.float32)
        self.request_intercept_ = np.float32(fitted[n][1])
        self.stage_coef_ = np.vstack([w for w, _ in fitted[n + 1:]]).astype(np.float32)
        self.stage_intercept_ = np.asarray([b for _, b in fitted[n + 1:]], dtype=np.float32)
        self.stages_ = present
        return self

    # -- inference -------------------------------------------------------------------------
    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        check_is_fitted(self, "features_")
        return self.features_.transform(list(X)).tocsr()

    def service_proba(self, F: sp.csr_matrix) -> np.ndarray:
        """Probability of each service, columns in ``services_`` order."""
        return _sigmoid(np.asarray(F @ self.service_coef_.T) + self.service_intercept_)

    def request_proba(self, F: sp.csr_matrix) -> np.ndarray:
        return _sigmoid(np.asarray(F @ self.request_coef_).ravel() + self.request_intercept_)

    def stage_proba(self, F: sp.csr_matrix) -> np.ndarray:
        """Probability of each stage, columns in ``stages_`` order (one-vs-rest, normalised)."""
        p = _sigmoid(np.asarray(F @ self.stage_coef_.T) + self.stage_intercept_)
        return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self.service_proba(self.transform(X))

    def service_contributions(self, F: sp.csr_matrix) -> np.ndarray:
        """How much each row of F (a sentence) pushes each service up: rows x services."""
        return np.asarray(F @ self.service_coef_.T)

    def stage_contributions(self, F: sp.csr_matrix) -> np.ndarray:
        return np.asarray(F @ self.stage_coef_.T)

    # -- persistence: arrays and plain values only, no estimator objects in the artifact -------
    def to_state(self) -> dict:
        """Everything inference needs, as numpy arrays and JSON-able values."""
        check_is_fitted(self, "features_")
        state = {
            "params": {k: (list(v) if isinstance(v, tuple) else v)
                       for k, v in self.get_params().items()},
            "service_coef": self.service_coef_,
            "service_intercept": self.service_intercept_,
            "services": list(self.services_),
            "request_coef": self.request_coef_,
            "request_intercept": float(self.request_intercept_),
            "stage_coef": self.stage_coef_,
            "stage_intercept": self.stage_intercept_,
            "stages": list(self.stages_),
        }
        for name, vec in self.features_.transformer_list:
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
            # One newline-joined blob: analyzers never produce a newline inside a term.
            state[f"{name}_vocabulary"] = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)
            state[f"{name}_idf"] = vec.idf_.astype(np.float32)
        return state

    @classmethod
    def from_state(cls, state: dict) -> RFPModel:
        params = dict(state["params"])
        for key in ("word_ngram_range", "char_ngram_range"):
            params[key] = tuple(params[key])
        model = cls(**params)
        model.features_ = model._make_features()
        for name, vec in model.features_.transformer_list:
            terms = bytes(np.asarray(state[f"{name}_vocabulary"], dtype=np.uint8)).decode("utf-8")
            vec.vocabulary_ = {t: i for i, t in enumerate(terms.split("\n"))} if terms else {}
            idf = np.asarray(state[f"{name}_idf"], dtype=np.float32)
            if len(idf) != len(vec.vocabulary_):
                raise ValueError(f"{name} vocabulary and idf differ in length")
            vec.idf_ = idf
        model.service_coef_ = np.asarray(state["service_coef"], dtype=np.float32)
        model.service_intercept_ = np.asarray(state["service_intercept"], dtype=np.float32)
        model.services_ = list(state["services"])
        model.request_coef_ = np.asarray(state["request_coef"], dtype=np.float32)
        model.request_intercept_ = np.float32(state["request_intercept"])
        model.stage_coef_ = np.asarray(state["stage_coef"], dtype=np.float32)
        model.stage_intercept_ = np.asarray(state["stage_intercept"], dtype=np.float32)
        model.stages_ = list(state["stages"])
        n_features = sum(len(v.vocabulary_) for _, v in model.features_.transformer_list)
        if model.service_coef_.shape != (len(model.services_), n_features):
            raise ValueError("service weights do not fit the vocabulary")
        return model
