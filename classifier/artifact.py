"""Model artifacts: a skops file plus a JSON manifest that vouches for it.

skops rather than pickle: loading a skops file builds only types it knows to
be safe, so a swapped artifact cannot run code. On top of that the manifest
records the artifact's sha256, and loading refuses any file whose bytes, format
version or service list do not match it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import skops.io as sio

from classifier.errors import ModelFormatError, ModelIntegrityError, ModelNotFoundError
from classifier.model import RFPModel
from classifier.taxonomy import Taxonomy, default_taxonomy

FORMAT_VERSION = 1
ARTIFACT_NAME = "model.skops"
MANIFEST_NAME = "manifest.json"


@dataclass
class LoadedModel:
    model: RFPModel
    manifest: dict

    @property
    def version(self) -> str:
        return self.manifest["model_version"]

    @property
    def thresholds(self) -> dict[str, float]:
        return self.manifest["thresholds"]

    @property
    def calibration(self) -> dict[str, list[float]]:
        """Per-service Platt maps; a manifest without them means uncalibrated scores."""
        return self.manifest.get("calibration", {})

    @property
    def request_threshold(self) -> float:
        return float(self.manifest.get("request_threshold", 0.5))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_model(model: RFPModel, manifest: dict, model_dir: Path | str) -> dict:
    """Write the artifact, then the manifest with the artifact's hash; returns the manifest."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    artifact = model_dir / ARTIFACT_NAME
    tmp = artifact.with_suffix(".tmp")
    sio.dump(model.to_state(), tmp)
    tmp.replace(artifact)
    manifest = dict(manifest)
    manifest["format_version"] = FORMAT_VERSION
    manifest["artifact"] = {"file": ARTIFACT_NAME, "sha256": file_sha256(artifact),
                            "bytes": artifact.stat().st_size}
    write_manifest(manifest, model_dir)
    return manifest


def write_manifest(manifest: dict, model_dir: Path | str) -> None:
    path = Path(model_dir) / MANIFEST_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_manifest(model_dir: Path | str) -> dict:
    path = Path(model_dir) / MANIFEST_NAME
    if not path.is_file():
        raise ModelNotFoundError(f"no model manifest at {path}: train one with "
                                 "`rfp-classifier train` or point RFP_MODEL_DIR at a model folder")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(f"manifest {path} is not readable JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ModelIntegrityError(f"manifest {path} is not a JSON object")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelFormatError(f"manifest {path} has format version "
                               f"{manifest.get('format_version')!r}; this code reads {FORMAT_VERSION}")
    for key in ("model_version", "artifact", "thresholds", "services"):
        if key not in manifest:
            raise ModelIntegrityError(f"manifest {path} lacks '{key}'")
    return manifest


def load_model(model_dir: Path | str, taxonomy: Taxonomy | None = None) -> LoadedModel:
    """Load and verify a model folder; raises a typed error on any mismatch."""
    taxonomy = taxonomy or default_taxonomy()
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    artifact = model_dir / str(manifest["artifact"].get("file", ARTIFACT_NAME))
    if artifact.parent.resolve() != model_dir.resolve():
        raise ModelIntegrityError("the manifest names an artifact outside its folder")
    if not artifact.is_file():
        raise ModelNotFoundError(f"model artifact {artifact} is missing")
    digest = file_sha256(artifact)
    if digest != manifest["artifact"].get("sha256"):
        raise ModelIntegrityError(f"model artifact {artifact} does not match its manifest "
                                  f"(sha256 {digest[:12]}..., manifest says "
                                  f"{str(manifest['artifact'].get('sha256'))[:12]}...): "
                                  "it was changed or truncated; retrain or restore it")
    try:
        untrusted = sio.get_untrusted_types(file=artifact)
        if untrusted:
            raise ModelIntegrityError(f"model artifact {artifact} holds unexpected types: {untrusted}")
        state = sio.load(artifact, trusted=[])
        model = RFPModel.from_state(state)
    except ModelIntegrityError:
        raise
    except Exception as exc:  # any decoding failure of a file we refuse to trust
        raise ModelIntegrityError(f"model artifact {artifact} cannot be decoded: {exc}") from exc
    if (model.services_ != manifest["services"] or set(manifest["thresholds"]) != set(model.services_)
            or not set(manifest.get("calibration", {})) <= set(model.services_)):
        raise ModelIntegrityError("the artifact's services differ from its manifest")
    if model.services_ != taxonomy.service_ids:
        raise ModelIntegrityError(
            "the model was trained for services "
            f"{model.services_} but the taxonomy now lists {taxonomy.service_ids}: retrain it")
    return LoadedModel(model=model, manifest=manifest)
