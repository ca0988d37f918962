"""The real server: `rfp-classifier serve` on loopback answers, then stops."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.slow
def test_serve_answers_classify_over_http(serve):
    base = serve()
    assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200
    r = httpx.post(f"{base}/v1/classify", timeout=30,
                   json={"text": "Phase 1 clinical trial management and monitoring needed."})
    assert r.status_code == 200
    assert r.json()["provider"]["type"] == "CRO"
    r = httpx.post(f"{base}/v1/classify", json={"text": ""}, timeout=10)
    assert r.status_code == 422
