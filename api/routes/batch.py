"""POST /v1/classify/batch: many texts, answered in order, one failure never failing the rest."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ModelDep, SettingsDep
from api.errors import problem_responses
from classifier.errors import InvalidInputError, LimitExceededError, RequestTooLargeError
from classifier.schema import ClassificationResult

router = APIRouter(prefix="/v1", tags=["classify"])


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, max_length=200,
                           description="Your reference for the item, echoed in its result.",
                           examples=["crm-1042"])
    text: str = Field(description="The document's text.",
                      examples=[("Phase 1 first-in-human study: we need site monitoring and "
                                 "data management.")])


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[BatchItem] = Field(
        min_length=1, description="The texts to classify; at most RFP_MAX_BATCH_ITEMS.",
        examples=[[{"id": "a", "text": "GMP fill-finish of 5,000 vials for our Phase 3 trial."},
                   {"id": "b", "text": ""}]])


class ItemError(BaseModel):
    code: str = Field(description="Stable error code.", examples=["E002"])
    title: str = Field(description="Short summary of the kind.", examples=["Empty text"])
    detail: str = Field(description="What is wrong with this item.",
                        examples=["text is empty or only whitespace"])


class BatchResult(BaseModel):
    index: int = Field(ge=0, description="Position of the item in the request.", examples=[0])
    id: str | None = Field(description="The item's id, as sent.", examples=["crm-1042"])
    result: ClassificationResult | None = Field(
        description="The answer, as POST /v1/classify gives it; null when the item failed.")
    error: ItemError | None = Field(description="Why the item could not be classified; null "
                                                "when it was.", examples=[None])


class BatchResponse(BaseModel):
    results: list[BatchResult] = Field(description="One per item, in the request's order.")
    succeeded: int = Field(ge=0, description="Items classified.", examples=[1])
    failed: int = Field(ge=0, description="Items that could not be.", examples=[1])


@router.post(
    "/classify/batch", response_model=BatchResponse,
    summary="Classify several texts",
    description="Up to RFP_MAX_BATCH_ITEMS texts in one request, answered in order. An item "
                "that cannot be classified (empty, too long) gets an `error` instead of a "
                "`result`; the others are still answered and the status is 200.",
    responses=problem_responses(InvalidInputError, LimitExceededError, RequestTooLargeError))
def classify_batch(body: BatchRequest, classifier: ModelDep, settings: SettingsDep) -> BatchResponse:
    if len(body.items) > settings.max_batch_items:
        raise LimitExceededError(f"the batch has {len(body.items)} items; the limit is "
                                 f"{settings.max_batch_items} (RFP_MAX_BATCH_ITEMS)")
    results = []
    answers = classifier.classify_many(item.text for item in body.items)
    for index, (item, answer) in enumerate(zip(body.items, answers)):
        if isinstance(answer, InvalidInputError):
            error = ItemError(code=answer.code, title=answer.title, detail=answer.detail)
            results.append(BatchResult(index=index, id=item.id, result=None, error=error))
        else:
            results.append(BatchResult(index=index, id=item.id, result=answer, error=None))
    failed = sum(r.error is not None for r in results)
    return BatchResponse(results=results, succeeded=len(results) - failed, failed=failed)
