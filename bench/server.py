"""A uvicorn server in a subprocess on a free loopback port, always stopped when done."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from bench.measure import MB, BenchError
from classifier.settings import PROJECT_ROOT

READY_TIMEOUT = 180.0


@dataclass
class Server:
    url: str
    pid: int
    ready_seconds: float  # process start to /readyz answering 200

    def rss_mb(self) -> float:
        return psutil.Process(self.pid).memory_info().rss / MB


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(factory: str, env: dict[str, str], log: Path) -> Iterator[Server]:
    """``uvicorn FACTORY --factory`` with one worker process; yields once /readyz answers 200."""
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--workers", "1", "--log-level", "warning"]
    url = f"http://127.0.0.1:{port}"
    with open(log, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=PROJECT_ROOT)
        try:
            with httpx.Client(timeout=5) as client:
                while True:
                    try:
                        if client.get(f"{url}/readyz").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if proc.poll() is not None:
                        raise BenchError(f"{factory} exited with {proc.returncode}:\n"
                                         + log.read_text(encoding="utf-8")[-2000:])
                    if time.perf_counter() - started > READY_TIMEOUT:
                        raise BenchError(f"{factory} not ready within {READY_TIMEOUT:g} s")
                    time.sleep(0.01)
            yield Server(url, proc.pid, time.perf_counter() - started)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
