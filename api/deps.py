"""Dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from classifier.ingest import Limits
from classifier.pipeline import Classifier
from classifier.settings import Settings
from classifier.store import Store


def get_classifier(request: Request) -> Classifier:
    return request.app.state.classifier


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_limits(request: Request) -> Limits:
    return Limits.from_settings(request.app.state.settings)


ModelDep = Annotated[Classifier, Depends(get_classifier)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
LimitsDep = Annotated[Limits, Depends(get_limits)]
