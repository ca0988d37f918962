"""Batch classification of files and folders: one row per document, streamed, resumable.

Memory stays flat however many files a folder holds: paths are walked lazily, at most
a bounded window of chunks is in flight, and each row is written and flushed as soon
as every row before it is. Rows come out in input order whatever the engine, so a
resumed or re-run batch can be compared line by line with another.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from classifier.errors import InvalidInputError, RFPClassifierError
from classifier.ingest import Limits, expand_paths, extract_file

if TYPE_CHECKING:
    from classifier.pipeline import Classifier

log = logging.getLogger("rfp_classifier.batch")

CHUNK_SIZE = 16          # documents per task sent to a worker
WINDOW_PER_WORKER = 4    # chunks in flight per worker: enough to keep it busy, few enough to stay flat
INTERNAL_ERROR = "E000"


@dataclass(frozen=True)
class Item:
    """One document to classify: a file by path, a given text, or an input already known bad."""

    path: str
    text: str | None = None
    error: tuple[str, str] | None = None  # (code, message)


# -- inputs ------------------------------------------------------------------------------------


def iter_items(inputs: Sequence[str], text: str | None = None, include: Sequence[str] = (),
               exclude: Sequence[str] = (), read_stdin: Callable[[], str] = lambda: sys.stdin.read()
               ) -> Iterator[Item]:
    """The documents named on the command line, lazily and in order; folders are walked as needed."""
    if text is not None:
        yield Item("<text>", text=text)
    for raw in inputs:
        if raw == "-":
            yield Item("<stdin>", text=read_stdin())
        elif os.path.exists(raw):
            for path in expand_paths([raw], include, exclude):
                yield Item(str(path))
        elif " " in raw.strip():
            yield Item("<argument>", text=raw)  # a quoted text, not a path
        else:
            yield Item(raw, error=(InvalidInputError.code, f"no such file or folder: {raw}"))
    if not inputs and text is None:
        yield Item("<stdin>", text=read_stdin())


# -- one document --------------------------------------------------------------------------------


def error_row(path: str, code: str, message: str) -> dict:
    return {"path": path, "error": {"code": code, "message": message}}


def _failure_row(path: str, exc: Exception) -> dict:
    if isinstance(exc, RFPClassifierError):
        return error_row(path, exc.code, exc.detail)
    log.error("internal error on %s", path, exc_info=exc)
    return error_row(path, INTERNAL_ERROR, f"internal error: {type(exc).__name__}")


def classify_path(path: str | Path, classifier: Classifier, limits: Limits) -> dict:
    """The row of one file; every engine calls this, so their rows are identical. Never raises."""
    try:
        result = classifier.classify_extracted(extract_file(path, limits))
    except Exception as exc:  # a bad file is a row, never the end of the batch
        return _failure_row(str(path), exc)
    return {"path": str(path), **result.model_dump()}


def classify_item(item: Item, classifier: Classifier, limits: Limits) -> dict:
    if item.error is not None:
        return error_row(item.path, *item.error)
    if item.text is None:
        return classify_path(item.path, classifier, limits)
    try:
        result = classifier.classify(item.text)
    except Exception as exc:
        return _failure_row(item.path, exc)
    return {"path": item.path, **result.model_dump()}


# -- workers -------------------------------------------------------------------------------------

_cache: dict[tuple, Classifier] = {}
_cache_lock = threading.Lock()


def get_classifier(model_dir: str | Path, max_chars: int) -> Classifier:
    """The classifier of this process, loaded once (per model folder and version of its manifest)."""
    from classifier.artifact import MANIFEST_NAME
    from classifier.pipeline import Classifier

    try:
        stamp = (Path(model_dir) / MANIFEST_NAME).stat().st_mtime_ns
    except OSError:
        stamp = None  # loading reports the missing model with its own typed error
    key = (str(Path(model_dir).resolve()), max_chars, stamp)
    with _cache_lock:
        if key not in _cache:
            loaded = Classifier.from_dir(model_dir, max_chars=max_chars)
            _cache.clear()  # one model per process: a worker never holds two
            _cache[key] = loaded
        return _cache[key]


def classify_chunk(items: Sequence[Item], model_dir: str, max_chars: int, limits: Limits) -> list[dict]:
    """What a worker (process pool or Dask) runs: rows of a few documents.

    Only a model that cannot be loaded raises (the run cannot go on); documents never do.
    """
    classifier = get_classifier(model_dir, max_chars)
    return [classify_item(item, classifier, limits) for item in items]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def ordered_rows(submit: Callable[[list[Item]], Future], items: Iterable[Item],
                 chunk_size: int = CHUNK_SIZE, window: int = 8) -> Iterator[dict]:
    """Rows in input order from chunks run elsewhere, with at most ``window`` chunks in flight.

    Works with concurrent.futures and Dask futures alike. A chunk whose task failed
    (a worker process died) gives internal-error rows; a model that cannot load stops the run.
    """
    chunks = _chunks(items, chunk_size)
    pending: deque[tuple[list[Item], Future]] = deque(
        (chunk, submit(chunk)) for chunk in islice(chunks, max(1, window)))
    while pending:
        chunk, future = pending.popleft()
        try:
            rows = future.result()
        except RFPClassifierError:
            raise  # the model cannot load: nothing can be classified
        except Exception as exc:  # the task itself was lost, not one document
            rows = [_failure_row(item.path, exc) for item in chunk]
        if (nxt := next(chunks, None)) is not None:
            pending.append((nxt, submit(nxt)))
        yield from rows


def _init_worker(log_level: int) -> None:
    logging.basicConfig(level=log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


class _Pool:
    """A process pool that comes back if a worker process dies.

    The chunks in flight when it died get internal-error rows (E000); later chunks run on a new pool.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent may run threads (progress bar, path counting).
        return ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"), initializer=_init_worker,
                                   initargs=(logging.getLogger().getEffectiveLevel(),))

    def submit(self, fn: Callable, *args: Any) -> Future:
        try:
            return self.executor.submit(fn, *args)
        except BrokenProcessPool:
            log.error("a worker process died; starting a new pool")
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._start()
            return self.executor.submit(fn, *args)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def local_rows(items: Iterable[Item], model_dir: Path, max_chars: int, limits: Limits,
               workers: int = 1) -> Iterator[dict]:
    """Rows from this process (one worker) or from a pool of worker processes."""
    if workers <= 1:
        classifier = get_classifier(model_dir, max_chars)
        for item in items:
            yield classify_item(item, classifier, limits)
        return
    pool = _Pool(workers)
    try:
        yield from ordered_rows(
            lambda chunk: pool.submit(classify_chunk, chunk, str(model_dir), max_chars, limits),
            items, window=WINDOW_PER_WORKER * workers)
    finally:
        pool.close()


# -- output ----------------------------------------------------------------------------------------


def format_for(output: Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    return "csv" if output is not None and output.suffix.lower() == ".csv" else "jsonl"


def csv_columns(service_ids: Sequence[str]) -> list[str]:
    return ["path", "services", "provider_type", "provider_confidence", "stage", "stage_confidence",
            "request_score", *[f"score_{s}" for s in service_ids], "error_code", "error"]


def csv_record(row: dict, service_ids: Sequence[str]) -> dict[str, Any]:
    if "error" in row:
        # One physical line per record, so a cut-off last line can be told and dropped on resume.
        message = " ".join(str(row["error"]["message"]).split())
        return {"path": row["path"], "error_code": row["error"]["code"], "error": message}
    return {"path": row["path"], "services": ";".join(s["id"] for s in row["services"]),
            "provider_type": row["provider"]["type"], "provider_confidence": row["provider"]["confidence"],
            "stage": row["stage"]["value"], "stage_confidence": row["stage"]["confidence"],
            "request_score": row["request_score"],
            **{f"score_{s}": row["scores"].get(s, "") for s in service_ids}}


class RowWriter:
    """Writes rows as JSON lines or CSV records, flushing each so a killed run loses nothing done."""

    def __init__(self, out: TextIO, fmt: str, service_ids: Sequence[str], header: bool = True) -> None:
        self.out, self.fmt, self.service_ids = out, fmt, list(service_ids)
        if fmt == "csv":
            self.csv = csv.DictWriter(out, fieldnames=csv_columns(self.service_ids), lineterminator="\n")
            if header:
                self.csv.writeheader()
                out.flush()

    def write(self, row: dict) -> None:
        if self.fmt == "csv":
            self.csv.writerow(csv_record(row, self.service_ids))
        else:
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.out.flush()


# -- resume ----------------------------------------------------------------------------------------


def path_key(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def drop_partial_last_line(path: Path) -> bool:
    """Cut a last line without its newline (a run killed mid-write); True if one was dropped."""
    with open(path, "r+b") as fh:
        end = fh.seek(0, os.SEEK_END)
        pos = end
        while pos > 0:
            step = min(pos, 1 << 16)
            fh.seek(pos - step)
            block = fh.read(step)
            if pos == end and block.endswith(b"\n"):
                return False
            cut = block.rfind(b"\n")
            if cut >= 0:
                fh.truncate(pos - step + cut + 1)
                return True
            pos -= step
        if end:
            fh.truncate(0)
        return bool(end)


def done_paths(output: Path, fmt: str, service_ids: Sequence[str]) -> set[str]:
    """Paths (as path_key) that already have a row in ``output``; repairs a cut-off last row first."""
    if drop_partial_last_line(output):
        log.warning("dropped the incomplete last row of %s; it will be written again", output)
    done: set[str] = set()
    with open(output, encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            reader = csv.DictReader(fh)
            if reader.fieldnames is not None and reader.fieldnames != csv_columns(service_ids):
                raise InvalidInputError(f"{output} has other columns than this command writes; "
                                        "pick another output or pass --no-resume to overwrite it")
            done.update(path_key(r["path"]) for r in reader if r.get("path"))
            return done
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                done.add(path_key(row["path"]))
            except (ValueError, KeyError, TypeError):
                raise InvalidInputError(f"{output}:{n} is not a row of this command; pick another "
                                        "output or pass --no-resume to overwrite it") from None
    return done


# -- summary and progress -------------------------------------------------------------------------


def _error_titles() -> dict[str, str]:
    titles, todo = {INTERNAL_ERROR: "Internal error"}, [RFPClassifierError]
    while todo:
        cls = todo.pop()
        titles.setdefault(cls.code, cls.title)
        todo.extend(cls.__subclasses__())
    return titles


@dataclass
class Summary:
    """Counts of one run, kept as rows go by (nothing per document is retained)."""

    documents: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    provider_type: Counter = field(default_factory=Counter)
    services: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0

    def add(self, row: dict) -> None:
        self.documents += 1
        if "error" in row:
            self.failed += 1
            self.errors[row["error"]["code"]] += 1
        else:
            self.ok += 1
            self.provider_type[row["provider"]["type"]] += 1
            self.services.update(s["id"] for s in row["services"])

    def finish(self) -> Summary:
        self.elapsed = time.perf_counter() - self.started
        return self

    @property
    def rate(self) -> float:
        return self.documents / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict:
        titles = _error_titles()
        return {"documents": self.documents, "ok": self.ok, "failed": self.failed,
                "skipped": self.skipped,
                "provider_type": dict(self.provider_type.most_common()),
                "services": dict(self.services.most_common()),
                "errors": {code: {"count": n, "title": titles.get(code, "")}
                           for code, n in self.errors.most_common()},
                "elapsed_seconds": round(self.elapsed, 3), "docs_per_second": round(self.rate, 2)}

    def format(self) -> str:
        d = self.to_dict()
        lines = [f"{self.documents} documents in {self.elapsed:.1f} s ({self.rate:.1f} docs/s): "
                 f"{self.ok} classified, {self.failed} failed"
                 + (f", {self.skipped} skipped (already in the output)" if self.skipped else "")]
        if self.documents == 0 and self.skipped:
            lines[0] = f"nothing to do: all {self.skipped} documents are already in the output"
        if self.provider_type:
            lines.append("provider type: " + ", ".join(f"{k} {v}" for k, v in d["provider_type"].items()))
        if self.services:
            lines.append("services: " + ", ".join(f"{k} {v}" for k, v in d["services"].items()))
        if self.errors:
            lines.append("failures: " + ", ".join(f"{k} {v['title']} {v['count']}"
                                                   for k, v in d["errors"].items()))
        return "\n".join(lines)


def _progress():
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn,
                               TextColumn, TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} docs/s" if speed else "", style="progress.data.speed")

    return Progress(SpinnerColumn(), TextColumn("classifying"), BarColumn(), MofNCompleteColumn(),
                    RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=False)


def _count_in_background(items: Callable[[], Iterable[Item]], on_total: Callable[[int], None]
                         ) -> threading.Event:
    """Learn the total while classification already runs, so the bar can show an ETA.

    Counting walks the folders a second time but holds nothing: streaming comes first.
    """
    stop = threading.Event()

    def work() -> None:
        total = 0
        for _ in items():
            if stop.is_set():
                return
            total += 1
        on_total(total)

    threading.Thread(target=work, name="batch-count", daemon=True).start()
    return stop


# -- the run ---------------------------------------------------------------------------------------


@dataclass
class BatchJob:
    """Everything one ``classify`` run needs, as the command line gave it."""

    inputs: list[str]
    model_dir: Path
    limits: Limits
    max_chars: int
    text: str | None = None
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    output: Path | None = None
    fmt: str = "jsonl"
    resume: bool = False
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    progress: bool = False


def rows_for(job: BatchJob, items: Iterable[Item]) -> Iterator[dict]:
    if job.engine == "dask":
        from classifier.dask_engine import dask_rows

        return dask_rows(items, job.model_dir, job.max_chars, job.limits, job.scheduler, job.workers)
    return local_rows(items, job.model_dir, job.max_chars, job.limits, job.workers)


def _check_model(job: BatchJob) -> None:
    """Refuse a model that cannot load before any output is touched."""
    if job.engine == "local" and job.workers <= 1:
        get_classifier(job.model_dir, job.max_chars)  # loaded here once, reused by the run
    else:
        from classifier.artifact import read_manifest

        read_manifest(job.model_dir)  # cheap; the workers verify the artifact itself


def run_batch(job: BatchJob, service_ids: Sequence[str], stdout: TextIO | None = None,
              read_stdin: Callable[[], str] = lambda: sys.stdin.read()) -> Summary:
    """Classify every input of ``job``, writing rows as they come; returns the run's counts."""
    _check_model(job)
    resuming = job.resume and job.output is not None and job.output.exists()
    done = done_paths(job.output, job.fmt, service_ids) if resuming else set()
    own = path_key(str(job.output)) if job.output is not None else None

    def wanted(item: Item) -> bool:
        # a given text is always new; an output file inside an input folder is not a document
        if item.text is not None:
            return True
        key = path_key(item.path)
        return key != own and key not in done

    summary = Summary()

    def items() -> Iterator[Item]:
        for item in iter_items(job.inputs, job.text, job.include, job.exclude, read_stdin):
            if wanted(item):
                yield item
            elif path_key(item.path) != own:
                summary.skipped += 1

    with ExitStack() as stack:
        if job.output is not None:
            out = stack.enter_context(open(job.output, "a" if resuming else "w", encoding="utf-8",
                                           newline=""))
        else:
            out = stdout or sys.stdout
        writer = RowWriter(out, job.fmt, service_ids, header=out.tell() == 0 if resuming else True)
        rows = stack.enter_context(closing(rows_for(job, items())))
        progress = stack.enter_context(_progress()) if job.progress else None
        if progress is not None:
            task = progress.add_task("classify", total=None)
            stack.callback(lambda: progress.update(task, total=summary.documents))
            stack.callback(_count_in_background(
                lambda: filter(wanted, iter_items(job.inputs, job.text, job.include, job.exclude,
                                                  read_stdin=lambda: "")),
                lambda n: progress.update(task, total=n)).set)
        for row in rows:
            writer.write(row)
            summary.add(row)
            if progress is not None:
                progress.advance(task)
    return summary.finish()
