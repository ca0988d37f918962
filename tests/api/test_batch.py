"""POST /v1/classify/batch: answers in order; a bad item fails alone."""

from __future__ import annotations

CRO = "Phase 1 first-in-human study: we need site monitoring and data management."
CDMO = "GMP manufacture of 5 kg of peptide API and fill-finish of vials for our Phase 3 trial."


def test_results_come_in_order_with_per_item_errors(client):
    items = [{"id": "a", "text": CDMO}, {"id": "b", "text": "   "}, {"text": CRO}]
    r = client.post("/v1/classify/batch", json={"items": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["succeeded"], body["failed"]) == (2, 1)
    assert [x["index"] for x in body["results"]] == [0, 1, 2]
    assert [x["id"] for x in body["results"]] == ["a", "b", None]
    first, failed, last = body["results"]
    assert failed["result"] is None
    assert failed["error"] == {"code": "E002", "title": "Empty text",
                               "detail": "text is empty or only whitespace"}
    assert first["error"] is None and last["error"] is None
    # Each result is exactly what POST /v1/classify answers for the same text.
    assert first["result"] == client.post("/v1/classify", json={"text": CDMO}).json()
    assert last["result"] == client.post("/v1/classify", json={"text": CRO}).json()
    assert first["result"]["provider"]["type"] == "CDMO"
    assert last["result"]["provider"]["type"] == "CRO"


def test_a_text_over_the_limit_fails_only_its_item(client, settings):
    too_long = "x " * (settings.max_text_chars // 2 + 1)
    r = client.post("/v1/classify/batch", json={"items": [{"text": too_long}, {"text": CRO}]})
    assert r.status_code == 200
    codes = [x["error"]["code"] if x["error"] else None for x in r.json()["results"]]
    assert codes == ["E003", None]


def test_more_items_than_the_setting_is_refused(make_client):
    client = make_client(max_batch_items=2)
    r = client.post("/v1/classify/batch", json={"items": [{"text": CRO}] * 3})
    assert (r.status_code, r.json()["code"]) == (413, "E007")
    assert "limit is 2" in r.json()["detail"]
    assert client.post("/v1/classify/batch", json={"items": [{"text": CRO}] * 2}).status_code == 200


def test_a_malformed_batch_is_a_schema_error(client):
    for body in ({"items": []}, {"items": [{"text": 3}]}, {"texts": [CRO]}, {"items": "x"}):
        r = client.post("/v1/classify/batch", json=body)
        assert (r.status_code, r.json()["code"]) == (422, "E001"), body
        assert CRO not in r.text
