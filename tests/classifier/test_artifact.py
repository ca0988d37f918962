"""Model folders: a manifest vouches for the artifact, and loading refuses any mismatch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.artifact import (ARTIFACT_NAME, MANIFEST_NAME, file_sha256, load_model, read_manifest,
                                 save_model)
from classifier.errors import ModelFormatError, ModelIntegrityError, ModelNotFoundError
from classifier.taxonomy import parse_taxonomy


@pytest.fixture()
def saved_dir(tmp_path: Path, tiny_fitted, taxonomy) -> Path:
    model = tiny_fitted[0]
    save_model(model, {"model_version": "test-1", "services": model.services_,
                       "thresholds": {s: 0.5 for s in model.services_}}, tmp_path / "m")
    return tmp_path / "m"


def _edit_manifest(model_dir: Path, **changes) -> None:
    path = model_dir / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def test_round_trip(saved_dir, tiny_fitted):
    loaded = load_model(saved_dir)
    assert loaded.version == "test-1"
    texts = tiny_fitted[1]
    assert (loaded.model.predict_proba(texts) == tiny_fitted[0].predict_proba(texts)).all()


def test_manifest_records_the_artifact_hash(saved_dir):
    manifest = read_manifest(saved_dir)
    assert manifest["artifact"]["sha256"] == file_sha256(saved_dir / ARTIFACT_NAME)
    assert manifest["format_version"] == 1


def test_bundled_model_loads_and_carries_its_metrics(bundled_model_dir, taxonomy):
    loaded = load_model(bundled_model_dir)
    manifest = loaded.manifest
    assert loaded.model.services_ == taxonomy.service_ids
    assert len(manifest["training_data"]["sha256"]) == 64
    assert {"cross_validation", "test"} <= set(manifest["metrics"])
    assert set(manifest["thresholds"]) == set(taxonomy.service_ids)


def test_tampered_bundled_artifact_is_refused(model_copy):
    artifact = model_copy / ARTIFACT_NAME
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="does not match its manifest"):
        load_model(model_copy)


def test_truncated_artifact_is_refused(saved_dir):
    artifact = saved_dir / ARTIFACT_NAME
    artifact.write_bytes(artifact.read_bytes()[:1000])
    with pytest.raises(ModelIntegrityError):
        load_model(saved_dir)


def test_artifact_replaced_together_with_its_hash_still_must_decode(saved_dir):
    artifact = saved_dir / ARTIFACT_NAME
    artifact.write_bytes(b"PK\x03\x04 not really a zip")
    _edit_manifest(saved_dir, artifact={"file": ARTIFACT_NAME, "sha256": file_sha256(artifact)})
    with pytest.raises(ModelIntegrityError, match="cannot be decoded"):
        load_model(saved_dir)


def test_missing_manifest_and_missing_artifact(saved_dir, tmp_path):
    with pytest.raises(ModelNotFoundError):
        load_model(tmp_path / "nowhere")
    (saved_dir / ARTIFACT_NAME).unlink()
    with pytest.raises(ModelNotFoundError):
        load_model(saved_dir)


def test_unknown_format_version_is_refused(saved_dir):
    _edit_manifest(saved_dir, format_version=99)
    with pytest.raises(ModelFormatError):
        load_model(saved_dir)


def test_manifest_pointing_outside_its_folder_is_refused(saved_dir):
    _edit_manifest(saved_dir, artifact={"file": "../elsewhere.skops", "sha256": "0" * 64})
    with pytest.raises(ModelIntegrityError, match="outside"):
        load_model(saved_dir)


def test_manifest_that_is_not_json_is_refused(saved_dir):
    (saved_dir / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(ModelIntegrityError):
        load_model(saved_dir)


def test_service_list_mismatch_is_refused(saved_dir):
    manifest = read_manifest(saved_dir)
    _edit_manifest(saved_dir, services=manifest["services"][::-1])
    with pytest.raises(ModelIntegrityError, match="services"):
        load_model(saved_dir)


def test_model_trained_for_another_taxonomy_is_refused(saved_dir, taxonomy):
    raw = taxonomy.to_dict()
    raw["services"] = raw["services"][:-1]
    raw["stages"] = [dict(s, cues=[], abbreviations=[]) for s in raw["stages"]]
    smaller = parse_taxonomy(raw)
    with pytest.raises(ModelIntegrityError, match="retrain"):
        load_model(saved_dir, smaller)


def test_calibration_for_an_unknown_service_is_refused(saved_dir):
    _edit_manifest(saved_dir, calibration={"no_such_service": [1.0, 0.0]})
    with pytest.raises(ModelIntegrityError, match="services"):
        load_model(saved_dir)


def test_bundled_model_carries_a_calibration_map_per_service(bundled_model_dir, taxonomy):
    calibration = load_model(bundled_model_dir).calibration
    assert set(calibration) == set(taxonomy.service_ids)
    assert all(len(ab) == 2 and ab[0] > 0 for ab in calibration.values())
