"""``python -m bench.profile_api``: where one POST /v1/classify spends its time, by pyinstrument.

The product's app runs in this process and is driven through httpx's ASGI transport. FastAPI
hands a plain ``def`` route to a thread pool, which a one-thread profiler would not see, so
here the pool is replaced by a direct call: the profile then holds the route, its body
parsing and its answer's serialization (only uvicorn's own HTTP parsing is left out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from pathlib import Path

HEADERS = {"content-type": "application/json"}


async def _inline(func, *args, **kwargs):
    return func(*args, **kwargs)


def _run_routes_inline() -> None:
    import fastapi.dependencies.utils
    import fastapi.routing

    fastapi.routing.run_in_threadpool = _inline
    fastapi.dependencies.utils.run_in_threadpool = _inline


async def _post(app, body: bytes, n: int) -> None:
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for _ in range(n):
            response = await client.post("/v1/classify", content=body, headers=HEADERS)
            if response.status_code != 200:
                raise SystemExit(f"POST /v1/classify answered {response.status_code}: {response.text[:300]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_api", description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests profiled (default 200)")
    parser.add_argument("--words", type=int, default=300, help="words of the posted text (default 300)")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML view here")
    args = parser.parse_args(argv)

    from pyinstrument import Profiler

    from api.main import create_app
    from bench.corpus import compose, training_texts
    from classifier.settings import get_settings

    _run_routes_inline()
    body = json.dumps({"text": compose(training_texts(), args.words, random.Random(7))}).encode()
    with tempfile.TemporaryDirectory(prefix="rfp-profile-") as tmp:
        settings = get_settings().model_copy(update={"database_url": f"sqlite:///{Path(tmp) / 'p.db'}"})
        app = create_app(settings)
        asyncio.run(_post(app, body, 5))  # warm-up: lazy imports and first-call caches
        profiler = Profiler(interval=0.0005)
        profiler.start()
        asyncio.run(_post(app, body, args.requests))
        profiler.stop()
        app.state.store.dispose()
    print(profiler.output_text(color=False, unicode=True, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
