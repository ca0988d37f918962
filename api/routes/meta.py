"""Taxonomy, model information and health."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ModelDep

router = APIRouter()


@router.get("/v1/taxonomy", tags=["meta"], summary="The taxonomy the model answers in")
def taxonomy(classifier: ModelDep) -> dict:
    return classifier.taxonomy.to_dict()


@router.get("/v1/model", tags=["meta"], summary="Version and metrics of the loaded model")
def model_info(classifier: ModelDep) -> dict:
    manifest = classifier.loaded.manifest
    return {
        "version": classifier.version,
        "created": manifest.get("created"),
        "training_data": manifest.get("training_data"),
        "thresholds": manifest.get("thresholds"),
        "request_threshold": manifest.get("request_threshold"),
        "metrics": manifest.get("metrics"),
    }


@router.get("/healthz", tags=["health"], summary="The process is alive")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", tags=["health"], summary="The model is loaded and answering")
def readyz(classifier: ModelDep) -> dict:
    return {"status": "ready", "model": classifier.version}
