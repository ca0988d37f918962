"""Intake forms: what the requester declared, set against what the text of the request says.

A sponsor ticks services and names a phase on the form; the model reads the description
and the attachments. Both are kept: the text decides the tags, the form fills in the
stage when the text is silent, and every place where the two part ways is spelled out
for the reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from classifier.ingest import ExtractedDocument, TextPart
from classifier.schema import ClassificationResult
from classifier.taxonomy import Taxonomy, default_taxonomy

FORM_NAME = "intake form"
FORM_FORMAT = "form"
UNSPECIFIED = "unspecified"


class IntakeForm(BaseModel):
    """The structured part of a submission: every field a sponsor types or ticks."""

    title: str = Field(default="", max_length=500,
                       description="Short title of the request.",
                       examples=["Phase 2 peptide API and fill-finish"])
    description: str = Field(default="",
                             description="What the sponsor needs, in their own words.",
                             examples=[("We need GMP manufacture of 2 kg of our peptide API and "
                                        "fill-finish into vials for a Phase 2 study.")])
    notes: list[str] = Field(default_factory=list,
                             description="Answers to the form's other free-text questions "
                                         "(timeline, background, constraints); repeat the field "
                                         "for each.",
                             examples=[["First patient in planned for Q3 next year."]])
    requester: str | None = Field(default=None, max_length=200,
                                  description="Who submitted the request (name or e-mail).",
                                  examples=["j.doe@sponsor.example"])
    modality: str | None = Field(default=None, max_length=100,
                                 description="Modality as the requester names it; kept with the "
                                             "request for routing, not classified.",
                                 examples=["peptide"])
    phase: str | None = Field(default=None, max_length=100,
                              description="Development phase as the requester names it: a stage "
                                          "id or name, or a phase such as 'Phase 1', "
                                          "'IND-enabling', 'Phase III', 'marketed'.",
                              examples=["Phase 2"])
    services: list[str] = Field(default_factory=list,
                                description="Service ids the requester ticked (see "
                                            "/v1/taxonomy); repeat the field for each.",
                                examples=[["api_manufacturing", "drug_product_manufacturing"]])

    @field_validator("services")
    @classmethod
    def _known_services(cls, value: list[str]) -> list[str]:
        known = default_taxonomy().service_ids
        unknown = [s for s in value if s not in known]
        if unknown:
            raise ValueError(f"unknown service ids {unknown}; known: {known}")
        return sorted(set(value), key=known.index)

    @field_validator("requester", "modality", "phase")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        # An HTML form sends an untouched field as "": that is "not stated", not a value.
        if value is None:
            return None
        return value.strip() or None


class Declared(BaseModel):
    """What the form says, with the phase read as a stage."""

    services: list[str] = Field(description="Service ids the requester ticked.",
                                examples=[["drug_product_manufacturing"]])
    modality: str | None = Field(description="Modality as declared.", examples=["peptide"])
    phase: str | None = Field(description="Phase as declared.", examples=["Phase 2"])
    stage: str | None = Field(description="Stage id the declared phase maps to; null when no "
                                          "phase was given or it names no stage.",
                              examples=["early_clinical"])


class IntakeMerge(BaseModel):
    """The model's reading of the text next to the form, and where they part ways."""

    model_config = ConfigDict(extra="forbid")

    classification: ClassificationResult = Field(
        description="What the text (description, notes, attachments) says: the same answer as "
                    "POST /v1/classify.")
    declared: Declared = Field(description="What the form declares.")
    stage: str = Field(description="Stage of the request: the text's, or the declared phase's "
                                   "when the text does not say.", examples=["early_clinical"])
    stage_source: Literal["text", "declared"] = Field(
        description="Where `stage` comes from.", examples=["text"])
    agreed: list[str] = Field(description="Services both the text and the form name.",
                              examples=[["api_manufacturing"]])
    text_only: list[str] = Field(description="Services the text asks for that the form did not tick.",
                                 examples=[["process_development"]])
    declared_only: list[str] = Field(description="Services the form ticked that the text does not "
                                                 "ask for.",
                                     examples=[["drug_product_manufacturing"]])
    disagreements: list[str] = Field(
        description="Each place where form and text disagree, in words, for the reviewer.",
        examples=[[("requester ticked Drug product manufacturing; the text asks for Clinical "
                    "trial management only")]])
    warnings: list[str] = Field(default_factory=list,
                                description="Form values that could not be used, and why.",
                                examples=[[("declared phase 'soon' names no stage; the stage is "
                                            "taken from the text")]])


def _normalise(phrase: str) -> str:
    return " ".join(re.sub(r"[-_]", " ", phrase.lower()).split()).strip(" .")


def stage_for_phase(phase: str | None, taxonomy: Taxonomy | None = None) -> str | None:
    """The stage id a declared phase names, from the taxonomy's stage ids, names and phases."""
    if not phase:
        return None
    taxonomy = taxonomy or default_taxonomy()
    wanted = _normalise(phase)
    for stage in taxonomy.stages:
        if wanted in {_normalise(p) for p in (stage.id, stage.name, *stage.phases)}:
            return stage.id
    return None


def compose_document(form: IntakeForm, attachments: Sequence[ExtractedDocument] = ()
                     ) -> ExtractedDocument:
    """One document of the form's text fields and the attachments' parts, each part named.

    The evidence of the answer then says whether a sentence came from the description or
    from page 3 of an attached PDF.
    """
    parts = [TextPart(text=text, source=f"form#{name}")
             for name, text in (("title", form.title), ("description", form.description))
             if text.strip()]
    parts += [TextPart(text=note, source=f"form#notes[{i}]")
              for i, note in enumerate(form.notes, 1) if note.strip()]
    warnings: list[str] = []
    for doc in attachments:
        parts.extend(doc.parts)
        warnings.extend(f"{doc.name}: {w}" for w in doc.warnings)
    return ExtractedDocument(name=FORM_NAME, format=FORM_FORMAT, parts=tuple(parts),
                             warnings=tuple(warnings))


def _names(ids: Sequence[str], taxonomy: Taxonomy) -> str:
    names = [taxonomy.service(s).name for s in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _stage_name(stage_id: str, taxonomy: Taxonomy) -> str:
    return next(s.name for s in taxonomy.stages if s.id == stage_id).lower()


def merge(form: IntakeForm, result: ClassificationResult, taxonomy: Taxonomy | None = None
          ) -> IntakeMerge:
    """Set the form's declarations against the classification of its text."""
    taxonomy = taxonomy or default_taxonomy()
    text_services = [t.id for t in result.services]
    evidence = {t.id: t.evidence for t in result.services}
    declared_services = form.services
    agreed = [s for s in text_services if s in declared_services]
    text_only = [s for s in text_services if s not in declared_services]
    declared_only = [s for s in declared_services if s not in text_services]

    disagreements: list[str] = []
    if declared_only:
        asked = (f"asks for {_names(text_services, taxonomy)} only" if text_services
                 else "asks for no outsourced service")
        disagreements += [f"requester ticked {_names([s], taxonomy)}; the text {asked}"
                          for s in declared_only]
    if declared_services:
        for s in text_only:
            quote = f' ("{evidence[s][0]}")' if evidence.get(s) else ""
            disagreements.append(f"the text asks for {_names([s], taxonomy)}{quote}; "
                                 "the requester did not tick it")

    warnings: list[str] = []
    declared_stage = stage_for_phase(form.phase, taxonomy)
    if form.phase and declared_stage is None:
        warnings.append(f"declared phase '{form.phase}' names no stage; the stage is taken from "
                        "the text")
    if declared_stage == UNSPECIFIED:
        declared_stage = None
    text_stage = result.stage.value
    stage, source = text_stage, "text"
    if declared_stage and result.provider.type == "NONE":
        # A request for no service has no stage (the label contract); the reviewer decides.
        warnings.append(f"declared phase '{form.phase}' not used: the text asks for no "
                        "outsourced service")
    elif declared_stage and text_stage == UNSPECIFIED:
        stage, source = declared_stage, "declared"
    elif declared_stage and declared_stage != text_stage:
        quote = f' ("{result.stage.evidence[0]}")' if result.stage.evidence else ""
        disagreements.append(
            f"requester declared phase '{form.phase}' ({_stage_name(declared_stage, taxonomy)}); "
            f"the text points to {_stage_name(text_stage, taxonomy)}{quote}")

    return IntakeMerge(
        classification=result,
        declared=Declared(services=declared_services, modality=form.modality, phase=form.phase,
                          stage=declared_stage),
        stage=stage, stage_source=source, agreed=agreed, text_only=text_only,
        declared_only=declared_only, disagreements=disagreements, warnings=warnings)
