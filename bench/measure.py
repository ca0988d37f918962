"""What one benchmark row holds, and how a command is timed with its peak memory."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from classifier.settings import BUNDLED_MODEL_DIR, PROJECT_ROOT

MB = 1024 * 1024


class BenchError(RuntimeError):
    """A measured command failed: the benchmark stops rather than print a wrong number."""


@dataclass
class Sample:
    """Repeated measurements of one quantity."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(float(value))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def to_dict(self) -> dict:
        return {"median": self.median, "min": self.min, "max": self.max, "values": self.values}


@dataclass(frozen=True)
class Target:
    """A bound from the issue on the row's median value or on its ratio to the reference."""

    on: str       # "value" or "ratio"
    op: str       # "<=" or ">="
    bound: float

    def met(self, value: float | None, ratio: float | None) -> bool | None:
        x = value if self.on == "value" else ratio
        if x is None:
            return None
        return x <= self.bound if self.op == "<=" else x >= self.bound

    def __str__(self) -> str:
        sign = "≤" if self.op == "<=" else "≥"
        return f"{self.on} {sign} {self.bound:g}"


@dataclass
class Row:
    """One line of the table: a measure, the reference it is judged against, and its target."""

    id: str                  # stable key, e.g. "batch.text.short.w2.docs_per_s"
    section: str             # heading the row is printed under
    measure: str
    unit: str
    value: Sample
    reference: Sample | None = None
    reference_label: str = ""
    target: Target | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.reference is None or not self.reference.values or self.reference.median == 0:
            return None
        return self.value.median / self.reference.median

    @property
    def met(self) -> bool | None:
        return self.target.met(self.value.median, self.ratio) if self.target else None

    def to_dict(self) -> dict:
        return {"id": self.id, "section": self.section, "measure": self.measure, "unit": self.unit,
                "value": self.value.to_dict(),
                "reference": self.reference.to_dict() if self.reference else None,
                "reference_label": self.reference_label, "ratio": self.ratio,
                "target": str(self.target) if self.target else None, "met": self.met,
                "note": self.note}


@dataclass
class CommandRun:
    seconds: float
    peak_rss_bytes: int       # whole run, the process and its workers, from wait4
    sampled_rss_bytes: int    # highest sampled RSS (process + workers) while ``sample_while`` held
    stderr: str


def rfp_command() -> str:
    """The installed ``rfp-classifier`` console script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("rfp-classifier")
    found = str(beside) if beside.exists() else shutil.which("rfp-classifier")
    if not found:
        raise BenchError("the rfp-classifier command is not installed (pip install -e .)")
    return found


def product_env(work: Path, **extra: str) -> dict[str, str]:
    """Environment of every product process: the bundled model, a throwaway store, quiet logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RFP_")}
    env.update(RFP_MODEL_DIR=str(BUNDLED_MODEL_DIR), RFP_LOG_LEVEL="WARNING",
               RFP_DATABASE_URL=f"sqlite:///{work / 'bench-store.db'}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])))
    env.update(extra)
    return env


def _tree_rss(pid: int) -> int:
    try:
        root = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
    except psutil.Error:  # the process or a worker ended between two calls
        return 0


def run_command(cmd: Sequence[str], env: dict[str, str], log: Path, timeout: float = 3600,
                sample_while: Callable[[], bool] | None = None) -> CommandRun:
    """Run to completion; wall seconds from start to exit and the process tree's memory.

    The whole-run peak comes from wait4's rusage: the largest resident set of the process
    and of every child it waited for, start-up included. ``sample_while`` narrows memory to a
    phase (for instance once rows are being written): RSS is sampled every 20 ms while it holds.
    """
    sampled = 0
    done = threading.Event()

    def sample(pid: int) -> None:
        nonlocal sampled
        while not done.wait(0.02):
            if sample_while():
                sampled = max(sampled, _tree_rss(pid))

    with open(log, "w+", encoding="utf-8") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, env=env, cwd=PROJECT_ROOT)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        sampler = threading.Thread(target=sample, args=(proc.pid,), daemon=True)
        if sample_while is not None:
            sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
            done.set()
            if sampler.is_alive():
                sampler.join()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        tail = "\n".join(stderr.splitlines()[-15:])
        raise BenchError(f"{' '.join(cmd[:3])} ... exited with {proc.returncode}:\n{tail}")
    return CommandRun(seconds, usage.ru_maxrss * 1024, sampled, stderr)


def last_json_line(text: str) -> dict:
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise BenchError(f"no JSON summary in the command's output:\n{text[-2000:]}")
