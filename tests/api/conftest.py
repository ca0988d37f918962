from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
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


@pytest.fixture()
def make_client(settings, classifier, tmp_path):
    """A client of a fresh app with its own empty store; keyword arguments change settings."""
    clients: list[TestClient] = []

    def make(**changes) -> TestClient:
        changes.setdefault("database_url", f"sqlite:///{tmp_path / f'store{len(clients)}.db'}")
        c = TestClient(create_app(settings.model_copy(update=changes), classifier=classifier))
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _running_server(env: dict[str, str]) -> Iterator[str]:
    """`rfp-classifier serve` on a free loopback port until the block ends; yields its URL."""
    port = _free_port()
    exe = Path(sys.executable).with_name("rfp-classifier")
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "RFP_LOG_LEVEL": "WARNING", **env})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # The model is loaded before the server listens: answering means ready.
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "server not ready within 60 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture()
def serve(tmp_path):
    """Start real servers on a store in tmp_path: ``serve(RFP_API_KEYS="k")`` gives the URL."""
    with ExitStack() as stack:
        def start(**env: str) -> str:
            env.setdefault("RFP_DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
            return stack.enter_context(_running_server(env))

        yield start
