"""The ceiling of batch text: a plain scikit-learn pipeline with nothing around the model.

Word 1-2-gram TF-IDF and one-vs-rest logistic regression over the services, fitted in the
benchmark on the product's training data; only its ``predict_proba`` on texts already in
memory is timed: no files, no spaCy, no evidence, no JSON.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from classifier.data import read_documents
from classifier.settings import TRAINING_DATA_DIR


def fit_reference(limit: int | None = None) -> Pipeline:
    """Fit on the training split (a seeded sample of ``limit`` documents in quick runs)."""
    docs = read_documents([TRAINING_DATA_DIR / "train"])
    if limit is not None and limit < len(docs):
        docs = random.Random(0).sample(docs, limit)
    Y = MultiLabelBinarizer().fit_transform([d.services for d in docs])
    pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                             OneVsRestClassifier(LogisticRegression(max_iter=1000)))
    return pipeline.fit([d.text for d in docs], Y)


def time_predict(pipeline: Pipeline, texts: Sequence[str]) -> float:
    """Seconds for ``predict_proba`` over all texts, in this one process."""
    started = time.perf_counter()
    pipeline.predict_proba(list(texts))
    return time.perf_counter() - started
