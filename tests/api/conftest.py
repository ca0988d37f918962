from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app


@pytest.fixture(scope="session")
def app(settings, classifier):
    return create_app(settings, classifier=classifier)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as c:
        yield c
