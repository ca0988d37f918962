"""From services to a provider type: the mechanical mapping and its confidence."""

from __future__ import annotations

import tomllib

import pytest

from classifier.provider import decide_provider, side_probability, type_probabilities
from classifier.taxonomy import TAXONOMY_PATH, Taxonomy, parse_taxonomy

RESEARCH = ["preclinical_research", "clinical_trial_management", "bioanalytical_services",
            "clinical_regulatory_affairs"]
MANUFACTURING = ["process_development", "analytical_development", "api_manufacturing",
                 "drug_product_manufacturing", "supply_chain_management",
                 "manufacturing_regulatory_support"]


def confident(selected, low: float = 0.02) -> dict[str, float]:
    """Scores where the selected services are near-certain and the rest near-zero."""
    return {s: (0.97 if s in selected else low) for s in RESEARCH + MANUFACTURING}


def _taxonomy_with_side(service_id: str, side: str) -> Taxonomy:
    with open(TAXONOMY_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    for s in raw["services"]:
        if s["id"] == service_id:
            s["side"] = side
    return parse_taxonomy(raw)


# -- decide_provider -----------------------------------------------------------------------


@pytest.mark.parametrize("selected", [[s] for s in RESEARCH] + [RESEARCH[:2], RESEARCH])
def test_research_only_is_cro(taxonomy, selected):
    decision = decide_provider(selected, confident(selected), taxonomy)
    assert decision.type == "CRO"
    assert decision.confidence >= 0.5
    assert "research" in decision.reasons[0]
    for sid in selected:
        assert taxonomy.service(sid).name.lower() in decision.reasons[0]


@pytest.mark.parametrize("selected", [[s] for s in MANUFACTURING] + [MANUFACTURING[2:4], MANUFACTURING])
def test_manufacturing_only_is_cdmo(taxonomy, selected):
    decision = decide_provider(selected, confident(selected), taxonomy)
    assert decision.type == "CDMO"
    assert decision.confidence >= 0.5
    for sid in selected:
        assert taxonomy.service(sid).name.lower() in decision.reasons[0]


@pytest.mark.parametrize("research, manufacturing", [
    ("preclinical_research", "api_manufacturing"),
    ("clinical_trial_management", "drug_product_manufacturing"),
    ("clinical_regulatory_affairs", "manufacturing_regulatory_support"),
])
def test_both_sides_is_crdmo_with_a_reason_naming_both(taxonomy, research, manufacturing):
    selected = [research, manufacturing]
    decision = decide_provider(selected, confident(selected), taxonomy)
    assert decision.type == "CRDMO"
    reason = decision.reasons[0]
    assert taxonomy.service(research).name.lower() in reason
    assert taxonomy.service(manufacturing).name.lower() in reason
    assert decision.confidence >= 0.5


def test_none_when_nothing_is_selected(taxonomy):
    decision = decide_provider([], confident([]), taxonomy)
    assert decision.type == "NONE"
    assert decision.reasons
    assert decision.confidence >= 0.5


def test_none_for_a_non_request_says_so(taxonomy):
    decision = decide_provider([], confident([]), taxonomy, request_probability=0.1)
    assert decision.type == "NONE"
    assert "other than a request" in decision.reasons[0]
    assert decision.confidence >= 0.9


@pytest.mark.parametrize("selected, plain", [
    (["api_manufacturing"], "CDMO"),
    (["clinical_trial_management"], "CRO"),
    (["process_development", "api_manufacturing"], "CDMO"),
])
def test_integrated_cue_with_one_side_is_crdmo(taxonomy, selected, plain):
    cue = "We want one partner end to end from candidate to commercial supply."
    assert decide_provider(selected, confident(selected), taxonomy).type == plain
    decision = decide_provider(selected, confident(selected), taxonomy, integrated_cue=cue)
    assert decision.type == "CRDMO"
    assert cue in decision.reasons[0]
    assert decision.confidence >= 0.5


def test_integrated_cue_without_services_stays_none(taxonomy):
    decision = decide_provider([], confident([]), taxonomy, integrated_cue="one partner end to end")
    assert decision.type == "NONE"


def test_low_confidence_adds_a_warning(taxonomy):
    selected = ["api_manufacturing"]
    sure = decide_provider(selected, {"api_manufacturing": 0.95}, taxonomy)
    assert sure.type == "CDMO"
    assert not any("low confidence" in r for r in sure.reasons)
    # A weak manufacturing score and a fair research score: CDMO is the answer but not a safe one.
    unsure = decide_provider(selected, {"api_manufacturing": 0.55, "preclinical_research": 0.45},
                             taxonomy)
    assert unsure.type == "CDMO"
    assert unsure.confidence < 0.5
    assert len(unsure.reasons) == 2
    assert "low confidence" in unsure.reasons[-1]
    assert f"{unsure.confidence:.2f}" in unsure.reasons[-1]


def test_confidence_is_rounded_and_bounded(taxonomy):
    for selected in ([], ["api_manufacturing"], ["preclinical_research", "api_manufacturing"]):
        decision = decide_provider(selected, confident(selected, low=0.3), taxonomy)
        assert 0.0 <= decision.confidence <= 1.0
        assert decision.confidence == round(decision.confidence, 4)


def test_unknown_service_is_an_error(taxonomy):
    with pytest.raises(KeyError):
        decide_provider(["not_a_service"], {}, taxonomy)


# -- type_probabilities --------------------------------------------------------------------


@pytest.mark.parametrize("scores, g", [
    ({}, 1.0),
    ({"preclinical_research": 0.7}, 1.0),
    ({"preclinical_research": 0.7, "api_manufacturing": 0.4}, 0.8),
    ({s: 0.5 for s in RESEARCH + MANUFACTURING}, 0.3),
    ({s: 1.0 for s in RESEARCH + MANUFACTURING}, 0.0),
    ({"drug_product_manufacturing": 0.99, "bioanalytical_services": 0.01}, 0.5),
])
def test_type_probabilities_sum_to_one(taxonomy, scores, g):
    probs = type_probabilities(scores, taxonomy, g)
    assert set(probs) == {"CRO", "CDMO", "CRDMO", "NONE"}
    assert sum(probs.values()) == pytest.approx(1.0)
    assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_type_probabilities_certain_cases(taxonomy):
    assert type_probabilities({"preclinical_research": 1.0}, taxonomy)["CRO"] == pytest.approx(1.0)
    assert type_probabilities({"api_manufacturing": 1.0}, taxonomy)["CDMO"] == pytest.approx(1.0)
    both = {"preclinical_research": 1.0, "api_manufacturing": 1.0}
    assert type_probabilities(both, taxonomy)["CRDMO"] == pytest.approx(1.0)
    assert type_probabilities({}, taxonomy)["NONE"] == pytest.approx(1.0)
    assert type_probabilities(both, taxonomy, request_probability=0.0)["NONE"] == pytest.approx(1.0)


def test_raising_a_research_score_moves_mass_to_research_types(taxonomy):
    base = {"api_manufacturing": 0.6}
    previous = None
    for x in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        probs = type_probabilities({**base, "clinical_trial_management": x}, taxonomy)
        research_types = probs["CRO"] + probs["CRDMO"]
        if previous is not None:
            assert research_types > previous["CRO"] + previous["CRDMO"]
            assert probs["CRDMO"] > previous["CRDMO"]
            assert probs["CDMO"] < previous["CDMO"]
            assert probs["NONE"] < previous["NONE"]
        previous = probs


def test_raising_a_manufacturing_score_moves_mass_to_manufacturing_types(taxonomy):
    base = {"preclinical_research": 0.5}
    previous = None
    for x in (0.0, 0.25, 0.5, 0.75, 1.0):
        probs = type_probabilities({**base, "supply_chain_management": x}, taxonomy)
        if previous is not None:
            assert probs["CDMO"] + probs["CRDMO"] > previous["CDMO"] + previous["CRDMO"]
            assert probs["CRO"] < previous["CRO"]
            assert probs["NONE"] < previous["NONE"]
        previous = probs


def test_lower_request_probability_raises_none(taxonomy):
    scores = {"preclinical_research": 0.7, "api_manufacturing": 0.7}
    nones = [type_probabilities(scores, taxonomy, g)["NONE"] for g in (1.0, 0.75, 0.5, 0.25, 0.0)]
    assert nones == sorted(nones)
    assert len(set(nones)) == len(nones)


def test_side_probability_combines_services(taxonomy):
    scores = {"preclinical_research": 0.5, "clinical_trial_management": 0.5, "api_manufacturing": 0.9}
    assert side_probability(scores, taxonomy, "research") == pytest.approx(0.75)
    assert side_probability(scores, taxonomy, "manufacturing") == pytest.approx(0.9)
    assert side_probability({}, taxonomy, "research") == 0.0


# -- the side mapping comes from the taxonomy ----------------------------------------------


def test_changing_a_side_in_the_taxonomy_changes_the_answer(taxonomy):
    selected = ["bioanalytical_services"]
    scores = {"bioanalytical_services": 0.95}
    assert decide_provider(selected, scores, taxonomy).type == "CRO"
    moved = _taxonomy_with_side("bioanalytical_services", "manufacturing")
    assert moved.side_of("bioanalytical_services") == "manufacturing"
    decision = decide_provider(selected, scores, moved)
    assert decision.type == "CDMO"
    assert type_probabilities(scores, moved)["CDMO"] == pytest.approx(0.95)
    assert type_probabilities(scores, taxonomy)["CRO"] == pytest.approx(0.95)


def test_moving_a_side_can_make_a_pair_integrated(taxonomy):
    selected = ["api_manufacturing", "analytical_development"]
    scores = confident(selected)
    assert decide_provider(selected, scores, taxonomy).type == "CDMO"
    moved = _taxonomy_with_side("analytical_development", "research")
    assert decide_provider(selected, scores, moved).type == "CRDMO"
