"""A closed-loop load generator: N clients posting the same body back to back, bounded in time and count.

aiohttp rather than httpx: measured here, httpx's client spent 3-10 ms of CPU per request
(more at high concurrency), more than the bare endpoint itself, so the client and not the
server would have set the ceiling; aiohttp spends about 0.5 ms.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp
import numpy as np

HEADERS = {"content-type": "application/json"}


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: np.ndarray  # seconds, of the successful requests

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) * 1000


async def _load(url: str, body: bytes, concurrency: int, seconds: float, max_requests: int) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        deadline = started + seconds

        async def one_client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline and len(latencies) + errors < max_requests:
                sent = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=HEADERS) as response:
                        await response.read()
                        ok = response.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(len(latencies), errors, elapsed, np.array(latencies))


def run_load(url: str, body: bytes, concurrency: int, seconds: float, max_requests: int) -> LoadResult:
    """Only loopback addresses are ever loaded."""
    if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError(f"refusing to load a non-loopback address: {url}")
    return asyncio.run(_load(url, body, concurrency, seconds, max_requests))
