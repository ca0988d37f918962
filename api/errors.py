"""One place that turns every failure into an RFC 9457 problem response, never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from classifier.errors import RFPClassifierError

log = logging.getLogger("rfp_classifier.api")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, code: str, **extra) -> JSONResponse:
    body = {"type": f"urn:rfp-classifier:problem:{code}", "title": title, "status": status,
            "detail": detail, "code": code, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class Problem(BaseModel):
    """Every error answer (RFC 9457 problem details), for the OpenAPI documentation."""

    type: str = Field(description="URN naming the problem kind.",
                      examples=["urn:rfp-classifier:problem:E002"])
    title: str = Field(description="Short, stable summary of the kind.", examples=["Empty text"])
    status: int = Field(description="HTTP status, repeated.", examples=[422])
    detail: str = Field(description="What went wrong with this request; never echoes the "
                                    "submitted text.", examples=["text is empty or only whitespace"])
    code: str = Field(description="Stable error code (classifier/errors.py).", examples=["E002"])
    errors: list[dict] | None = Field(
        default=None, description="E001 only: where the body breaks the schema and why.",
        examples=[[{"loc": ["body", "text"], "msg": "Field required", "type": "missing"}]])


def problem_responses(*errors: type[RFPClassifierError]) -> dict[int | str, dict]:
    """OpenAPI ``responses`` for the typed errors a route can raise, grouped by status."""
    by_status: dict[int, list[type[RFPClassifierError]]] = {}
    for error in errors:
        by_status.setdefault(error.http_status, []).append(error)
    out: dict[int | str, dict] = {}
    for status, kinds in sorted(by_status.items()):
        first = kinds[0]
        out[status] = {
            "model": Problem,
            "description": "; ".join(f"{k.code} {k.title}" for k in kinds),
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}, "example": {
                "type": f"urn:rfp-classifier:problem:{first.code}", "title": first.title,
                "status": status, "detail": (first.__doc__ or first.title).strip().splitlines()[0],
                "code": first.code}}},
        }
    return out


def problem_for(exc: RFPClassifierError) -> JSONResponse:
    return problem(exc.http_status, exc.title, exc.detail, exc.code)


async def _classifier_error(request: Request, exc: RFPClassifierError) -> JSONResponse:
    return problem_for(exc)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # The submitted text is confidential: report where and why, never the input itself.
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    return problem(422, "Invalid request", "the request body does not match the schema",
                   "E001", errors=errors)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if isinstance(exc.__cause__, RFPClassifierError):
        # FastAPI wraps what fails while it reads the body (the body limit) in a 400.
        return problem_for(exc.__cause__)
    return problem(exc.status_code, str(exc.detail), str(exc.detail), f"HTTP{exc.status_code}")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "Internal error", "the server failed to answer; the error was logged", "E000")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RFPClassifierError, _classifier_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
