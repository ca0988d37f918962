"""Uploaded files to extracted documents, within the ingestion bounds."""

from __future__ import annotations

from fastapi import UploadFile

from classifier.errors import (CorruptFileError, EmptyTextError, EncryptedFileError,
                               ExtractionTimeoutError, FileTooLargeError, InvalidInputError,
                               LimitExceededError, NoExtractableTextError, RequestTooLargeError,
                               TextTooLargeError, UnsupportedFormatError)
from classifier.ingest import ExtractedDocument, Limits, extract_bytes

# What a route that reads files can answer besides its result, for the OpenAPI documentation.
UPLOAD_ERRORS = (InvalidInputError, EmptyTextError, NoExtractableTextError, ExtractionTimeoutError,
                 CorruptFileError, EncryptedFileError, TextTooLargeError, FileTooLargeError,
                 LimitExceededError, RequestTooLargeError, UnsupportedFormatError)


def is_empty_slot(upload: UploadFile) -> bool:
    """A file input left empty still sends a nameless, empty part."""
    return not upload.filename and not upload.size


def extract_upload(upload: UploadFile, limits: Limits) -> tuple[ExtractedDocument, int]:
    """The upload's text and its size in bytes; an oversized file is refused unread."""
    name = (upload.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    if upload.size is not None and upload.size > limits.max_file_bytes:
        raise FileTooLargeError(f"{name} has {upload.size:,} bytes; the limit is "
                                f"{limits.max_file_bytes:,} (RFP_MAX_FILE_BYTES)")
    data = upload.file.read()
    return extract_bytes(data, name, limits), len(data)
