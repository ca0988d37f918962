"""One place that turns every failure into an RFC 9457 problem response, never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from classifier.errors import RFPClassifierError

log = logging.getLogger("rfp_classifier.api")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, code: str, **extra) -> JSONResponse:
    body = {"type": f"urn:rfp-classifier:problem:{code}", "title": title, "status": status,
            "detail": detail, "code": code, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


async def _classifier_error(request: Request, exc: RFPClassifierError) -> JSONResponse:
    return problem(exc.http_status, exc.title, exc.detail, exc.code)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # The submitted text is confidential: report where and why, never the input itself.
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    return problem(422, "Invalid request", "the request body does not match the schema",
                   "E001", errors=errors)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem(exc.status_code, str(exc.detail), str(exc.detail), f"HTTP{exc.status_code}")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "Internal error", "the server failed to answer; the error was logged", "E000")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RFPClassifierError, _classifier_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
