"""The ``rfp-classifier`` command: train, evaluate, classify, serve.

Scripts rely on these names and on stdout carrying only results (JSON lines or
reports); logs go to stderr. Exit status: 0 all good, 1 some documents could
not be classified, 2 the command itself could not run.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Annotated, Optional, TextIO

import typer

from classifier.errors import InvalidInputError, RFPClassifierError
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


def _load_classifier(model_dir: Path | None):
    from classifier.pipeline import Classifier

    settings = get_settings()
    try:
        return Classifier.from_dir(_model_dir(model_dir), max_chars=settings.max_text_chars)
    except RFPClassifierError as exc:
        _fail(exc)


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
    errors: Annotated[int, typer.Option(help="How many of the worst errors to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Score the model on labelled documents: per-service P/R/F1, micro/macro F1, provider, stage."""
    from classifier.evaluation import format_report, worst_errors
    from classifier.training import evaluate_model_dir

    _setup_logging()
    target = _model_dir(model_dir)
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


def _inputs(paths: list[str], text: str | None, max_bytes: int) -> Iterator[tuple[str, str | Exception]]:
    """(path, text or the error that kept it from being read), lazily and in order."""
    from classifier.ingest import expand_paths, read_text_file

    if text is not None:
        yield "<text>", text
    for raw in paths:
        if raw == "-":
            yield "<stdin>", sys.stdin.read()
            continue
        p = Path(raw)
        if not p.exists():
            if " " in raw.strip():
                yield "<argument>", raw
            else:
                yield raw, InvalidInputError(f"no such file or folder: {raw}")
            continue
        for f in expand_paths([p]):
            try:
                yield str(f), read_text_file(f, max_bytes)
            except InvalidInputError as exc:
                yield str(f), exc
    if not paths and text is None:
        if sys.stdin.isatty():
            raise typer.BadParameter("give text, files, folders, or pipe text on stdin")
        yield "<stdin>", sys.stdin.read()


@app.command()
def classify(
    inputs: Annotated[Optional[list[str]], typer.Argument(
        help="Files, folders of .txt/.md files, '-' for stdin, or a quoted text.")] = None,
    text: Annotated[Optional[str], typer.Option("--text", "-t", help="Text to classify.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the JSON lines here instead of stdout.")] = None,
    model_dir: ModelDirOption = None,
) -> None:
    """Classify documents; one JSON line per document, each with its path."""
    _setup_logging()
    classifier = _load_classifier(model_dir)
    settings = get_settings()
    # UTF-8 takes at most 4 bytes a character: a larger file cannot hold an acceptable text.
    items = _inputs(inputs or [], text, max_bytes=4 * settings.max_text_chars)
    done = failures = 0
    out: TextIO = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        while batch := list(islice(items, 32)):
            texts = [t if isinstance(t, str) else "" for _, t in batch]
            for (path, raw), result in zip(batch, classifier.classify_many(texts)):
                done += 1
                err = raw if isinstance(raw, Exception) else result
                if isinstance(err, Exception):
                    failures += 1
                    row = {"path": path, "error": {"code": getattr(err, "code", "E000"),
                                                   "message": getattr(err, "detail", str(err))}}
                    log.warning("%s: %s", path, err)
                else:
                    row = {"path": path, **result.model_dump()}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        if output:
            out.close()
    log.info("classified %d of %d documents", done - failures, done)
    if failures:
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


@app.command()
def taxonomy() -> None:
    """Print the taxonomy the product reads (services, sides, provider types, stages)."""
    from classifier.taxonomy import default_taxonomy

    typer.echo(json.dumps(default_taxonomy().to_dict(), indent=2))


def main() -> None:
    app()
