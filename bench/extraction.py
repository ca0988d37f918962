"""Timing text extraction alone: the libraries bare, and the product's extraction step.

Kept apart from the other bench modules so that a pool worker imports only what it times.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path


def bare_pdf(path: Path) -> int:
    """The library alone: pypdf's text of every page."""
    from pypdf import PdfReader

    return sum(len(page.extract_text()) for page in PdfReader(path).pages)


def bare_docx(path: Path) -> int:
    """The library alone: python-docx's paragraph texts."""
    import docx

    return sum(len(p.text) for p in docx.Document(str(path)).paragraphs)


def product_extract(path: Path) -> int:
    """The product's extraction step, as the batch runs it for each file."""
    from classifier.ingest import Limits, extract_file

    return len(extract_file(path, Limits()).text)


def _ready(fn: Callable[[Path], int], path: Path, barrier) -> None:
    fn(path)  # imports the library, reads one file
    barrier.wait()


def time_extraction(fn: Callable[[Path], int], paths: Sequence[Path], processes: int) -> float:
    """Seconds to extract every file, in this process or in a pool of ``processes``.

    Only the extraction is timed: the libraries are imported and, for a pool, every worker
    has started and read one file before the clock starts.
    """
    if processes <= 1:
        fn(paths[0])
        started = time.perf_counter()
        for path in paths:
            fn(path)
        return time.perf_counter() - started
    ctx = get_context("spawn")
    barrier = ctx.Barrier(processes + 1)
    with ProcessPoolExecutor(processes, mp_context=ctx, initializer=_ready,
                             initargs=(fn, paths[0], barrier)) as pool:
        # With spawn, the pool starts a worker per submit while none is idle: one task each.
        warm = [pool.submit(len, "") for _ in range(processes)]
        barrier.wait()
        for task in warm:
            task.result()
        started = time.perf_counter()
        list(pool.map(fn, paths, chunksize=max(1, len(paths) // (processes * 8))))
        return time.perf_counter() - started
