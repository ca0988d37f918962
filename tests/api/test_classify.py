"""POST /v1/classify: the answer, and every way a request can be wrong."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def test_classify_returns_the_shared_shape(client):
    r = client.post("/v1/classify", json={"text": "We need GMP fill-finish of 5,000 vials of our "
                                                  "monoclonal antibody for the Phase 3 trial."})
    assert r.status_code == 200
    body = r.json()
    assert {"services", "provider", "stage", "model"} <= set(body)
    assert "drug_product_manufacturing" in [s["id"] for s in body["services"]]
    assert body["provider"]["type"] == "CDMO"
    assert body["stage"]["value"] == "late_clinical"
    assert body["model"]["version"]


def test_off_topic_text_gets_none(client):
    r = client.post("/v1/classify", json={"text": "Tender for the catering of our 2027 sales "
                                                  "conference for 300 pharma reps in Lisbon."})
    assert r.status_code == 200
    assert r.json()["provider"]["type"] == "NONE"
    assert r.json()["services"] == []


@pytest.mark.parametrize("body, status, code", [
    ({"text": ""}, 422, "E002"),
    ({"text": " \n\t "}, 422, "E002"),
    ({}, 422, "E001"),
    ({"text": 12}, 422, "E001"),
    ({"text": None}, 422, "E001"),
    ({"text": "ok", "extra": 1}, 422, "E001"),
    (["not", "an", "object"], 422, "E001"),
])
def test_bad_bodies_get_problem_responses(client, body, status, code):
    r = client.post("/v1/classify", json=body)
    assert r.status_code == status
    assert r.headers["content-type"].startswith(PROBLEM)
    problem = r.json()
    assert problem["code"] == code
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]


def test_oversized_text_is_413(client, settings):
    r = client.post("/v1/classify", json={"text": "a" * (settings.max_text_chars + 1)})
    assert r.status_code == 413
    assert r.json()["code"] == "E003"


def test_malformed_json_is_422_and_does_not_echo_the_body(client):
    secret = "CONFIDENTIAL-PROJECT-ZEBRA"
    r = client.post("/v1/classify", content=f'{{"text": "{secret}"'.encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert secret not in r.text


def test_wrong_method_and_unknown_path_are_problems(client):
    r = client.get("/v1/classify")
    assert r.status_code == 405 and r.headers["content-type"].startswith(PROBLEM)
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == "HTTP404"
