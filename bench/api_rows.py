"""Rows of the HTTP API: load at several concurrencies, start-up time and memory.

The product (``api.main:create_app``) and the bare endpoint (``bench.bare_app``) are both
served by uvicorn with ``--factory`` and one worker process, started in each repeat, and
loaded alternately by the same client, so both share whatever else the machine is doing.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import httpx

from bench.config import Config
from bench.corpus import compose, training_texts
from bench.load import LoadResult, run_load
from bench.measure import MB, BenchError, Row, Sample, Target
from bench.server import Server, serve
from classifier.artifact import ARTIFACT_NAME
from classifier.settings import BUNDLED_MODEL_DIR

PRODUCT = "api.main:create_app"
BARE = "bench.bare_app:create_app"


def _check_answer(server: Server, body: bytes) -> None:
    """The product really classifies the text: a wrong answer must not be timed as a fast one."""
    response = httpx.post(f"{server.url}/v1/classify", content=body, timeout=60,
                          headers={"content-type": "application/json"})
    if response.status_code != 200 or "services" not in response.json():
        raise BenchError(f"POST /v1/classify answered {response.status_code}: {response.text[:500]}")


def _load(server: Server, body: bytes, concurrency: int, seconds: float, max_requests: int) -> LoadResult:
    result = run_load(f"{server.url}/v1/classify", body, concurrency, seconds, max_requests)
    if result.errors or not result.requests:
        raise BenchError(f"{server.url}: {result.errors} failed and {result.requests} good requests "
                         f"at concurrency {concurrency}")
    return result


def api_rows(cfg: Config, work: Path, env: dict[str, str]) -> list[Row]:
    text = compose(training_texts(), cfg.api_words, random.Random(7))
    body = json.dumps({"text": text}).encode()
    names = ("product", "bare")
    ready = {n: Sample() for n in names}
    rss = {n: Sample() for n in names}
    rps = {(n, c): Sample() for n in names for c in cfg.concurrency}
    p50 = {(n, c): Sample() for n in names for c in cfg.concurrency}
    p99 = {(n, c): Sample() for n in names for c in cfg.concurrency}
    for r in range(cfg.repeats):
        # A fresh store each time: start-up includes creating and migrating it, as on a new machine.
        env_r = {**env, "RFP_DATABASE_URL": f"sqlite:///{work / f'api-store-{r}.db'}"}
        with serve(BARE, env_r, work / f"bare-{r}.log") as bare, \
                serve(PRODUCT, env_r, work / f"product-{r}.log") as product:
            servers = {"product": product, "bare": bare}
            for name, server in servers.items():
                ready[name].add(server.ready_seconds)
            _check_answer(product, body)
            for server in servers.values():  # warm-up, not measured
                _load(server, body, 1, min(1.0, cfg.load_seconds), cfg.max_requests)
            for c in cfg.concurrency:
                order = names if r % 2 == 0 else names[::-1]
                for name in order:
                    result = _load(servers[name], body, c, cfg.load_seconds, cfg.max_requests)
                    rps[name, c].add(result.rps)
                    p50[name, c].add(result.percentile_ms(50))
                    p99[name, c].add(result.percentile_ms(99))
            for name, server in servers.items():
                rss[name].add(server.rss_mb())

    section = (f"API: POST /v1/classify, one {cfg.api_words}-word text, {cfg.load_seconds:g} s per run, "
               "uvicorn 1 worker process | reference: bare FastAPI endpoint (same body model, "
               "constant answer) served the same way")
    ref = "bare endpoint"
    rows = []
    for c in cfg.concurrency:
        rows += [
            Row(f"api.c{c}.rps", section, f"concurrency {c}: throughput", "req/s", rps["product", c],
                rps["bare", c], ref, Target("ratio", ">=", 0.3) if c == 8 else None),
            Row(f"api.c{c}.p50", section, f"concurrency {c}: p50 latency", "ms", p50["product", c],
                p50["bare", c], ref),
            Row(f"api.c{c}.p99", section, f"concurrency {c}: p99 latency", "ms", p99["product", c],
                p99["bare", c], ref, Target("ratio", "<=", 3) if c == 8 else None),
        ]
    section = "Start-up and footprint: `uvicorn api.main:create_app --factory` | reference: the bare endpoint"
    size = (BUNDLED_MODEL_DIR / ARTIFACT_NAME).stat().st_size / MB
    rows += [
        Row("startup.ready_seconds", section, "process start to /readyz answering 200", "s",
            ready["product"], ready["bare"], ref, Target("value", "<=", 1.5)),
        Row("startup.model_size", section, f"model artifact size (models/{ARTIFACT_NAME})", "MB",
            Sample([size])),
        Row("startup.rss_after_load", section, "RSS of the serving process after the load runs", "MB",
            rss["product"], rss["bare"], ref, Target("value", "<=", 300)),
    ]
    return rows
