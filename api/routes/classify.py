"""POST /v1/classify."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ModelDep
from api.errors import problem_responses
from classifier.errors import (EmptyTextError, InvalidInputError, RequestTooLargeError,
                               TextTooLargeError)
from classifier.schema import ClassificationResult

router = APIRouter(prefix="/v1", tags=["classify"])


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The document's text: an RFP, intake entry, email or SOW.",
                      examples=["We need GMP manufacture of 2 kg of API and fill-finish of "
                                "vials for our Phase 2 trial. Clinical operations are out of scope."])


@router.post("/classify", response_model=ClassificationResult,
             summary="Classify one document",
             description="Services requested (with evidence), recommended provider type and "
                         "development stage of one document.",
             responses=problem_responses(InvalidInputError, EmptyTextError, TextTooLargeError,
                                         RequestTooLargeError))
def classify(body: ClassifyRequest, classifier: ModelDep) -> ClassificationResult:
    return classifier.classify(body.text)
