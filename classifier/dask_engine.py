"""Batch classification on a Dask distributed cluster.

Workers read the files by path (they must see the same file system) and load the
classifier once per worker process (``batch.get_classifier`` caches it), so a task
carries only a chunk of paths and brings back rows built by the very function the
local engine uses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from classifier.batch import WINDOW_PER_WORKER, Item, classify_chunk, ordered_rows
from classifier.errors import EngineUnavailableError
from classifier.ingest import Limits

log = logging.getLogger("rfp_classifier.batch")
WORKER_WAIT_SECONDS = 60


def dask_rows(items: Iterable[Item], model_dir: Path, max_chars: int, limits: Limits,
              scheduler: str | None = None, workers: int = 1) -> Iterator[dict]:
    """Rows in input order from the cluster at ``scheduler``, or from a local cluster of ``workers``
    processes started for this run and closed after it."""
    from distributed import Client, LocalCluster

    cluster = None
    quiet_dask = logging.getLogger("distributed")
    if quiet_dask.getEffectiveLevel() < logging.WARNING and not log.isEnabledFor(logging.DEBUG):
        quiet_dask.setLevel(logging.WARNING)  # its INFO lines would bury the run's own output
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address="127.0.0.1:0")
        client = Client(cluster if cluster is not None else scheduler)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise EngineUnavailableError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError as exc:
            raise EngineUnavailableError(f"the Dask scheduler {client.scheduler.address} has had no "
                                         f"worker for {WORKER_WAIT_SECONDS} s") from exc
        threads = sum(client.nthreads().values())
        log.info("classifying on Dask at %s with %d worker threads", client.scheduler.address, threads)

        def submit(chunk: list[Item]):
            return client.submit(classify_chunk, chunk, str(model_dir), max_chars, limits, pure=False)

        yield from ordered_rows(submit, items, window=WINDOW_PER_WORKER * threads)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
