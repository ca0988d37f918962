"""Rows of the batch command: text, files and memory, each beside its ceiling or reference.

The product is timed as users run it: ``rfp-classifier classify FOLDER -o OUT --workers N``
in a subprocess, from process start to exit (imports and model loading included).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count
from pathlib import Path

from bench.config import Config
from bench.corpus import Corpus, training_texts, write_docx, write_pdfs, write_texts
from bench.extraction import bare_docx, bare_pdf, product_extract, time_extraction
from bench.measure import (MB, BenchError, CommandRun, Row, Sample, Target, last_json_line, rfp_command,
                           run_command)
from bench.reference import fit_reference, time_predict

_runs = count()


def classify_run(inputs: Sequence[Path], workers: int, expected: int, work: Path,
                 env: dict[str, str], sample_rss: bool = False,
                 options: Sequence[str] = ()) -> CommandRun:
    """One ``classify`` run over ``inputs``; every document must come out classified.

    ``sample_rss`` samples memory once the first row is written: classifying, not loading.
    """
    n = next(_runs)
    out = work / f"rows-{n}.jsonl"
    cmd = [rfp_command(), "classify", *map(str, inputs), "-o", str(out), "--format", "jsonl",
           "--workers", str(workers), "--quiet", "--no-resume", *options]

    def writing() -> bool:
        try:
            return out.stat().st_size > 0
        except OSError:
            return False

    run = run_command(cmd, env, work / f"classify-{n}.log", sample_while=writing if sample_rss else None)
    summary = last_json_line(run.stderr)
    if summary.get("documents") != expected or summary.get("failed"):
        raise BenchError(f"classify: expected {expected} classified documents, got {summary}")
    out.unlink()
    return run


def _workers(w: int) -> str:
    return f"{w} worker" + ("s" if w > 1 else "")


def _rate(seconds: Sample, amount: int) -> Sample:
    return Sample([amount / s for s in seconds.values])


def _throughput_rows(key: str, section: str, label: str, corpus: Corpus, seconds: Sample,
                     ref_seconds: Sample, ref_label: str, target: Target | None = None) -> list[Row]:
    return [
        Row(f"{key}.docs_per_s", section, label, "docs/s", _rate(seconds, corpus.count),
            _rate(ref_seconds, corpus.count), ref_label, target),
        Row(f"{key}.words_per_s", section, label, "words/s", _rate(seconds, corpus.words),
            _rate(ref_seconds, corpus.words), ref_label),
    ]


def text_rows(cfg: Config, work: Path, env: dict[str, str]) -> list[Row]:
    section = ("Batch, text: `classify` on .txt files | reference: scikit-learn word 1-2-gram "
               "TF-IDF + one-vs-rest LR, predict_proba only, texts in memory, 1 process")
    source = training_texts()
    corpora = {
        "short": write_texts(work / "text-short", cfg.short_docs, cfg.short_words, source, seed=1),
        "long": write_texts(work / "text-long", cfg.long_docs, cfg.long_words, source, seed=2),
    }
    words = {"short": cfg.short_words, "long": cfg.long_words}
    reference = fit_reference(cfg.training_limit)
    ref = {name: Sample() for name in corpora}
    product = {(name, w): Sample() for name in corpora for w in cfg.workers}
    for _ in range(cfg.repeats):
        for name, corpus in corpora.items():
            ref[name].add(time_predict(reference, corpus.texts))
            for w in cfg.workers:
                product[name, w].add(classify_run([corpus.folder], w, corpus.count, work, env).seconds)
    rows = []
    for name, corpus in corpora.items():
        for w in cfg.workers:
            target = Target("ratio", ">=", 0.25) if name == "short" and w == 2 else None
            rows += _throughput_rows(f"batch.text.{name}.w{w}", section,
                                     f"text {corpus.count:,} × {words[name]:,} words, {_workers(w)}",
                                     corpus, product[name, w], ref[name], "reference pipeline", target)
    return rows


# -- files -----------------------------------------------------------------------------------------

def file_rows(cfg: Config, work: Path, env: dict[str, str]) -> list[Row]:
    source = training_texts()
    kinds = {
        "pdf": ("PDF", "pypdf PdfReader(...).pages[i].extract_text()", bare_pdf,
                write_pdfs(work / "pdf", cfg.pdfs, cfg.pages, cfg.words_per_page, source, seed=4)),
        "docx": ("DOCX", "python-docx Document(...).paragraphs text", bare_docx,
                 write_docx(work / "docx", cfg.docx, cfg.pages, cfg.words_per_page, source, seed=5)),
    }
    rows = []
    for kind, (title, lib, bare, corpus) in kinds.items():
        section = f"Batch, files: `classify` on {title} | reference: bare extraction, {lib}"
        bare_s = {w: Sample() for w in cfg.workers}
        product = {w: Sample() for w in cfg.workers}
        ingest = Sample()
        for _ in range(cfg.repeats):
            for w in cfg.workers:
                bare_s[w].add(time_extraction(bare, corpus.paths, w))
                if w == 1:
                    ingest.add(time_extraction(product_extract, corpus.paths, 1))
                product[w].add(classify_run([corpus.folder], w, corpus.count, work, env).seconds)
        for w in cfg.workers:
            rows += _throughput_rows(f"batch.{kind}.w{w}", section,
                                     f"{title} {corpus.count:,} × {cfg.pages} pages, {_workers(w)}",
                                     corpus, product[w], bare_s[w],
                                     f"bare extraction, {w} process" + ("es" if w > 1 else ""))
        per_file = 1000 / corpus.count
        rows.append(Row(f"batch.{kind}.extraction_overhead", section,
                        f"{title} extraction: classifier.ingest.extract_file, 1 process", "ms/file",
                        Sample([s * per_file for s in ingest.values]),
                        Sample([s * per_file for s in bare_s[min(cfg.workers)].values]),
                        "bare extraction, 1 process", Target("ratio", "<=", 1.2)))
    return rows


# -- memory ----------------------------------------------------------------------------------------

def memory_rows(cfg: Config, work: Path, env: dict[str, str]) -> list[Row]:
    section = ("Memory: `classify` with 1 worker, rows streamed to a file | "
               f"reference: the same command on {cfg.memory_small:,} of the files")
    small = cfg.memory_small
    corpus = write_texts(work / "memory", cfg.memory_large, cfg.memory_words, training_texts(), seed=6,
                         parts=[small, cfg.memory_large - small])
    runs: dict[str, list[CommandRun]] = {"small": [], "large": []}
    for _ in range(cfg.repeats):
        runs["small"].append(classify_run([corpus.folder / "part0"], 1, small, work, env, sample_rss=True))
        runs["large"].append(classify_run([corpus.folder], 1, corpus.count, work, env, sample_rss=True))

    def mb(size: str, attr: str) -> Sample:
        return Sample([getattr(run, attr) / MB for run in runs[size]])

    for size, rs in runs.items():
        if not all(r.sampled_rss_bytes for r in rs):
            raise BenchError(f"memory: no RSS sample while classifying the {size} set (run too short)")
    label = f"{corpus.count:,} files of {cfg.memory_words} words"
    return [
        Row("memory.batch_rss_classifying", section, f"RSS while classifying {label}", "MB",
            mb("large", "sampled_rss_bytes"), mb("small", "sampled_rss_bytes"), f"{small:,} files",
            Target("ratio", "<=", 1.1),
            note="highest RSS sampled every 20 ms once rows are written; flat memory keeps the ratio "
                 "near 1 as the file count grows 4-fold"),
        Row("memory.batch_peak_rss", section, f"peak RSS of the whole run, {label}", "MB",
            mb("large", "peak_rss_bytes"), mb("small", "peak_rss_bytes"), f"{small:,} files",
            note="wait4 peak, model loading included"),
    ]
