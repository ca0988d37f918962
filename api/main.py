"""The FastAPI application: the model is loaded and verified once, before serving."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.body_limit import BodyLimitMiddleware
from api.errors import install_error_handlers, problem_responses
from api.routes import batch, classify, classify_file, intake, meta, requests, web
from api.security import API_KEY_HEADER, require_api_key
from classifier import __version__
from classifier.errors import AuthenticationError
from classifier.pipeline import Classifier
from classifier.settings import Settings, get_settings
from classifier.store import Store


def create_app(settings: Settings | None = None, classifier: Classifier | None = None,
               store: Store | None = None) -> FastAPI:
    """Build the app; a model that fails its checks, or a store that cannot be migrated,
    stops start-up with its error."""
    settings = settings or get_settings()
    classifier = classifier or Classifier.from_dir(settings.model_dir,
                                                   max_chars=settings.max_text_chars)
    store = store or Store(settings.database_url, classifier.taxonomy)
    store.upgrade()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.dispose()

    app = FastAPI(
        title="rfp-classifier",
        version=__version__,
        description="Tags pharma and biotech outsourcing requests with the services they need, "
                    "recommends a provider type (CRO, CDMO, CRDMO or NONE) and gives the "
                    "development stage, each with the sentences behind it. Intake submissions "
                    "are stored for review; reviewed corrections become training data. When "
                    f"RFP_API_KEYS is set, every route but /healthz needs an `{API_KEY_HEADER}` "
                    "header.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.classifier = classifier
    app.state.store = store
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=[API_KEY_HEADER, "Content-Type"],
                           expose_headers=["Location"])
    protected = {"dependencies": [Depends(require_api_key)],
                 "responses": problem_responses(AuthenticationError)}
    for module in (classify, classify_file, batch, intake, requests, meta):
        app.include_router(module.router, **protected)
    app.include_router(meta.public)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    return app
