"""The review queue: stored intake requests, and reviewers' confirmations and corrections."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from api.deps import ModelDep, StoreDep
from api.errors import problem_responses
from classifier.errors import DataError, InvalidInputError, RequestNotFoundError, StoreError
from classifier.store import RequestDetail, RequestFilter, RequestPage, ReviewInput

router = APIRouter(prefix="/v1", tags=["review"])

RequestId = Annotated[int, Path(ge=1, description="Id of the stored request.", examples=[42])]


@router.get(
    "/requests", response_model=RequestPage,
    summary="List stored intake requests",
    description="Newest first, paged. Filters apply to the current labels: the review's when "
                "the request was reviewed, else the prediction's.",
    responses=problem_responses(InvalidInputError, StoreError))
def list_requests(
    store: StoreDep, classifier: ModelDep,
    provider_type: Annotated[Literal["CRO", "CDMO", "CRDMO", "NONE"] | None, Query(
        description="Only this provider type.", examples=["CDMO"])] = None,
    service: Annotated[str | None, Query(description="Only requests tagged with this service id.",
                                         examples=["api_manufacturing"])] = None,
    stage: Annotated[str | None, Query(description="Only this stage id.",
                                       examples=["early_clinical"])] = None,
    reviewed: Annotated[bool | None, Query(description="true: reviewed only; false: awaiting "
                                                       "review only.", examples=[False])] = None,
    since: Annotated[date | None, Query(description="Submitted on or after this day (UTC).",
                                        examples=["2025-03-01"])] = None,
    until: Annotated[date | None, Query(description="Submitted on or before this day (UTC).",
                                        examples=["2025-03-31"])] = None,
    page: Annotated[int, Query(ge=1, description="Page number, from 1.", examples=[1])] = 1,
    page_size: Annotated[int, Query(ge=1, le=100, description="Requests per page.",
                                    examples=[20])] = 20,
) -> RequestPage:
    taxonomy = classifier.taxonomy
    if service and service not in taxonomy.service_ids:
        raise InvalidInputError(f"unknown service {service!r}; known: {taxonomy.service_ids}")
    if stage and stage not in taxonomy.stage_ids:
        raise InvalidInputError(f"unknown stage {stage!r}; known: {taxonomy.stage_ids}")
    filters = RequestFilter(provider_type=provider_type, service=service, stage=stage,
                            reviewed=reviewed, since=since, until=until)
    return store.search(filters, page=page, page_size=page_size)


@router.get(
    "/requests/{request_id}", response_model=RequestDetail,
    summary="One stored intake request",
    description="The form as submitted, the text classified, the answer given, the model "
                "version, and the latest review.",
    responses=problem_responses(InvalidInputError, RequestNotFoundError, StoreError))
def get_request(request_id: RequestId, store: StoreDep) -> RequestDetail:
    return store.get(request_id)


@router.post(
    "/requests/{request_id}/review", response_model=RequestDetail,
    summary="Confirm or correct a request's labels",
    description="Records who reviewed and when. Labels left out are confirmed as predicted; "
                "corrected services without a provider type get the one the label contract "
                "gives them. Labels that break the contract (a provider type that does not fit "
                "the services, a stage for NONE) are refused with E301. A later review replaces "
                "an earlier one.",
    responses=problem_responses(InvalidInputError, DataError, RequestNotFoundError, StoreError))
def review_request(request_id: RequestId, body: ReviewInput, store: StoreDep) -> RequestDetail:
    return store.review(request_id, body)
