"""Taxonomy, model information, health."""

from __future__ import annotations


def test_taxonomy_lists_services_with_sides(client, taxonomy):
    body = client.get("/v1/taxonomy").json()
    assert [s["id"] for s in body["services"]] == taxonomy.service_ids
    assert {s["side"] for s in body["services"]} == {"research", "manufacturing"}
    assert [p["id"] for p in body["provider_types"]] == ["CRO", "CDMO", "CRDMO", "NONE"]


def test_model_reports_version_and_metrics(client, classifier):
    body = client.get("/v1/model").json()
    assert body["version"] == classifier.version
    assert 0 < body["metrics"]["test"]["micro"]["f1"] <= 1
    assert set(body["thresholds"]) == set(classifier.services)


def test_health_and_readiness(client, classifier):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "model": classifier.version}


def test_openapi_documents_the_classify_endpoint(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/v1/classify"]["post"]
    assert op["summary"]
    assert "ClassificationResult" in str(op["responses"]["200"])
