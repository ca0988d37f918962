"""The FastAPI application: the model is loaded and verified once, before serving."""

from __future__ import annotations

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import classify, meta
from classifier import __version__
from classifier.pipeline import Classifier
from classifier.settings import Settings, get_settings


def create_app(settings: Settings | None = None, classifier: Classifier | None = None) -> FastAPI:
    """Build the app; a model that fails its checks stops start-up with its error."""
    settings = settings or get_settings()
    app = FastAPI(
        title="rfp-classifier",
        version=__version__,
        description="Tags pharma and biotech outsourcing requests with the services they need, "
                    "recommends a provider type (CRO, CDMO, CRDMO or NONE) and gives the "
                    "development stage, each with the sentences behind it.",
    )
    app.state.settings = settings
    app.state.classifier = classifier or Classifier.from_dir(settings.model_dir,
                                                             max_chars=settings.max_text_chars)
    install_error_handlers(app)
    app.include_router(classify.router)
    app.include_router(meta.router)
    return app
