"""POST /v1/intake: form and attachments in, merged answer out, submission stored first."""

from __future__ import annotations

from classifier.schema import ClassificationResult

MONITORING = ("We are preparing a first-in-human study of our antibody. We need clinical "
              "monitoring, site management and data management for the trial.")
PEPTIDE = "We need GMP manufacture of 2 kg of our peptide API and fill-finish into vials."
NO_STAGE = "We need analytical method development and release testing for a small molecule."


def _count(client) -> int:
    return client.get("/v1/requests").json()["total"]


def test_form_and_text_are_merged_stored_and_located(make_client, document_corpus):
    client = make_client()
    pdf = (document_corpus / "rfp.pdf").read_bytes()
    r = client.post("/v1/intake",
                    data={"title": "Antibody FIH", "description": MONITORING,
                          "notes": ["Start in Q3."], "requester": "j.doe@sponsor.example",
                          "modality": "mAb", "phase": "Phase 1",
                          "services": ["drug_product_manufacturing", "clinical_trial_management"]},
                    files=[("attachments", ("rfp.pdf", pdf, "application/pdf"))])
    assert r.status_code == 201, r.text
    body = r.json()
    ClassificationResult.model_validate(body["classification"])
    text_services = [s["id"] for s in body["classification"]["services"]]
    assert "clinical_trial_management" in text_services and "api_manufacturing" in text_services
    assert body["declared"] == {"services": ["clinical_trial_management",
                                             "drug_product_manufacturing"],
                                "modality": "mAb", "phase": "Phase 1", "stage": "early_clinical"}
    assert "clinical_trial_management" in body["agreed"]
    if "drug_product_manufacturing" not in text_services:
        assert body["declared_only"] == ["drug_product_manufacturing"]
        assert any(d.startswith("requester ticked Drug product manufacturing")
                   for d in body["disagreements"])
    assert any("API manufacturing" in d and "did not tick" in d for d in body["disagreements"])
    sources = {src for s in body["classification"]["services"] for src in s["sources"]}
    assert "form#description" in sources and "rfp.pdf#page=2" in sources
    assert r.headers["location"] == f"/v1/requests/{body['request_id']}"

    stored = client.get(r.headers["location"]).json()
    assert stored["id"] == body["request_id"]
    assert stored["form"]["requester"] == "j.doe@sponsor.example"
    assert stored["form"]["notes"] == ["Start in Q3."]
    assert stored["attachments"][0]["name"] == "rfp.pdf"
    assert stored["attachments"][0]["bytes"] == len(pdf)
    assert stored["model_version"] == body["classification"]["model"]["version"]
    assert MONITORING in stored["text"] and "peptide API" in stored["text"]
    assert stored["result"]["disagreements"] == body["disagreements"]
    assert stored["reviewed"] is False


def test_declared_phase_gives_the_stage_when_the_text_is_silent(client):
    r = client.post("/v1/intake", data={"description": NO_STAGE, "phase": "Phase III"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["classification"]["stage"]["value"] == "unspecified"
    assert (body["stage"], body["stage_source"]) == ("late_clinical", "declared")
    assert client.get(f"/v1/requests/{body['request_id']}").json()["labels"]["stage"] == "late_clinical"


def test_unusable_submissions_are_refused_and_not_stored(make_client):
    client = make_client(max_attachments=1)
    cases = [
        ({"description": "  ", "title": ""}, [], 422, "E002"),
        ({"description": PEPTIDE, "services": ["fill_finish"]}, [], 422, "E001"),
        ({"description": PEPTIDE}, [("attachments", ("spec.xyz", b"abc"))], 415, "E004"),
        ({"description": PEPTIDE}, [("attachments", ("a.txt", PEPTIDE.encode())),
                                    ("attachments", ("b.txt", PEPTIDE.encode()))], 413, "E007"),
    ]
    for data, files, status, code in cases:
        r = client.post("/v1/intake", data=data, files=files or None)
        assert (r.status_code, r.json()["code"]) == (status, code), (data, r.text)
    assert _count(client) == 0


def test_an_empty_file_slot_is_ignored(client):
    # What a browser sends for a file input left empty: a part with filename="" and no bytes.
    body = ("--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n" + PEPTIDE
            + "\r\n--b\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n")
    r = client.post("/v1/intake", content=body.encode(),
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 201, r.text
    assert client.get(f"/v1/requests/{r.json()['request_id']}").json()["attachments"] == []
