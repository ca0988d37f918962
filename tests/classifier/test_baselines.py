"""Baselines: the keyword matcher and the spaCy textcat answer in the product's shape."""

from __future__ import annotations

import pytest

from classifier.baselines import KeywordBaseline, TextcatBaseline
from classifier.data import LabelledDocument
from classifier.errors import TrainingError
from classifier.evaluation import compute_metrics
from tests.conftest import tiny_corpus_rows


@pytest.fixture(scope="module")
def keywords(taxonomy):
    return KeywordBaseline(taxonomy)


def _services(result):
    return [t.id for t in result.services]


def test_a_cue_tags_its_service_with_evidence(keywords, taxonomy):
    (r,) = keywords.predict(["Intro line.\nWe need GLP TOXICOLOGY studies in rats.\nThanks."])
    assert _services(r) == ["preclinical_research"]
    assert r.services[0].evidence == ["We need GLP TOXICOLOGY studies in rats."]
    assert r.provider.type == "CRO"
    assert r.model.version == "baseline-keywords"
    assert set(r.scores) == set(taxonomy.service_ids)
    assert r.scores["preclinical_research"] == 1.0 and r.scores["api_manufacturing"] == 0.0


def test_provider_type_comes_from_the_product_mapping(keywords):
    r_crdmo, r_cdmo, r_none = keywords.predict([
        "Site monitoring for the trial and fill-finish of the vials.",
        "Fill-finish of vials and tech transfer of the process.",
        "Tender for office cleaning at our campus."])
    assert r_crdmo.provider.type == "CRDMO"
    assert sorted(_services(r_cdmo)) == ["drug_product_manufacturing", "process_development"]
    assert r_cdmo.provider.type == "CDMO"
    assert (r_none.services, r_none.provider.type, r_none.request_score) == ([], "NONE", 0.0)


def test_cues_match_on_word_boundaries_and_abbreviations_by_case(keywords):
    shirt, upper_api, lower_ds, upper_ds = keywords.predict([
        "T-shirt printing for the staff party.",     # "irt" is a supply-chain cue
        "Quote for 2 kg of API please.",
        "the ds file is attached",
        "Need GMP DS for the study.",
    ])
    assert _services(shirt) == []
    assert _services(upper_api) == ["api_manufacturing"]
    assert _services(lower_ds) == []
    assert _services(upper_ds) == ["api_manufacturing"]


def test_stage_from_stage_cues_latest_wins_unspecified_without(keywords):
    early, latest, none, no_request = keywords.predict([
        "Fill-finish for our Phase 2 study.",
        "Fill-finish for Phase 2 now and the pivotal Phase 3 later.",
        "Fill-finish of 5,000 vials.",
        "Our Phase 3 results were presented at the congress.",
    ])
    assert early.stage.value == "early_clinical"
    assert early.stage.evidence == ["Fill-finish for our Phase 2 study."]
    assert latest.stage.value == "late_clinical"
    assert none.stage.value == "unspecified"
    # A document that asks for nothing has no stage, by the product's rule.
    assert (no_request.provider.type, no_request.stage.value) == ("NONE", "unspecified")


def test_negation_is_not_understood_by_the_keyword_baseline(keywords):
    (r,) = keywords.predict(["We need a Phase 1 CRO. Drug product manufacturing is out of scope."])
    # The obvious alternative tags what the text excludes: this is what the product improves on.
    assert "drug_product_manufacturing" in _services(r)


def _tiny_docs():
    return [LabelledDocument(**row) for row in tiny_corpus_rows()]


@pytest.fixture(scope="module")
def tiny_textcat(taxonomy):
    return TextcatBaseline(taxonomy, epochs=15, batch_size=8).fit(_tiny_docs())


def test_textcat_learns_a_tiny_corpus(tiny_textcat, taxonomy):
    docs = _tiny_docs()
    results = tiny_textcat.predict([d.text for d in docs])
    assert len(results) == len(docs)
    assert {r.model.version for r in results} == {"baseline-spacy-textcat"}
    assert all(set(r.scores) == set(taxonomy.service_ids) for r in results)
    metrics = compute_metrics(docs, results, taxonomy)
    assert metrics["micro"]["f1"] >= 0.8
    assert metrics["provider_accuracy"] >= 0.8
    # Tagged services and the provider type agree, through the product's mapping.
    for r in results:
        assert all(t.score >= 0.5 for t in r.services)
        assert (r.provider.type == "NONE") == (not r.services)


def test_textcat_is_reproducible_with_its_seed(tiny_textcat, taxonomy):
    texts = ["GMP manufacture of API for a Phase 1 study.", "Office cleaning tender."]
    again = TextcatBaseline(taxonomy, epochs=15, batch_size=8).fit(_tiny_docs())
    assert [r.scores for r in again.predict(texts)] == [r.scores for r in tiny_textcat.predict(texts)]


def test_textcat_refuses_to_predict_unfitted_or_fit_nothing(taxonomy):
    with pytest.raises(TrainingError):
        TextcatBaseline(taxonomy).predict(["text"])
    with pytest.raises(TrainingError):
        TextcatBaseline(taxonomy).fit([])


def test_textcat_reads_only_the_first_max_tokens(tiny_textcat):
    request = "GMP manufacture of 5 kg of API for the Phase 1 study."
    filler = "Background. " * (tiny_textcat.max_tokens // 2)  # two tokens each
    alone, buried, filler_only = tiny_textcat.predict([request, filler + request, filler])
    assert "api_manufacturing" in _services(alone)
    assert buried.scores == filler_only.scores
