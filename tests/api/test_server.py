"""The real server: `rfp-classifier serve` on loopback answers, then stops."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_classify_over_http():
    port = _free_port()
    exe = Path(sys.executable).with_name("rfp-classifier")
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "RFP_LOG_LEVEL": "WARNING"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "server not ready within 60 s"
            time.sleep(0.2)
        r = httpx.post(f"{base}/v1/classify", timeout=30,
                       json={"text": "Phase 1 clinical trial management and monitoring needed."})
        assert r.status_code == 200
        assert r.json()["provider"]["type"] == "CRO"
        r = httpx.post(f"{base}/v1/classify", json={"text": ""}, timeout=10)
        assert r.status_code == 422
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    assert proc.returncode is not None
