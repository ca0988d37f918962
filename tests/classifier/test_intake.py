"""Intake merge: the form's declarations set against the classification of its text."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from classifier.ingest import ExtractedDocument, TextPart
from classifier.intake import IntakeForm, compose_document, merge, stage_for_phase


@pytest.mark.parametrize("phase, stage", [
    ("Phase 1", "early_clinical"), ("phase I/II", "early_clinical"), ("Phase 2b", "early_clinical"),
    ("first in human", "early_clinical"), ("IND-enabling", "preclinical"),
    ("ind enabling", "preclinical"), ("Preclinical", "preclinical"), ("Phase III", "late_clinical"),
    ("pivotal", "late_clinical"), ("commercial", "commercial"), ("Marketed.", "commercial"),
    ("early_clinical", "early_clinical"), ("Late clinical", "late_clinical"),
])
def test_declared_phases_map_to_stages(phase, stage, taxonomy):
    assert stage_for_phase(phase, taxonomy) == stage


@pytest.mark.parametrize("phase", [None, "", "soon", "phase 7"])
def test_unknown_or_missing_phase_maps_to_nothing(phase, taxonomy):
    assert stage_for_phase(phase, taxonomy) is None


def test_every_stage_but_unspecified_lists_phases_and_none_is_shared(taxonomy):
    seen: dict[str, str] = {}
    for stage in taxonomy.stages:
        assert bool(stage.phases) == (stage.id != "unspecified"), stage.id
        for phase in stage.phases:
            assert stage_for_phase(phase, taxonomy) == stage.id
            assert seen.setdefault(phase.lower(), stage.id) == stage.id


def test_form_refuses_unknown_services_and_tidies_known_ones():
    with pytest.raises(ValidationError, match="unknown service ids"):
        IntakeForm(services=["fill_finish"])
    form = IntakeForm(services=["drug_product_manufacturing", "api_manufacturing",
                                "api_manufacturing"], phase="  ", modality="", requester=" x ")
    assert form.services == ["api_manufacturing", "drug_product_manufacturing"]  # taxonomy order
    assert form.phase is None and form.modality is None and form.requester == "x"


def test_compose_names_every_part_and_skips_empty_fields():
    attachment = ExtractedDocument(name="spec.pdf", format="pdf",
                                   parts=(TextPart("Page one.", "spec.pdf#page=1"),
                                          TextPart("Page two.", "spec.pdf#page=2")),
                                   warnings=("page 3 has no text",))
    form = IntakeForm(title="Fill-finish", description="", notes=["Timeline: Q3.", "  "])
    doc = compose_document(form, [attachment])
    assert [p.source for p in doc.parts] == ["form#title", "form#notes[1]", "spec.pdf#page=1",
                                             "spec.pdf#page=2"]
    assert doc.text.startswith("Fill-finish") and "Page two." in doc.text
    assert doc.warnings == ("spec.pdf: page 3 has no text",)


def test_ticked_service_the_text_does_not_support_is_a_disagreement(make_result, taxonomy):
    result = make_result(["clinical_trial_management"], stage="early_clinical")
    form = IntakeForm(services=["drug_product_manufacturing"])
    merged = merge(form, result, taxonomy)
    assert merged.declared_only == ["drug_product_manufacturing"]
    assert merged.text_only == ["clinical_trial_management"]
    assert merged.agreed == []
    assert ("requester ticked Drug product manufacturing; the text asks for Clinical trial "
            "management only") in merged.disagreements
    assert any(d.startswith("the text asks for Clinical trial management")
               and "did not tick" in d for d in merged.disagreements)
    assert merged.classification == result  # the model's answer is passed through untouched


def test_agreement_and_nothing_declared_raise_no_disagreement(make_result, taxonomy):
    result = make_result(["api_manufacturing", "process_development"], stage="early_clinical")
    agreed = merge(IntakeForm(services=["api_manufacturing", "process_development"]), result, taxonomy)
    assert agreed.agreed == ["api_manufacturing", "process_development"]
    assert agreed.disagreements == [] and agreed.declared_only == [] and agreed.text_only == []
    silent = merge(IntakeForm(), result, taxonomy)
    assert silent.text_only == ["api_manufacturing", "process_development"]
    assert silent.disagreements == []


def test_ticked_service_with_no_request_in_the_text(make_result, taxonomy):
    merged = merge(IntakeForm(services=["supply_chain_management"]), make_result([]), taxonomy)
    assert merged.disagreements == [("requester ticked Supply chain management; the text asks for "
                                     "no outsourced service")]


def test_declared_phase_gives_the_stage_when_the_text_is_silent(make_result, taxonomy):
    merged = merge(IntakeForm(phase="Phase 1"), make_result(["api_manufacturing"]), taxonomy)
    assert (merged.stage, merged.stage_source) == ("early_clinical", "declared")
    assert merged.declared.stage == "early_clinical"
    assert merged.classification.stage.value == "unspecified"
    assert merged.disagreements == []


def test_text_stage_wins_over_a_different_declared_phase(make_result, taxonomy):
    result = make_result(["api_manufacturing"], stage="late_clinical")
    merged = merge(IntakeForm(phase="Phase 1"), result, taxonomy)
    assert (merged.stage, merged.stage_source) == ("late_clinical", "text")
    assert merged.disagreements == [("requester declared phase 'Phase 1' (early clinical); the text "
                                     "points to late clinical")]
    same = merge(IntakeForm(phase="Phase III"), result, taxonomy)
    assert same.disagreements == [] and same.stage == "late_clinical"


def test_unusable_phase_is_a_warning_not_a_stage(make_result, taxonomy):
    merged = merge(IntakeForm(phase="soon"), make_result(["api_manufacturing"]), taxonomy)
    assert (merged.stage, merged.stage_source) == ("unspecified", "text")
    assert merged.warnings == ["declared phase 'soon' names no stage; the stage is taken from the text"]
    none = merge(IntakeForm(phase="Phase 2"), make_result([]), taxonomy)
    assert none.stage == "unspecified"  # a request for nothing has no stage
    assert "the text asks for no outsourced service" in none.warnings[0]
