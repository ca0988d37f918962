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


class ModelInfo(_Model):
    version: str = Field(description="Version of the model that answered.",
                         examples=["0.1.0+3f2a9c1d0b"])


class IgnoredSentence(_Model):
    text: str = Field(description="A sentence left out of the evidence.")
    reason: str = Field(description="exclusion, history or boilerplate.", examples=["exclusion"])


class ClassificationResult(_Model):
    services: list[ServiceTag] = Field(description="Only the services the document asks for, "
                                                   "highest score first.")
    provider: ProviderRecommendation
    stage: StageCall
    model: ModelInfo
    scores: dict[str, float] = Field(description="Score of every service, asked for or not.")
    request_score: float = Field(ge=0, le=1, description="Probability that the document asks for "
                                                         "any outsourced service at all.")
    ignored: list[IgnoredSentence] = Field(
        default_factory=list,
        description="Sentences set aside as exclusions, history or boilerplate (at most 20).")
    warnings: list[str] = Field(default_factory=list,
                                description="Reasons to double-check this answer.")
