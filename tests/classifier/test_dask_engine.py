"""The Dask engine gives the local engine's rows, row for row, and fails cleanly without a cluster."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import dask
import pytest
from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()
pytestmark = pytest.mark.slow


def _classify(*args: str, model_dir: Path):
    return runner.invoke(app, ["classify", *args, "--model-dir", str(model_dir)])


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def local_rows(document_corpus, bundled_model_dir, tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("local") / "rows.jsonl"
    r = _classify(str(document_corpus), "-o", str(out), model_dir=bundled_model_dir)
    assert r.exit_code == 1, r.output
    return _rows(out)


def test_rows_from_a_cluster_equal_the_local_rows(local_rows, document_corpus, bundled_model_dir, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "dask.jsonl"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        r = _classify(str(document_corpus), "-o", str(out), "--engine", "dask",
                      "--scheduler", cluster.scheduler_address, model_dir=bundled_model_dir)
    assert r.exit_code == 1, r.output
    assert _rows(out) == local_rows


def test_without_a_scheduler_a_cluster_is_started_for_the_run(local_rows, document_corpus, bundled_model_dir):
    r = _classify(str(document_corpus), "--include", "*.txt", "--engine", "dask", "--workers", "1",
                  model_dir=bundled_model_dir)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["path"] for x in rows] == [x["path"] for x in local_rows if x["path"].endswith(".txt")]
    assert rows == [x for x in local_rows if x["path"].endswith(".txt")]
    assert r.exit_code == 1  # empty.txt and binary.txt


def test_an_unreachable_scheduler_exits_2(bundled_model_dir):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        r = _classify("--text", "Phase 3 trial monitoring.", "--engine", "dask",
                      "--scheduler", f"tcp://127.0.0.1:{port}", model_dir=bundled_model_dir)
    assert r.exit_code == 2, r.output
    assert "E501" in r.stderr
