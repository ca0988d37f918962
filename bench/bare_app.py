"""The API's ceiling: a FastAPI app that parses the same JSON body and answers a constant.

Served exactly like the product (uvicorn, ``--factory``, one worker process), so what separates
the two is the product's own work: classification, evidence and its answer's serialization.
"""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

ANSWER = {"status": "ok"}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str


def create_app() -> FastAPI:
    app = FastAPI(title="bare endpoint")

    # A plain ``def`` like the product's route, so both run in the same thread pool.
    @app.post("/v1/classify")
    def classify(body: Body) -> dict:
        return ANSWER

    @app.get("/readyz")
    def readyz() -> dict:
        return {"status": "ready"}

    return app
