"""The Dask engine's row: `classify --engine dask` on the short-text folder, beside the local engine.

Without ``--scheduler`` the command starts a ``distributed.LocalCluster`` of N worker processes
for the run, so the row includes the cluster's start-up: what a user of one machine pays.
"""

from __future__ import annotations

from pathlib import Path

from bench.batch_rows import _rate, classify_run
from bench.config import Config
from bench.corpus import training_texts, write_texts
from bench.measure import Row, Sample


def dask_rows(cfg: Config, work: Path, env: dict[str, str]) -> list[Row]:
    workers = max(cfg.workers)
    section = (f"Batch, Dask engine: `classify --engine dask` (LocalCluster, {workers} worker "
               f"processes, started by the command) | reference: the local engine, {workers} workers")
    corpus = write_texts(work / "text-dask", cfg.short_docs, cfg.short_words, training_texts(), seed=1)
    local, dask = Sample(), Sample()
    for _ in range(cfg.repeats):
        local.add(classify_run([corpus.folder], workers, corpus.count, work, env).seconds)
        dask.add(classify_run([corpus.folder], workers, corpus.count, work, env,
                              options=["--engine", "dask"]).seconds)
    return [Row("batch.dask.docs_per_s", section,
                f"text {corpus.count:,} × {cfg.short_words:,} words, Dask, {workers} workers", "docs/s",
                _rate(dask, corpus.count), _rate(local, corpus.count), "local engine")]
