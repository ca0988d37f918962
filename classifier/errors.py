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
