"""API keys, CORS and the body limit: what stands in front of every route."""

from __future__ import annotations

import logging

from api.security import key_is_accepted

KEYS = ["k-one", "k-two"]


def _api_calls(client) -> list[tuple[str, str]]:
    """(method, path) of every documented operation, with a real id in the path."""
    paths = client.get("/openapi.json").json()["paths"]
    return [(method.upper(), path.replace("{request_id}", "1"))
            for path, operations in paths.items() for method in operations]


def test_with_keys_every_route_but_healthz_needs_one(make_client):
    client = make_client(api_keys=KEYS)
    calls = _api_calls(client)
    assert len(calls) >= 11
    for method, path in calls:
        if path == "/healthz":
            continue
        for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}):
            r = client.request(method, path, headers=headers)
            assert (r.status_code, r.json()["code"]) == (401, "E401"), (method, path, headers)
            assert r.headers["content-type"] == "application/problem+json"
    assert client.get("/healthz").status_code == 200


def test_each_configured_key_opens_the_api(make_client):
    client = make_client(api_keys=KEYS)
    for key in KEYS:
        r = client.post("/v1/classify", headers={"X-API-Key": key},
                        json={"text": "Phase 1 clinical trial management and monitoring needed."})
        assert r.status_code == 200, r.text
        assert client.get("/v1/requests", headers={"X-API-Key": key}).status_code == 200
    # The pages carry no data and a browser cannot attach the header to a page load.
    assert client.get("/").status_code == 200


def test_without_keys_nothing_needs_one(client):
    assert client.app.state.settings.api_keys == []
    assert client.get("/v1/taxonomy").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_keys_are_never_logged(make_client, caplog):
    client = make_client(api_keys=KEYS)
    with caplog.at_level(logging.DEBUG):
        client.get("/v1/taxonomy", headers={"X-API-Key": "guess-k-one"})
        client.get("/v1/taxonomy", headers={"X-API-Key": "k-one"})
    assert "k-one" not in caplog.text
    r = client.get("/v1/taxonomy", headers={"X-API-Key": "guess-k-one"})
    assert "k-one" not in r.text


def test_key_comparison():
    assert key_is_accepted("k-two", KEYS)
    assert not key_is_accepted("k-two ", KEYS)
    assert not key_is_accepted("k", KEYS)
    assert not key_is_accepted("k-üne", KEYS)  # non-ASCII input compares, never crashes
    assert not key_is_accepted("anything", [])


def test_cors_only_for_configured_origins(make_client, client):
    origin = "https://intake.example"
    preflight = {"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "x-api-key, content-type"}
    open_client = make_client(cors_origins=[origin])
    r = open_client.options("/v1/classify", headers=preflight)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == origin
    assert "x-api-key" in r.headers["access-control-allow-headers"].lower()
    other = open_client.options("/v1/classify", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    closed = client.get("/v1/taxonomy", headers={"Origin": origin})
    assert "access-control-allow-origin" not in closed.headers


def test_bodies_over_the_limit_are_refused_declared_or_streamed(make_client):
    client = make_client(max_body_bytes=1000)
    big = {"text": "x" * 2000}
    r = client.post("/v1/classify", json=big)
    assert (r.status_code, r.json()["code"]) == (413, "E402")
    assert r.headers["content-type"] == "application/problem+json"

    def chunks():  # no Content-Length: counted while read
        yield b'{"text": "'
        for _ in range(10):
            yield b"y" * 200
        yield b'"}'

    r = client.post("/v1/classify", content=chunks(), headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (413, "E402")
    r = client.post("/v1/intake", files={"attachments": ("a.txt", b"z" * 2000)})
    assert (r.status_code, r.json()["code"]) == (413, "E402")
    assert client.post("/v1/classify", json={"text": "Phase 2 fill-finish."}).status_code == 200
