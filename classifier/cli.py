"""The ``rfp-classifier`` command: train, evaluate, classify, serve.

Scripts rely on these names and on stdout carrying only results (JSON lines or
reports); logs go to stderr. Exit status: 0 all good, 1 some documents could
not be classified, 2 the command itself could not run.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from classifier.errors import RFPClassifierError
from classifier.settings import TRAINING_DATA_DIR, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Tag pharma outsourcing requests with services, provider type and stage.")
log = logging.getLogger("rfp_classifier")

ModelDirOption = Annotated[Optional[Path], typer.Option(
    "--model-dir", help="Model folder (default: RFP_MODEL_DIR, else the bundled models/).")]


def _setup_logging(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose else getattr(logging, get_settings().log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def _model_dir(model_dir: Path | None) -> Path:
    return model_dir or get_settings().model_dir


def _fail(exc: RFPClassifierError) -> None:
    typer.echo(f"error {exc}", err=True)
    raise typer.Exit(code=2)


@app.command()
def train(
    data: Annotated[list[Path], typer.Option(help="Training JSONL files or folders.")] = [
        TRAINING_DATA_DIR / "train"],
    test: Annotated[list[Path], typer.Option(help="Test-split JSONL files or folders.")] = [
        TRAINING_DATA_DIR / "test"],
    model_dir: ModelDirOption = None,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the fold split.")] = 13,
) -> None:
    """Retrain the model from labelled JSONL and write it, with its manifest, to the model folder."""
    from classifier.evaluation import format_report
    from classifier.training import train as run_training

    _setup_logging()
    target = _model_dir(model_dir)
    try:
        manifest = run_training(data, target, [t for t in test if t.exists()], folds=folds, seed=seed)
    except RFPClassifierError as exc:
        _fail(exc)
    metrics = manifest["metrics"]
    typer.echo(format_report(metrics["cross_validation"], f"Cross-validation ({folds} folds)"))
    if "test" in metrics:
        typer.echo("")
        typer.echo(format_report(metrics["test"], "Test split"))
    typer.echo(f"\nmodel {manifest['model_version']} written to {target} "
               f"in {manifest['training_seconds']} s")


@app.command()
def evaluate(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Labelled JSONL files or folders (default: the test split).")] = None,
    model_dir: ModelDirOption = None,
    errors: Annotated[int, typer.Option(
        help="How many of the worst errors to list (with --sets: failures per suite).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    sets: Annotated[bool, typer.Option(
        "--sets", help="One table row per held-out set: each PATH given, else the test split, "
                       "test_register/ (whole and per register) and each suites/*.jsonl.")] = False,
    baselines: Annotated[bool, typer.Option(
        "--baselines", help="Add a keyword matcher and a spaCy textcat (trained in this run on "
                            "--train-data) beside the model, on every set.")] = False,
    train_data: Annotated[list[Path], typer.Option(
        "--train-data", help="Training JSONL of the spaCy textcat baseline.")] = [
        TRAINING_DATA_DIR / "train"],
) -> None:
    """Score the model on labelled documents: per-service P/R/F1, micro/macro F1, provider, stage,
    calibration. --sets and --baselines compare systems across held-out sets in one table."""
    import time

    from classifier.evaluation import (default_set_paths, format_comparison, format_report, load_sets,
                                       run_comparison, worst_errors)
    from classifier.pipeline import Classifier
    from classifier.training import evaluate_model_dir

    _setup_logging()
    target = _model_dir(model_dir)
    if sets or baselines:
        started = time.perf_counter()
        chosen = paths or (default_set_paths(TRAINING_DATA_DIR) if sets else [TRAINING_DATA_DIR / "test"])
        try:
            held_out = load_sets(chosen, root=TRAINING_DATA_DIR)
            classifier = Classifier.from_dir(target, max_chars=get_settings().max_text_chars)
            result = run_comparison(classifier, held_out, baselines, train_data)
        except RFPClassifierError as exc:
            _fail(exc)
        result["seconds"]["total"] = round(time.perf_counter() - started, 1)
        if as_json:
            typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
            return
        typer.echo(f"Model {classifier.version} ({target}) on {len(held_out)} held-out sets")
        for name, about in result["systems"].items():
            typer.echo(f"  {name}: {about}")
        typer.echo(format_comparison(result["sets"]))
        for row in result["sets"]:
            failures = row["systems"]["model"].get("suite", {}).get("failures", [])
            if failures and errors:
                shown = f"; the first {errors}" if len(failures) > errors else ""
                typer.echo(f"\n{row['name']}: the model did not handle {len(failures)} of "
                           f"{row['documents']} documents{shown}:")
                for failure in failures[:errors]:
                    typer.echo(json.dumps(failure, ensure_ascii=False))
        typer.echo("\n" + "   ".join(f"{k.replace('_', ' ')} {v} s" for k, v in result["seconds"].items()))
        return
    try:
        docs, preds, metrics = evaluate_model_dir(target, paths or [TRAINING_DATA_DIR / "test"])
    except RFPClassifierError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
        return
    typer.echo(format_report(metrics, f"Evaluation of {target} on {len(docs)} documents"))
    worst = worst_errors(docs, preds, errors)
    if worst:
        typer.echo(f"\nWorst {len(worst)} errors:")
        for row in worst:
            typer.echo(json.dumps(row, ensure_ascii=False))


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def _worker_count(value: str) -> int:
    if value.strip().lower() == "auto":
        return os.cpu_count() or 1
    try:
        n = int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is neither a number nor 'auto'", param_hint="--workers")
    if n < 0:
        raise typer.BadParameter("must be 0 (one per CPU), a positive number or 'auto'",
                                 param_hint="--workers")
    return n or os.cpu_count() or 1


@app.command()
def classify(
    inputs: Annotated[Optional[list[str]], typer.Argument(
        help="Files, folders (walked recursively), '-' for stdin, or a quoted text.")] = None,
    text: Annotated[Optional[str], typer.Option("--text", "-t", help="Text to classify.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the rows here instead of stdout.")] = None,
    fmt: Annotated[Optional[OutputFormat], typer.Option(
        "--format", help="Row format (default: csv for a .csv output, else jsonl).")] = None,
    include: Annotated[Optional[list[str]], typer.Option(
        "--include", help="Glob of the files to take inside folders; repeatable.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(
        "--exclude", help="Glob of the files to skip inside folders; repeatable.")] = None,
    workers: Annotated[str, typer.Option(
        "--workers", "-w", help="Worker processes: a number, or 0/auto for one per CPU.")] = "1",
    engine: Annotated[Engine, typer.Option(
        "--engine", help="local (this machine) or dask (a Dask distributed cluster).")] = Engine.local,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local "
                            "cluster of --workers processes for this run).")] = None,
    resume: Annotated[Optional[bool], typer.Option(
        "--resume/--no-resume", help="Skip the documents already in --output and append "
                                     "(default: on when --output exists).")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar; the summary as one JSON line on stderr.")] = False,
    model_dir: ModelDirOption = None,
) -> None:
    """Classify documents; one row per document (JSON line or CSV record), each with its path.

    A summary (counts per provider type, service and error code, docs/s) follows on stderr.
    """
    from classifier.batch import BatchJob, format_for, run_batch
    from classifier.ingest import Limits
    from classifier.taxonomy import default_taxonomy

    _setup_logging()
    settings = get_settings()
    n_workers = _worker_count(workers)
    if scheduler and engine is not Engine.dask:
        raise typer.BadParameter("only with --engine dask", param_hint="--scheduler")
    if resume and output is None:
        raise typer.BadParameter("needs --output", param_hint="--resume")
    if not inputs and text is None and sys.stdin.isatty():
        raise typer.BadParameter("give text, files, folders, or pipe text on stdin")
    job = BatchJob(
        inputs=inputs or [], text=text, include=include or [], exclude=exclude or [],
        output=output, fmt=format_for(output, fmt.value if fmt else None),
        resume=resume if resume is not None else output is not None,
        workers=n_workers, engine=engine.value, scheduler=scheduler,
        model_dir=_model_dir(model_dir), max_chars=settings.max_text_chars,
        limits=Limits.from_settings(settings), progress=not quiet and sys.stderr.isatty())
    try:
        summary = run_batch(job, default_taxonomy().service_ids)
    except RFPClassifierError as exc:
        _fail(exc)
    except OSError as exc:
        typer.echo(f"error {exc}", err=True)
        raise typer.Exit(code=2)
    typer.echo(json.dumps(summary.to_dict()) if quiet else summary.format(), err=True)
    if summary.failed:
        raise typer.Exit(code=1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    model_dir: ModelDirOption = None,
) -> None:
    """Start the HTTP API (uvicorn) on the model folder."""
    import os

    import uvicorn

    _setup_logging()
    if model_dir:
        os.environ["RFP_MODEL_DIR"] = str(model_dir)
        get_settings.cache_clear()
    from api.main import create_app

    try:
        application = create_app()
    except RFPClassifierError as exc:
        _fail(exc)
    uvicorn.run(application, host=host, port=port, log_level=get_settings().log_level.lower())


@app.command("check-data")
def check_data(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Labelled JSONL files or folders (default: training_data/).")] = None,
) -> None:
    """Check labelled JSONL against the label contract; print label counts and diversity."""
    from collections import Counter

    from classifier.data import diversity, read_documents

    try:
        docs = read_documents(paths or [TRAINING_DATA_DIR])
    except RFPClassifierError as exc:
        _fail(exc)
    services = Counter(s for d in docs for s in d.services)
    typer.echo(json.dumps({
        "documents": len(docs),
        "services": dict(sorted(services.items())),
        "provider_type": dict(Counter(d.provider_type for d in docs)),
        "stage": dict(Counter(d.stage for d in docs)),
        "register": dict(Counter(d.register for d in docs).most_common()),
        "diversity": diversity(docs),
    }, indent=2))


@app.command("export-reviews")
def export_reviews(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL file to write.")],
    database_url: Annotated[Optional[str], typer.Option(
        "--database-url", help="Intake store URL (default: RFP_DATABASE_URL).")] = None,
) -> None:
    """Write reviewed intake requests as labelled JSONL (register intake_review) for `train --data`."""
    from classifier.store import Store

    _setup_logging()
    try:
        store = Store.existing(database_url or get_settings().database_url)
        try:
            rows = list(store.training_rows())
        finally:
            store.dispose()
    except RFPClassifierError as exc:
        _fail(exc)
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    except OSError as exc:
        typer.echo(f"error cannot write {output}: {exc.strerror}", err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(f"exported {len(rows)} reviewed requests to {output}")


@app.command()
def taxonomy() -> None:
    """Print the taxonomy the product reads (services, sides, provider types, stages)."""
    from classifier.taxonomy import default_taxonomy

    typer.echo(json.dumps(default_taxonomy().to_dict(), indent=2))


def main() -> None:
    app()
