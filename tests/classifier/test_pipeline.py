"""The bundled classifier end to end: the answer's shape and the behaviours users rely on."""

from __future__ import annotations

import pytest

from classifier.errors import EmptyTextError, InvalidInputError, TextTooLargeError
from classifier.pipeline import Classifier, check_text
from classifier.schema import ClassificationResult

CDMO_TEXT = ("We are looking for a CDMO to manufacture 3 kg of our small-molecule API under GMP "
             "and to make 10,000 film-coated tablets for our Phase 2 study.")
CRO_TEXT = ("Please quote full clinical trial management for a 120-patient Phase 2 study in "
            "Germany and Spain: site selection, monitoring visits, data management and the CSR.")
CRDMO_TEXT = ("Our biotech needs one partner for the whole journey: GLP toxicology studies in two "
              "species, then GMP drug substance and drug product for the first-in-human study, and "
              "running the Phase 1 trial itself.")
OFF_TOPIC = [
    "We invite bids for the renovation of the staff cafeteria at our pharmaceutical campus in Basel.",
    "Job advert: Senior Clinical Research Associate, oncology, home-based in France. Apply by 1 May.",
    "Acme Pharma announced today that it completed the acquisition of a CDMO with three sterile "
    "fill-finish plants.",
    "Request for quotation: 40 licences of our electronic lab notebook software, with training.",
]


def test_answer_has_the_documented_shape(classifier: Classifier):
    result = classifier.classify(CDMO_TEXT)
    body = result.model_dump()
    assert {"services", "provider", "stage", "model"} <= set(body)
    assert set(body["provider"]) >= {"type", "confidence", "reasons"}
    assert set(body["stage"]) >= {"value", "evidence"}
    assert body["model"]["version"] == classifier.version
    assert set(body["scores"]) == set(classifier.services)
    for tag in body["services"]:
        assert 0 <= tag["score"] <= 1
        assert tag["evidence"], "every tag cites at least one sentence"
        assert all(sentence in CDMO_TEXT for sentence in tag["evidence"])


def test_manufacturing_request_goes_to_a_cdmo(classifier: Classifier):
    result = classifier.classify(CDMO_TEXT)
    ids = {t.id for t in result.services}
    assert {"api_manufacturing", "drug_product_manufacturing"} <= ids
    assert result.provider.type == "CDMO"
    assert result.stage.value == "early_clinical"
    assert result.provider.reasons and "manufacturing" in result.provider.reasons[0]


def test_clinical_request_goes_to_a_cro(classifier: Classifier):
    result = classifier.classify(CRO_TEXT)
    assert "clinical_trial_management" in {t.id for t in result.services}
    assert result.provider.type == "CRO"
    assert result.stage.value == "early_clinical"


def test_request_on_both_sides_goes_to_an_integrated_partner(classifier: Classifier):
    result = classifier.classify(CRDMO_TEXT)
    assert result.provider.type == "CRDMO"
    sides = {classifier.taxonomy.side_of(t.id) for t in result.services}
    assert sides == {"research", "manufacturing"}


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_documents_get_none_and_no_services(classifier: Classifier, text: str):
    result = classifier.classify(text)
    assert result.provider.type == "NONE"
    assert result.services == []
    assert result.stage.value == "unspecified"


@pytest.mark.parametrize("text, excluded, wanted", [
    ("We need GMP manufacture of the API for our Phase 3 program. Drug product manufacturing is "
     "out of scope.", "drug_product_manufacturing", "api_manufacturing"),
    ("Clinical monitoring and data management for our Phase 2 trial. Bioanalysis of the PK "
     "samples is not required; our own lab does it.", "bioanalytical_services",
     "clinical_trial_management"),
    ("The GLP toxicology package was completed last year. We now need a partner for the "
     "first-in-human trial: sites, monitoring and data management.", "preclinical_research",
     "clinical_trial_management"),
    ("Please quote fill-finish of 2,000 vials. The drug substance will be provided by the "
     "sponsor.", "api_manufacturing", "drug_product_manufacturing"),
])
def test_excluded_and_historical_services_are_not_tagged(classifier: Classifier, text, excluded, wanted):
    result = classifier.classify(text)
    ids = {t.id for t in result.services}
    assert excluded not in ids
    assert wanted in ids
    assert any(i.reason in ("exclusion", "history") for i in result.ignored)


def test_evidence_never_cites_an_excluded_sentence(classifier: Classifier):
    text = ("Drug product manufacturing is out of scope. We need GMP API manufacture of 5 kg "
            "for the Phase 1 study.")
    for tag in classifier.classify(text).services:
        assert "out of scope" not in " ".join(tag.evidence)


def test_short_text_is_flagged(classifier: Classifier):
    result = classifier.classify("tox quote?")
    assert any("short" in w for w in result.warnings)


def test_batch_keeps_order_and_reports_bad_items_in_place(classifier: Classifier):
    results = list(classifier.classify_many([CDMO_TEXT, "   ", CRO_TEXT, 42]))
    assert isinstance(results[0], ClassificationResult)
    assert isinstance(results[1], EmptyTextError)
    assert isinstance(results[2], ClassificationResult)
    assert isinstance(results[3], InvalidInputError)
    assert results[0].provider.type == "CDMO" and results[2].provider.type == "CRO"


def test_batch_results_equal_single_results(classifier: Classifier):
    texts = [CDMO_TEXT, CRO_TEXT, CRDMO_TEXT, *OFF_TOPIC]
    batch = list(classifier.classify_many(texts, batch_size=3))
    assert [b.model_dump() for b in batch] == [classifier.classify(t).model_dump() for t in texts]


def test_check_text_bounds():
    with pytest.raises(EmptyTextError):
        check_text(" \n\t ")
    with pytest.raises(TextTooLargeError):
        check_text("a" * 11, max_chars=10)
    with pytest.raises(InvalidInputError):
        check_text(None)
    assert check_text("fine") == "fine"


def test_hostile_characters_do_not_break_classification(classifier: Classifier):
    text = "\u202eWe need\u200b GMP API\x00 manufacture \ud800 for Phase 1.\u2066"
    result = classifier.classify(text)
    assert result.provider.type in ("CDMO", "CRDMO", "CRO", "NONE")
