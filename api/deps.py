"""Dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from classifier.pipeline import Classifier
from classifier.settings import Settings


def get_classifier(request: Request) -> Classifier:
    return request.app.state.classifier


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


ModelDep = Annotated[Classifier, Depends(get_classifier)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
