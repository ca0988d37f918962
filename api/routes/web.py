"""The browser pages: intake at /, review at /review; plain files, no build step."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
def intake_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html")


@router.get("/review")
def review_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "review.html")
