"""Batch classification: one row per document, errors as rows, CSV, resume, streaming, workers."""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import Future
from itertools import count
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier import batch
from classifier.batch import (BatchJob, Item, classify_item, classify_path, drop_partial_last_line,
                              local_rows, ordered_rows, run_batch)
from classifier.cli import app
from classifier.errors import CorruptFileError, ModelIntegrityError
from classifier.ingest import Limits

runner = CliRunner()


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _by_name(rows: list[dict]) -> dict[str, dict]:
    return {Path(r["path"]).name: r for r in rows}


def _summary(result) -> dict:
    return json.loads(result.stderr.strip().splitlines()[-1])


def _classify(*args: str, model_dir: Path):
    return runner.invoke(app, ["classify", *args, "--model-dir", str(model_dir)])


@pytest.fixture(scope="module")
def corpus_rows(document_corpus, bundled_model_dir, tmp_path_factory) -> tuple[Path, object]:
    """The corpus classified once into a JSONL file, with the command's result."""
    out = tmp_path_factory.mktemp("batch") / "corpus.jsonl"
    result = _classify(str(document_corpus), "-o", str(out), "--quiet", model_dir=bundled_model_dir)
    return out, result


# -- the folder, end to end --------------------------------------------------------------------


def test_a_folder_gives_one_row_per_file_and_errors_with_their_codes(corpus_rows, document_corpus,
                                                                     document_outcomes):
    out, result = corpus_rows
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    rows = _rows(out)
    assert [r["path"] for r in rows] == sorted(str(p) for p in document_corpus.iterdir())
    by_name = _by_name(rows)
    assert set(by_name) == set(document_outcomes)
    for name, code in document_outcomes.items():
        row = by_name[name]
        if code is None:
            assert "error" not in row, row
            assert row["document"]["name"].endswith(name)
            assert "api_manufacturing" in [s["id"] for s in row["services"]], name
        else:
            assert set(row) == {"path", "error"}
            assert row["error"]["code"] == code, (name, row["error"])
            assert row["error"]["message"]


def test_the_summary_counts_what_was_written(corpus_rows, document_outcomes):
    out, result = corpus_rows
    summary = _summary(result)
    rows = _rows(out)
    bad = [c for c in document_outcomes.values() if c]
    assert (summary["documents"], summary["ok"], summary["failed"]) == (len(rows), len(rows) - len(bad), len(bad))
    assert {code: e["count"] for code, e in summary["errors"].items()} == {c: bad.count(c) for c in set(bad)}
    assert summary["services"]["api_manufacturing"] == len(rows) - len(bad)
    assert sum(summary["provider_type"].values()) == summary["ok"]
    assert summary["elapsed_seconds"] > 0 and summary["docs_per_second"] > 0


def test_exit_0_when_every_file_is_classified_and_globs_pick_the_files(document_corpus, bundled_model_dir):
    r = _classify(str(document_corpus), "--include", "*.txt", "--exclude", "empty.txt",
                  "--exclude", "binary*", model_dir=bundled_model_dir)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [Path(x["path"]).name for x in rows] == ["cp1252.txt", "utf16.txt", "utf16_bom.txt", "utf8.txt"]
    assert all("error" not in x for x in rows)
    assert "4 documents" in r.stderr and "4 classified, 0 failed" in r.stderr


def test_csv_has_one_record_per_file_and_a_score_column_per_service(corpus_rows, document_corpus, taxonomy,
                                                                    tmp_path, bundled_model_dir):
    jsonl_out, _ = corpus_rows
    out = tmp_path / "corpus.csv"
    r = _classify(str(document_corpus), "-o", str(out), model_dir=bundled_model_dir)
    assert r.exit_code == 1
    with open(out, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        records = list(reader)
    assert reader.fieldnames == ["path", "services", "provider_type", "provider_confidence", "stage",
                                 "stage_confidence", "request_score",
                                 *[f"score_{s}" for s in taxonomy.service_ids], "error_code", "error"]
    expected = _rows(jsonl_out)
    assert len(records) == len(expected)
    for rec, row in zip(records, expected):
        assert rec["path"] == row["path"]
        if "error" in row:
            assert (rec["error_code"], rec["services"], rec["provider_type"]) == (row["error"]["code"], "", "")
        else:
            assert rec["services"].split(";") == [s["id"] for s in row["services"]]
            assert rec["provider_type"] == row["provider"]["type"]
            assert rec["stage"] == row["stage"]["value"]
            assert float(rec["request_score"]) == row["request_score"]
            assert {s: float(rec[f"score_{s}"]) for s in taxonomy.service_ids} == row["scores"]
            assert rec["error_code"] == rec["error"] == ""


def test_format_option_writes_csv_to_stdout(bundled_model_dir):
    r = _classify("--text", "Phase 3 trial monitoring at 40 sites.", "--format", "csv", model_dir=bundled_model_dir)
    assert r.exit_code == 0, r.output
    (rec,) = csv.DictReader(io.StringIO(r.stdout))
    assert rec["path"] == "<text>" and rec["provider_type"] == "CRO"


# -- resume -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_resume_skips_done_files_and_redoes_deleted_and_cut_off_rows(corpus_rows, document_corpus, tmp_path,
                                                                     bundled_model_dir, suffix):
    out = tmp_path / f"out{suffix}"
    args = [str(document_corpus), "-o", str(out), "--quiet"]
    first = _classify(*args, model_dir=bundled_model_dir)
    complete = out.read_text(encoding="utf-8")
    total = _summary(first)["documents"]

    again = _classify(*args, model_dir=bundled_model_dir)
    assert _summary(again)["documents"] == 0 and _summary(again)["skipped"] == total
    assert again.exit_code == 0
    assert out.read_text(encoding="utf-8") == complete
    r = _classify(str(document_corpus), "-o", str(out), model_dir=bundled_model_dir)
    assert "nothing to do" in r.stderr

    lines = complete.splitlines(keepends=True)
    header, body = (lines[:1], lines[1:]) if suffix == ".csv" else ([], lines)
    kept = body[::2]
    # the last kept row cut in half, as by a run killed while writing it
    out.write_text("".join(header + kept[:-1]) + kept[-1][: len(kept[-1]) // 2], encoding="utf-8")
    redo = _classify(*args, model_dir=bundled_model_dir)
    assert _summary(redo)["documents"] == total - len(kept) + 1
    after = out.read_text(encoding="utf-8").splitlines(keepends=True)
    assert sorted(after) == sorted(lines)  # every row once, none broken, all the same as before
    assert after[: len(header) + len(kept) - 1] == header + kept[:-1]


def test_no_resume_overwrites(tmp_path, bundled_model_dir):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Phase 3 trial monitoring at 40 sites.")
    out = tmp_path / "out.jsonl"
    out.write_text('{"path": "old"}\n')
    r = _classify(str(tmp_path / "in"), "-o", str(out), "--no-resume", model_dir=bundled_model_dir)
    assert r.exit_code == 0
    assert [Path(x["path"]).name for x in _rows(out)] == ["a.txt"]


def test_an_output_inside_the_input_folder_is_not_a_document(tmp_path, bundled_model_dir):
    (tmp_path / "a.txt").write_text("Phase 3 trial monitoring at 40 sites.")
    out = tmp_path / "rows.jsonl"
    for _ in range(2):
        r = _classify(str(tmp_path), "-o", str(out), "--quiet", model_dir=bundled_model_dir)
        assert r.exit_code == 0, r.output
        assert [Path(x["path"]).name for x in _rows(out)] == ["a.txt"]
    assert _summary(r)["skipped"] == 1


def test_resume_refuses_an_output_it_did_not_write(tmp_path, bundled_model_dir):
    out = tmp_path / "notes.jsonl"
    out.write_text("these are my notes\n")
    r = _classify("--text", "Phase 3 trial monitoring.", "-o", str(out), model_dir=bundled_model_dir)
    assert r.exit_code == 2
    assert "notes.jsonl:1" in r.stderr
    assert out.read_text() == "these are my notes\n"


@pytest.mark.parametrize("content, left", [(b"", b""), (b"a\nb\n", b"a\nb\n"), (b"a\nbb", b"a\n"),
                                           (b"no newline", b"")])
def test_drop_partial_last_line(tmp_path, content, left):
    f = tmp_path / "f"
    f.write_bytes(content)
    assert drop_partial_last_line(f) == (content != left)
    assert f.read_bytes() == left


# -- bad options and models ---------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--workers", "many"], ["--workers", "-1"], ["--scheduler", "tcp://x:1"],
                                  ["--resume"], ["--format", "xml"], ["--engine", "spark"]])
def test_bad_options_exit_2(args, bundled_model_dir):
    r = _classify("--text", "Phase 3 trial monitoring.", *args, model_dir=bundled_model_dir)
    assert r.exit_code == 2, r.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_missing_model_exits_2_before_touching_the_output(tmp_path, workers):
    out = tmp_path / "out.jsonl"
    r = _classify("--text", "Phase 3 trial monitoring.", "-o", str(out), "-w", workers,
                  model_dir=tmp_path / "nowhere")
    assert r.exit_code == 2
    assert "E101" in r.stderr
    assert not out.exists()


# -- the row function ---------------------------------------------------------------------------


class _Broken:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def classify_extracted(self, doc):
        raise self.exc

    def classify(self, text):
        raise self.exc


def test_row_function_turns_any_failure_into_an_error_row(document_corpus, caplog):
    good = document_corpus / "utf8.txt"
    row = classify_path(good, _Broken(RuntimeError("boom")), Limits())
    assert row == {"path": str(good), "error": {"code": "E000", "message": "internal error: RuntimeError"}}
    assert "boom" in caplog.text  # logged with its traceback
    row = classify_path(good, _Broken(CorruptFileError("bad bytes")), Limits())
    assert row["error"] == {"code": "E009", "message": "bad bytes"}
    assert classify_item(Item("<text>", text="x"), _Broken(KeyError("k")), Limits())["error"]["code"] == "E000"


# -- streaming: inputs are pulled only as far as the window needs -------------------------------


class _Counted:
    """A lazy stream of 100,000 items that records how many were taken."""

    def __init__(self, n: int = 100_000) -> None:
        self.taken = 0
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            self.taken += 1
            yield Item(f"doc{i}.txt", text=f"text {i}")


def _done(rows: list[dict]) -> Future:
    f: Future = Future()
    f.set_result(rows)
    return f


def test_ordered_rows_pulls_inputs_lazily_and_keeps_input_order():
    items = _Counted()
    submitted = []

    def submit(chunk):
        submitted.append(len(chunk))
        return _done([{"path": it.path} for it in chunk])

    rows = ordered_rows(submit, items, chunk_size=16, window=8)
    assert next(rows) == {"path": "doc0.txt"}
    assert items.taken <= 16 * 9  # the window, plus the chunk submitted as the first one finished
    assert [r["path"] for r in rows] == [f"doc{i}.txt" for i in range(1, items.n)]
    assert sum(submitted) == items.n


def test_a_lost_task_becomes_error_rows_and_a_model_failure_stops_the_run():
    calls = count()

    def submit(chunk):
        f: Future = Future()
        if next(calls) == 1:
            f.set_exception(OSError("worker died"))
        else:
            f.set_result([{"path": it.path} for it in chunk])
        return f

    rows = list(ordered_rows(submit, iter(_Counted(48)), chunk_size=16, window=2))
    assert [r["path"] for r in rows] == [f"doc{i}.txt" for i in range(48)]
    assert [r.get("error", {}).get("code") for r in rows] == [None] * 16 + ["E000"] * 16 + [None] * 16

    def broken_model(chunk):
        f: Future = Future()
        f.set_exception(ModelIntegrityError("tampered"))
        return f

    with pytest.raises(ModelIntegrityError):
        list(ordered_rows(broken_model, iter(_Counted(48)), chunk_size=16))


class _Enough(Exception):
    pass


def test_the_runner_writes_the_first_row_before_reading_more_inputs(monkeypatch, bundled_model_dir):
    items = _Counted()
    monkeypatch.setattr(batch, "iter_items", lambda *args, **kwargs: iter(items))

    class FirstRowStops(io.StringIO):
        taken_at_first_row = None

        def write(self, s: str) -> int:
            self.taken_at_first_row = items.taken
            raise _Enough

    out = FirstRowStops()
    job = BatchJob(inputs=[], model_dir=bundled_model_dir, limits=Limits(), max_chars=500_000)
    with pytest.raises(_Enough):
        run_batch(job, [], stdout=out)
    assert out.taken_at_first_row == 1


def test_one_local_worker_takes_one_input_per_row(bundled_model_dir):
    items = _Counted()
    rows = local_rows(iter(items), bundled_model_dir, 500_000, Limits())
    assert [next(rows)["path"] for _ in range(3)] == ["doc0.txt", "doc1.txt", "doc2.txt"]
    assert items.taken == 3


# -- worker processes ---------------------------------------------------------------------------


@pytest.mark.slow
def test_two_workers_give_the_same_rows_as_one(corpus_rows, document_corpus, tmp_path, bundled_model_dir):
    one, _ = corpus_rows
    two = tmp_path / "two.jsonl"
    r = _classify(str(document_corpus), "-o", str(two), "--workers", "2", model_dir=bundled_model_dir)
    assert r.exit_code == 1, r.output
    assert _rows(two) == _rows(one)


@pytest.mark.slow
def test_workers_report_a_tampered_model_with_exit_2(model_copy, tmp_path):
    (model_copy / "model.skops").write_bytes(b"junk")
    r = _classify("--text", "Phase 3 trial monitoring.", "-w", "2", "-o", str(tmp_path / "o.jsonl"),
                  model_dir=model_copy)
    assert r.exit_code == 2
    assert "E102" in r.stderr
