"""Taxonomy, model information and health."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ModelDep

router = APIRouter()
# Open even when API keys are on: a liveness probe carries no key and learns nothing.
public = APIRouter()


def _example(body: dict) -> dict:
    return {200: {"content": {"application/json": {"example": body}}}}


@router.get("/v1/taxonomy", tags=["meta"], summary="The taxonomy the model answers in",
            description="Services (id, name, side, description, cues), provider types and stages: "
                        "the ids every answer uses.",
            responses=_example({"version": "1", "sides": {"research": "Research and clinical work."},
                                "services": [{"id": "api_manufacturing", "name": "API manufacturing",
                                              "side": "manufacturing", "description": "...",
                                              "cues": ["drug substance"], "abbreviations": ["API"]}],
                                "provider_types": [{"id": "CDMO", "name": "CDMO",
                                                    "description": "..."}],
                                "stages": [{"id": "early_clinical", "name": "Early clinical",
                                            "description": "..."}]}))
def taxonomy(classifier: ModelDep) -> dict:
    return classifier.taxonomy.to_dict()


@router.get("/v1/model", tags=["meta"], summary="Version and metrics of the loaded model",
            description="Model version, training-data hash, per-service thresholds, and "
                        "cross-validated and test-split metrics from the manifest.",
            responses=_example({"version": "0.1.0+5a3e7f5a28", "created": "2025-01-01T00:00:00+00:00",
                                "training_data": {"documents": 2516},
                                "thresholds": {"api_manufacturing": 0.41},
                                "request_threshold": 0.5,
                                "metrics": {"test": {"macro_f1": 0.92}}}))
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


@public.get("/healthz", tags=["health"], summary="The process is alive",
            description="Liveness probe; never needs an API key.",
            responses=_example({"status": "ok"}))
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", tags=["health"], summary="The model is loaded and answering",
            description="Readiness probe: the model version being served.",
            responses=_example({"status": "ready", "model": "0.1.0+5a3e7f5a28"}))
def readyz(classifier: ModelDep) -> dict:
    return {"status": "ready", "model": classifier.version}
