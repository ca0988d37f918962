"""The review queue over HTTP: list with filters and pages, one request, review it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

CRO = "Phase 1 first-in-human study: we need site monitoring and data management."
CDMO = "GMP manufacture of 5 kg of peptide API and fill-finish of vials for our Phase 3 trial."


@pytest.fixture()
def queue(make_client):
    """A client whose store holds a CRO request and then two CDMO requests."""
    client = make_client()
    ids = []
    for text in (CRO, CDMO, CDMO):
        r = client.post("/v1/intake", data={"title": text[:20], "description": text})
        assert r.status_code == 201, r.text
        ids.append(r.json()["request_id"])
    return client, ids


def _ids(client, **params) -> list[int]:
    r = client.get("/v1/requests", params=params)
    assert r.status_code == 200, r.text
    return [item["id"] for item in r.json()["items"]]


def test_list_filters_and_pages(queue):
    client, (cro, cdmo1, cdmo2) = queue
    assert _ids(client) == [cdmo2, cdmo1, cro]
    assert _ids(client, provider_type="CRO") == [cro]
    assert _ids(client, service="api_manufacturing") == [cdmo2, cdmo1]
    assert _ids(client, stage="late_clinical") == [cdmo2, cdmo1]
    assert _ids(client, reviewed="true") == []
    today = date.today()
    assert _ids(client, since=str(today - timedelta(days=1)), until=str(today + timedelta(days=1))) \
        == [cdmo2, cdmo1, cro]
    assert _ids(client, until=str(today - timedelta(days=2))) == []
    page = client.get("/v1/requests", params={"page": 2, "page_size": 2}).json()
    assert (page["total"], page["page"], page["page_size"]) == (3, 2, 2)
    assert [i["id"] for i in page["items"]] == [cro]
    item = page["items"][0]
    assert set(item) == {"id", "created_at", "title", "requester", "model_version", "labels",
                         "reviewed"}


@pytest.mark.parametrize("params", [{"service": "fill_finish"}, {"stage": "phase_1"},
                                    {"provider_type": "CMO"}, {"page": 0}, {"page_size": 1000},
                                    {"since": "yesterday"}, {"reviewed": "maybe"}])
def test_bad_filters_are_schema_errors(client, params):
    r = client.get("/v1/requests", params=params)
    assert (r.status_code, r.json()["code"]) == (422, "E001")


def test_one_request_and_a_missing_one(queue):
    client, (cro, _, _) = queue
    r = client.get(f"/v1/requests/{cro}")
    assert r.status_code == 200
    body = r.json()
    assert body["text"] == f"{CRO[:20]}\n\n{CRO}"  # title, then description
    assert body["labels"]["provider_type"] == "CRO"
    assert body["predicted"] == body["labels"] and body["review"] is None
    missing = client.get("/v1/requests/9999")
    assert (missing.status_code, missing.json()["code"]) == (404, "E403")
    assert client.get("/v1/requests/abc").json()["code"] == "E001"


def test_review_corrects_and_is_stored_with_who_and_when(queue):
    client, (cro, cdmo1, _) = queue
    r = client.post(f"/v1/requests/{cdmo1}/review",
                    json={"reviewer": "a.smith@bd.example", "services": ["clinical_trial_management"],
                          "provider_type": "CRO", "stage": "early_clinical", "note": "by phone"})
    assert r.status_code == 200, r.text
    review = r.json()["review"]
    assert review["reviewed_by"] == "a.smith@bd.example" and review["confirmed"] is False
    assert review["labels"] == {"services": ["clinical_trial_management"], "provider_type": "CRO",
                                "stage": "early_clinical"}
    assert review["reviewed_at"].startswith(str(date.today().year))
    stored = client.get(f"/v1/requests/{cdmo1}").json()
    assert stored["review"] == review and stored["reviewed"] is True
    assert "api_manufacturing" in stored["predicted"]["services"]  # the prediction is kept
    assert _ids(client, provider_type="CRO") == [cdmo1, cro]
    assert _ids(client, reviewed="true") == [cdmo1]

    confirm = client.post(f"/v1/requests/{cro}/review", json={"reviewer": "b"})
    assert confirm.status_code == 200 and confirm.json()["review"]["confirmed"] is True


def test_reviews_that_break_the_contract_or_the_schema_are_refused(queue):
    client, (cro, _, _) = queue
    cases = [({"reviewer": "r", "services": ["api_manufacturing"], "provider_type": "CRO"}, "E301"),
             ({"reviewer": "r", "stage": "phase_1"}, "E301"),
             ({"services": ["api_manufacturing"]}, "E001"),
             ({"reviewer": "", "stage": "preclinical"}, "E001"),
             ({"reviewer": "r", "colour": "blue"}, "E001")]
    for body, code in cases:
        r = client.post(f"/v1/requests/{cro}/review", json=body)
        assert (r.status_code, r.json()["code"]) == (422, code), body
    assert client.get(f"/v1/requests/{cro}").json()["review"] is None
    r = client.post("/v1/requests/9999/review", json={"reviewer": "r"})
    assert (r.status_code, r.json()["code"]) == (404, "E403")
