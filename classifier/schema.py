"""The one answer shape shared by the CLI, the API and batch output."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceTag(_Model):
    id: str = Field(description="Service id from the taxonomy.", examples=["api_manufacturing"])
    name: str = Field(description="Display name of the service.", examples=["API manufacturing"])
    score: float = Field(ge=0, le=1, description="Model probability that the document asks for it.",
                         examples=[0.93])
    evidence: list[str] = Field(description="Sentences of the document that led to the tag.",
                                examples=[["We need GMP manufacture of 5 kg of drug substance."]])
    sources: list[str] = Field(
        default_factory=list,
        description="Where each evidence sentence came from, in the same order (file, page, "
                    "attachment); empty for plain text.",
        examples=[["rfp.pdf#page=2"]])


class ProviderRecommendation(_Model):
    type: str = Field(description="CRO, CDMO, CRDMO or NONE.", examples=["CDMO"])
    confidence: float = Field(ge=0, le=1, description="Probability of this provider type.",
                              examples=[0.88])
    reasons: list[str] = Field(description="Why this provider type, naming services and cues.",
                               examples=[["only development and manufacturing services requested: "
                                          "api manufacturing"]])


class StageCall(_Model):
    value: str = Field(description="preclinical, early_clinical, late_clinical, commercial or "
                                   "unspecified.", examples=["late_clinical"])
    confidence: float = Field(ge=0, le=1, description="Model probability of this stage.",
                              examples=[0.71])
    evidence: list[str] = Field(description="Sentences that place the work at this stage.",
                                examples=[["Material is for our Phase 3 program."]])
    sources: list[str] = Field(
        default_factory=list,
        description="Where each evidence sentence came from, in the same order; empty for plain text.",
        examples=[["mail.eml/spec.pdf#page=1"]])


class ModelInfo(_Model):
    version: str = Field(description="Version of the model that answered.",
                         examples=["0.1.0+3f2a9c1d0b"])


class IgnoredSentence(_Model):
    text: str = Field(description="A sentence left out of the evidence.",
                      examples=["Clinical monitoring is handled by our current CRO."])
    reason: str = Field(description="exclusion, history or boilerplate.", examples=["exclusion"])


class DocumentInfo(_Model):
    name: str = Field(description="File name (or path) of the document as given.",
                      examples=["rfp.pdf"])
    format: str = Field(description="pdf, docx, text, html, eml or rtf.", examples=["pdf"])
    sources: list[str] = Field(description="Every part the text was read from, in order.",
                               examples=[["rfp.pdf#page=1", "rfp.pdf#page=2"]])
    characters: int = Field(ge=0, description="Characters of extracted text that were classified.",
                            examples=[5210])


class ClassificationResult(_Model):
    services: list[ServiceTag] = Field(description="Only the services the document asks for, "
                                                   "highest score first.")
    provider: ProviderRecommendation = Field(description="Recommended provider type and why.")
    stage: StageCall = Field(description="Development stage the work is for.")
    model: ModelInfo = Field(description="The model that answered.")
    scores: dict[str, float] = Field(description="Score of every service, asked for or not.",
                                     examples=[{"api_manufacturing": 0.93,
                                                "clinical_trial_management": 0.04}])
    request_score: float = Field(ge=0, le=1, description="Probability that the document asks for "
                                                         "any outsourced service at all.",
                                 examples=[0.98])
    ignored: list[IgnoredSentence] = Field(
        default_factory=list,
        description="Sentences set aside as exclusions, history or boilerplate (at most 20).")
    warnings: list[str] = Field(default_factory=list,
                                description="Reasons to double-check this answer.",
                                examples=[["very short text (4 words): too little to be sure"]])
    document: DocumentInfo | None = Field(
        default=None, description="The file the text was extracted from; absent for plain text.")
