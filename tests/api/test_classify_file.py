"""POST /v1/classify/file: an uploaded document, or a 4xx that says why it was refused."""

from __future__ import annotations

import pytest

from classifier.schema import ClassificationResult
from tests.conftest import CORPUS_ERRORS

STATUS = {"E002": 422, "E004": 415, "E005": 422, "E006": 413, "E007": 413, "E009": 422,
          "E010": 422}


def _upload(client, path, name=None, **kwargs):
    return client.post("/v1/classify/file", files={"file": (name or path.name, path.read_bytes())},
                       **kwargs)


@pytest.mark.parametrize("name, source", [("rfp.pdf", "rfp.pdf#page=2"), ("rfp.docx", "rfp.docx"),
                                          ("mail.eml", "mail.eml/spec.pdf#page=2")])
def test_a_document_is_classified_with_the_shape_of_classify(client, document_corpus, name, source):
    r = _upload(client, document_corpus / name)
    assert r.status_code == 200, r.text
    body = r.json()
    ClassificationResult.model_validate(body)  # the same answer shape as POST /v1/classify
    assert "api_manufacturing" in [s["id"] for s in body["services"]]
    assert body["provider"]["type"] in ("CDMO", "CRDMO")
    assert body["document"]["name"] == name
    api_tag = next(s for s in body["services"] if s["id"] == "api_manufacturing")
    assert source in api_tag["sources"]
    assert len(api_tag["sources"]) == len(api_tag["evidence"])


@pytest.mark.parametrize("name, code", sorted(CORPUS_ERRORS.items()))
def test_a_refused_file_gets_a_4xx_problem_with_the_reason(client, document_corpus, name, code):
    r = _upload(client, document_corpus / name)
    assert (r.status_code, r.json()["code"]) == (STATUS[code], code)
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"]


def test_a_file_over_the_size_bound_is_refused_unread(make_client, document_corpus):
    client = make_client(max_file_bytes=1000)
    r = _upload(client, document_corpus / "rfp.pdf")
    assert (r.status_code, r.json()["code"]) == (413, "E006")
    assert "1,000" in r.json()["detail"]


def test_a_path_in_the_file_name_is_dropped(client, document_corpus):
    r = _upload(client, document_corpus / "rfp.pdf", name="C:\\Users\\bd\\rfp.pdf")
    assert r.status_code == 200 and r.json()["document"]["name"] == "rfp.pdf"


def test_a_missing_file_part_is_a_schema_error(client):
    r = client.post("/v1/classify/file", data={"text": "hello"})
    assert (r.status_code, r.json()["code"]) == (422, "E001")
    assert r.json()["errors"][0]["loc"] == ["body", "file"]
