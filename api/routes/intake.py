"""POST /v1/intake: a sponsor's form, classified, set against what the form declares, stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import Field

from api.deps import LimitsDep, ModelDep, StoreDep
from api.errors import problem_responses
from api.uploads import UPLOAD_ERRORS, extract_upload, is_empty_slot
from classifier.errors import LimitExceededError, StoreError
from classifier.intake import IntakeForm, IntakeMerge, compose_document, merge
from classifier.store import AttachmentInfo

router = APIRouter(prefix="/v1", tags=["intake"])


class IntakeResult(IntakeMerge):
    request_id: int = Field(description="Id of the stored request: GET /v1/requests/{id}.",
                            examples=[42])


@router.post(
    "/intake", response_model=IntakeResult, status_code=201,
    summary="Submit an intake form",
    description="Multipart form: the form's fields and any attachments (same formats and bounds "
                "as POST /v1/classify/file). The text of the description, notes and attachments "
                "is classified; `classification` is the same answer as POST /v1/classify. The "
                "form's ticked services and phase are set against it: `disagreements` says "
                "where they part ways, and the declared phase gives the stage when the text is "
                "silent. Submission and answer are stored, with the model version, before the "
                "answer is sent; `Location` names the stored request.",
    responses=problem_responses(*UPLOAD_ERRORS, StoreError))
def intake(
    form: Annotated[IntakeForm, Form()],
    classifier: ModelDep, store: StoreDep, limits: LimitsDep, response: Response,
    attachments: Annotated[list[UploadFile] | None, File(
        description="Files attached to the form; repeat the part for each.",
        examples=[["spec.pdf"]])] = None,
) -> IntakeResult:
    files = [a for a in attachments or [] if not is_empty_slot(a)]
    if len(files) > limits.max_attachments:
        raise LimitExceededError(f"{len(files)} attachments; the limit is {limits.max_attachments} "
                                 "(RFP_MAX_ATTACHMENTS)")
    extracted = [extract_upload(f, limits) for f in files]
    document = compose_document(form, [doc for doc, _ in extracted])
    merged = merge(form, classifier.classify_extracted(document), classifier.taxonomy)
    info = [AttachmentInfo(name=doc.name, format=doc.format, bytes=size, characters=len(doc.text))
            for doc, size in extracted]
    stored = store.add(form, document.text, merged, info)
    response.headers["Location"] = f"/v1/requests/{stored.id}"
    return IntakeResult(request_id=stored.id, **merged.model_dump())
