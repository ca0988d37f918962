"""POST /v1/classify/file: one uploaded document (PDF, Word, e-mail, HTML, RTF, text)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from api.deps import LimitsDep, ModelDep
from api.errors import problem_responses
from api.uploads import UPLOAD_ERRORS, extract_upload
from classifier.ingest import SUPPORTED_SUFFIXES
from classifier.schema import ClassificationResult

router = APIRouter(prefix="/v1", tags=["classify"])


@router.post(
    "/classify/file", response_model=ClassificationResult,
    summary="Classify one uploaded document",
    description="Multipart upload of one file (" + ", ".join(SUPPORTED_SUFFIXES) + "). The "
                "answer is the same as POST /v1/classify, plus `document` (name, format, parts "
                "read) and, for each evidence sentence, the page or attachment it came from. A "
                "file that cannot be read (unknown type, scanned PDF, encrypted, damaged, over a "
                "bound) is refused with a 4xx problem that says why.",
    responses=problem_responses(*UPLOAD_ERRORS))
def classify_file(
    file: Annotated[UploadFile, File(description="The document, as a multipart file part named "
                                                 "`file`; its name's suffix gives its format.",
                                     examples=["rfp.pdf"])],
    classifier: ModelDep, limits: LimitsDep,
) -> ClassificationResult:
    document, _ = extract_upload(file, limits)
    return classifier.classify_extracted(document)
