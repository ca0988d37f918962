"""Sizes of a run: the full benchmark of the issue, or a quick one that only proves it still works."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Config:
    repeats: int = 3
    workers: tuple[int, ...] = (1, 2)
    # batch, text
    short_docs: int = 2_000
    short_words: int = 300
    long_docs: int = 200
    long_words: int = 3_000
    # batch, files
    pdfs: int = 500
    docx: int = 500
    pages: int = 5
    words_per_page: int = 200
    # memory
    memory_small: int = 1_000
    memory_large: int = 4_000
    memory_words: int = 60
    # API
    load_seconds: float = 15.0
    concurrency: tuple[int, ...] = (1, 8, 32)
    api_words: int = 300
    max_requests: int = 200_000  # per load run: a bound besides time
    # training: None = the whole training split, the test split scored as `train` does by default
    training_limit: int | None = None
    training_folds: int = 5


FULL = Config()

QUICK = replace(
    FULL, repeats=1, short_docs=12, long_docs=3, pdfs=4, docx=4, memory_small=30, memory_large=120,
    load_seconds=1.0, training_limit=200, training_folds=2)
