"""The single error handler: typed errors map to problems, surprises never leak a traceback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from classifier.errors import ModelIntegrityError


class _Exploding:
    """Stands in for a classifier whose internals fail unexpectedly."""

    def __init__(self, real):
        self.taxonomy = real.taxonomy
        self.loaded = real.loaded
        self.version = real.version

    def classify(self, text):
        raise RuntimeError("secret internal detail /etc/passwd")


def test_unexpected_error_is_a_500_problem_without_traceback(settings, classifier):
    app = create_app(settings, classifier=_Exploding(classifier))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/v1/classify", json={"text": "anything at all"})
    assert r.status_code == 500
    assert r.json()["code"] == "E000"
    assert "secret" not in r.text and "Traceback" not in r.text


def test_app_refuses_to_start_on_a_tampered_model(model_copy, settings):
    artifact = model_copy / "model.skops"
    artifact.write_bytes(artifact.read_bytes()[:-10])
    with pytest.raises(ModelIntegrityError):
        create_app(settings.model_copy(update={"model_dir": model_copy}))
