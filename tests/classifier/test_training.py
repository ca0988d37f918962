"""Training: one command rebuilds the bundled model from training_data/, reproducibly."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from classifier.artifact import read_manifest
from classifier.cli import app
from classifier.data import data_sha256, jsonl_files
from classifier.errors import TrainingError
from classifier.training import train


def test_bundled_manifest_matches_the_training_data(bundled_model_dir, training_data_dir):
    manifest = read_manifest(bundled_model_dir)
    files = jsonl_files([training_data_dir / "train"])
    assert manifest["training_data"]["sha256"] == data_sha256(files), \
        "training_data/ changed since the bundled model was trained: run `rfp-classifier train`"
    assert manifest["metrics"]["test"]["sha256"] == data_sha256(jsonl_files([training_data_dir / "test"]))


def test_too_little_data_is_refused(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"id": "a", "text": "GMP API please", "services": ["api_manufacturing"],
                                "provider_type": "CDMO", "stage": "unspecified"}) + "\n")
    with pytest.raises(TrainingError):
        train([data], tmp_path / "m", folds=5)


@pytest.mark.slow
def test_train_command_reproduces_the_bundled_model(tmp_path, bundled_model_dir, training_data_dir):
    target = tmp_path / "retrained"
    r = CliRunner().invoke(app, ["train", "--model-dir", str(target)])
    assert r.exit_code == 0, r.output
    assert "Cross-validation" in r.stdout and "Test split" in r.stdout
    new, old = read_manifest(target), read_manifest(bundled_model_dir)
    assert new["model_version"] == old["model_version"]
    assert new["thresholds"] == old["thresholds"]
    assert new["metrics"]["cross_validation"] == old["metrics"]["cross_validation"]
    assert new["metrics"]["test"] == old["metrics"]["test"]
