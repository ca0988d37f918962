"""Every error the product raises, with a stable code.

Codes are part of the interface: the CLI prints them, the API returns them in
its problem responses, and integrations may match on them. Never renumber.
"""

from __future__ import annotations


class RFPClassifierError(Exception):
    """Base class: a failure the caller can understand and act on."""

    code = "E000"
    title = "Classifier error"
    http_status = 500

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __str__(self) -> str:
        return f"[{self.code}] {self.detail}"


class InvalidInputError(RFPClassifierError):
    """The text or file given to classify cannot be used as it is."""

    code = "E001"
    title = "Invalid input"
    http_status = 422


class EmptyTextError(InvalidInputError):
    code = "E002"
    title = "Empty text"


class TextTooLargeError(InvalidInputError):
    code = "E003"
    title = "Text too large"
    http_status = 413


class UnsupportedFormatError(InvalidInputError):
    """A file type the ingestion does not read: reported, never guessed at."""

    code = "E004"
    title = "Unsupported file type"
    http_status = 415


class NoExtractableTextError(InvalidInputError):
    """The file holds no text layer (a scan?) or no text at all: not the same as a NONE answer."""

    code = "E005"
    title = "No extractable text"


class FileTooLargeError(InvalidInputError):
    """The file is over the byte limit; refused before it is read."""

    code = "E006"
    title = "File too large"
    http_status = 413


class LimitExceededError(InvalidInputError):
    """A bound on pages, archive members, decompressed size or attachments was hit."""

    code = "E007"
    title = "Input limit exceeded"
    http_status = 413


class ExtractionTimeoutError(InvalidInputError):
    """Extracting the text took longer than the time allowed for one file."""

    code = "E008"
    title = "Extraction timed out"


class CorruptFileError(InvalidInputError):
    """The file claims a format but cannot be parsed as it: truncated, damaged or mislabelled."""

    code = "E009"
    title = "Unreadable file"


class EncryptedFileError(InvalidInputError):
    """The document is password-protected: its text cannot be read."""

    code = "E010"
    title = "Encrypted document"


class AuthenticationError(RFPClassifierError):
    """The API requires a key and the request carries none, or one it does not accept."""

    code = "E401"
    title = "API key required"
    http_status = 401


class RequestTooLargeError(RFPClassifierError):
    """The HTTP request body is over RFP_MAX_BODY_BYTES; refused before it is parsed."""

    code = "E402"
    title = "Request too large"
    http_status = 413


class RequestNotFoundError(RFPClassifierError):
    """No stored intake request has that id."""

    code = "E403"
    title = "Request not found"
    http_status = 404


class StoreError(RFPClassifierError):
    """The intake store cannot be reached or is not at the schema this code expects."""

    code = "E404"
    title = "Request store unavailable"
    http_status = 503


class ModelNotFoundError(RFPClassifierError):
    """No model artifact where one was expected."""

    code = "E101"
    title = "Model not found"
    http_status = 503


class ModelIntegrityError(RFPClassifierError):
    """The artifact does not match its manifest: tampered, truncated or from elsewhere."""

    code = "E102"
    title = "Model artifact refused"
    http_status = 503


class ModelFormatError(RFPClassifierError):
    """The artifact or manifest is of a format version this code cannot read."""

    code = "E103"
    title = "Unsupported model format"
    http_status = 503


class TaxonomyError(RFPClassifierError):
    """The taxonomy file is malformed or inconsistent."""

    code = "E201"
    title = "Invalid taxonomy"


class DataError(RFPClassifierError):
    """A labelled data file breaks the label contract."""

    code = "E301"
    title = "Invalid labelled data"
    http_status = 422


class TrainingError(RFPClassifierError):
    """Training cannot proceed on the data given."""

    code = "E302"
    title = "Training failed"


class EngineUnavailableError(RFPClassifierError):
    """The batch engine cannot start: the Dask scheduler is unreachable or has no workers."""

    code = "E501"
    title = "Batch engine unavailable"
    http_status = 503
