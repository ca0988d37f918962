"""The estimator: scikit-learn conventions, probabilities, and a lossless persisted state."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from classifier.model import RFPModel


def test_fitted_attributes_follow_sklearn_naming(tiny_fitted, taxonomy):
    model, _, _ = tiny_fitted
    for name in ("features_", "service_coef_", "service_intercept_", "services_",
                 "request_coef_", "stage_coef_", "stages_"):
        assert hasattr(model, name)
    assert model.services_ == taxonomy.service_ids
    assert "unspecified" in model.stages_
    assert model.get_params()["min_df"] == 1


def test_probabilities_are_probabilities(tiny_fitted, taxonomy):
    model, texts, _ = tiny_fitted
    F = model.transform(texts)
    for p in (model.service_proba(F), model.stage_proba(F), model.request_proba(F)):
        assert np.all((p >= 0) & (p <= 1))
    assert model.service_proba(F).shape == (len(texts), len(taxonomy.service_ids))
    assert np.allclose(model.stage_proba(F).sum(axis=1), 1.0, atol=1e-5)


def test_model_learns_its_training_sentences(tiny_fitted, taxonomy):
    model, texts, Y = tiny_fitted
    proba = model.predict_proba(texts)
    k = taxonomy.service_ids.index("api_manufacturing")
    positives, negatives = proba[Y[:, k] == 1, k], proba[Y[:, k] == 0, k]
    assert positives.min() > negatives.max()


def test_a_label_never_seen_gets_a_confident_constant_head(tiny_fitted, taxonomy):
    model, texts, _ = tiny_fitted
    k = taxonomy.service_ids.index("supply_chain_management")  # absent from the tiny corpus
    assert np.all(model.predict_proba(texts)[:, k] < 0.01)


def test_state_round_trip_is_exact(tiny_fitted):
    model, texts, _ = tiny_fitted
    clone = RFPModel.from_state(model.to_state())
    F1, F2 = model.transform(texts), clone.transform(texts)
    assert (F1 != F2).nnz == 0
    assert np.array_equal(model.service_proba(F1), clone.service_proba(F2))
    assert np.array_equal(model.stage_proba(F1), clone.stage_proba(F2))


def test_state_holds_only_plain_values_and_arrays(tiny_fitted):
    state = tiny_fitted[0].to_state()
    allowed = (np.ndarray, list, dict, str, float, int)
    assert all(isinstance(v, allowed) for v in state.values())


def test_state_with_mismatched_weights_is_refused(tiny_fitted):
    state = tiny_fitted[0].to_state()
    state["service_coef"] = state["service_coef"][:, :-3]
    with pytest.raises(ValueError):
        RFPModel.from_state(state)


def test_unfitted_model_refuses_to_predict():
    with pytest.raises(NotFittedError):
        RFPModel().transform(["anything"])


def test_shape_mismatch_between_texts_and_labels_is_an_error(taxonomy):
    with pytest.raises(ValueError):
        RFPModel().fit(["a", "b"], np.zeros((3, 10)), ["preclinical"] * 2,
                       taxonomy.service_ids, taxonomy.stage_ids)
