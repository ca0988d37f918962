"""Training: one command from ``training_data/`` to a verified model folder.

Calibration maps and thresholds are fitted on out-of-fold scores of a K-fold cross-validation, the
cross-validated metrics are those of the fold models with those thresholds run
through the full classifier, and the test split is scored by the saved model
reloaded from disk, as users will load it.
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion

from classifier import __version__
from classifier.calibration import calibrate, fit_calibration
from classifier.artifact import LoadedModel, load_model, save_model, write_manifest
from classifier.data import LabelledDocument, data_sha256, indicator_matrix, jsonl_files, read_documents
from classifier.errors import TrainingError
from classifier.evaluation import compute_metrics
from classifier.model import RFPModel
from classifier.pipeline import Classifier
from classifier.taxonomy import TAXONOMY_PATH, Taxonomy, default_taxonomy
from classifier.text import ProcessedDocument, TextProcessor
from classifier.thresholds import tune_threshold, tune_thresholds

log = logging.getLogger(__name__)


def cross_validate(docs: Sequence[LabelledDocument], processed: Sequence[ProcessedDocument],
                   F: sp.csr_matrix, features: FeatureUnion, taxonomy: Taxonomy, params: dict,
                   folds: int, seed: int) -> dict:
    """Calibrate and tune thresholds on out-of-fold scores; return them with the CV metrics.

    The TF-IDF vocabulary ``features`` was fitted once on all training texts (it sees no
    labels); the heads are fitted per fold. Decisions on the out-of-fold scores go through
    the classifier's own code, so the metrics are those of the product's decision rules.
    """
    services = taxonomy.service_ids
    Y = indicator_matrix(docs, services)
    stages = [d.stage for d in docs]
    oof = np.zeros(Y.shape)
    oof_request = np.zeros(len(docs))
    oof_stage = np.zeros((len(docs), len(taxonomy.stage_ids)))
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (train_idx, held_idx) in enumerate(splitter.split(np.arange(len(docs)))):
        model = RFPModel(**params)
        model.features_ = features
        model.fit_heads(F[train_idx], Y[train_idx], [stages[i] for i in train_idx], services,
                        taxonomy.stage_ids)
        if model.stages_ != taxonomy.stage_ids:
            raise TrainingError("every stage must occur in each cross-validation fold")
        oof[held_idx] = model.service_proba(F[held_idx])
        oof_request[held_idx] = model.request_proba(F[held_idx])
        oof_stage[held_idx] = model.stage_proba(F[held_idx])
        log.info("fold %d/%d fitted", k + 1, folds)
    calibration = fit_calibration(Y, oof, services)
    decisions = {
        "calibration": calibration,
        "thresholds": tune_thresholds(Y, calibrate(oof, services, calibration), services),
        "request_threshold": tune_threshold(Y.any(axis=1).astype(int), oof_request),
    }
    loaded = LoadedModel(model, {"model_version": "cv", **decisions})
    predictions = Classifier(loaded, taxonomy).results_from_scores(
        processed, oof, oof_request, oof_stage, evidence=False)
    return {**decisions, "metrics": compute_metrics(docs, predictions, taxonomy)}


def evaluate_model_dir(model_dir: Path, paths: Sequence[Path | str],
                       taxonomy: Taxonomy | None = None) -> tuple[list[LabelledDocument], list, dict]:
    """Score a saved model on labelled files, loading it exactly as users do."""
    taxonomy = taxonomy or default_taxonomy()
    docs = read_documents(paths, taxonomy)
    classifier = Classifier(load_model(model_dir, taxonomy), taxonomy)
    preds = list(classifier.classify_many(d.text for d in docs))
    bad = [d.id for d, r in zip(docs, preds) if isinstance(r, Exception)]
    if bad:
        raise TrainingError(f"documents could not be classified: {bad[:5]}")
    return docs, preds, compute_metrics(docs, preds, taxonomy)


def train(train_paths: Sequence[Path | str], model_dir: Path | str,
          test_paths: Sequence[Path | str] = (), folds: int = 5, seed: int = 13,
          params: dict | None = None) -> dict:
    """Fit, cross-validate, save and test a model; returns its manifest."""
    started = time.perf_counter()
    taxonomy = default_taxonomy()
    params = dict(params or {})
    files = jsonl_files(train_paths)
    docs = read_documents(files, taxonomy)
    if len(docs) < 2 * folds:
        raise TrainingError(f"{len(docs)} documents are too few for {folds}-fold cross-validation")
    missing = [s for s in taxonomy.service_ids if not any(s in d.services for d in docs)]
    if missing:
        raise TrainingError(f"no training document asks for {missing}")
    log.info("processing %d training documents", len(docs))
    processed = list(TextProcessor().pipe(d.text for d in docs))
    model = RFPModel(**params)
    model.features_ = model._make_features()
    F = model.features_.fit_transform([p.model_input for p in processed]).tocsr()
    cv = cross_validate(docs, processed, F, model.features_, taxonomy, params, folds, seed)
    model.fit_heads(F, indicator_matrix(docs, taxonomy.service_ids), [d.stage for d in docs],
                    taxonomy.service_ids, taxonomy.stage_ids)
    data_hash = data_sha256(files)
    manifest = {
        "model_version": f"{__version__}+{data_hash[:10]}",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "package_version": __version__,
        "services": list(model.services_),
        "stages": list(model.stages_),
        "thresholds": cv["thresholds"],
        "request_threshold": cv["request_threshold"],
        "calibration": cv["calibration"],
        "params": model.to_state()["params"],
        "training_data": {"sha256": data_hash, "documents": len(docs),
                          "files": [f.name for f in files]},
        "taxonomy_sha256": data_sha256([TAXONOMY_PATH]),
        "metrics": {"cross_validation": {"folds": folds, "seed": seed, **cv["metrics"]}},
        "environment": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                        "numpy": np.__version__},
    }
    manifest = save_model(model, manifest, model_dir)
    test_files = jsonl_files(test_paths) if test_paths else []
    if test_files:
        _, _, test_metrics = evaluate_model_dir(Path(model_dir), test_files, taxonomy)
        manifest["metrics"]["test"] = {"sha256": data_sha256(test_files), **test_metrics}
    manifest["training_seconds"] = round(time.perf_counter() - started, 1)
    write_manifest(manifest, model_dir)
    return manifest
