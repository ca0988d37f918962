"""The rfp-classifier command: stable names, JSON lines on stdout only, honest exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()
TEXT = "We need GMP manufacture of 2 kg of API for our Phase 1 study."


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_classify_text_option(bundled_model_dir):
    r = runner.invoke(app, ["classify", "--text", TEXT, "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 0, r.output
    (row,) = _lines(r.stdout)
    assert row["path"] == "<text>"
    assert {"services", "provider", "stage", "model"} <= set(row)
    assert "api_manufacturing" in [s["id"] for s in row["services"]]


def test_classify_quoted_text_argument_and_stdin(bundled_model_dir):
    r = runner.invoke(app, ["classify", TEXT, "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 0
    assert _lines(r.stdout)[0]["path"] == "<argument>"
    r = runner.invoke(app, ["classify", "-", "--model-dir", str(bundled_model_dir)], input=TEXT)
    assert r.exit_code == 0
    assert _lines(r.stdout)[0]["path"] == "<stdin>"


def test_classify_folder_writes_one_line_per_file(tmp_path, bundled_model_dir):
    folder = tmp_path / "rfps"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT)
    (folder / "sub" / "b.md").write_text("Phase 2 trial monitoring and data management needed.")
    (folder / "ignored.bin").write_bytes(b"\x00\x01")
    out = tmp_path / "out.jsonl"
    r = runner.invoke(app, ["classify", str(folder), "--output", str(out),
                            "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 0
    rows = _lines(out.read_text())
    assert [Path(row["path"]).name for row in rows] == ["a.txt", "b.md"]
    assert rows[1]["provider"]["type"] == "CRO"
    assert r.stdout.strip() == ""


def test_classify_reports_bad_files_and_exits_1(tmp_path, bundled_model_dir):
    (tmp_path / "empty.txt").write_text("   ")
    (tmp_path / "good.txt").write_text(TEXT)
    r = runner.invoke(app, ["classify", str(tmp_path), str(tmp_path / "missing.txt"),
                            "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 1
    rows = {Path(row["path"]).name: row for row in _lines(r.stdout)}
    assert rows["empty.txt"]["error"]["code"] == "E002"
    assert rows["missing.txt"]["error"]["code"] == "E001"
    assert "services" in rows["good.txt"]


def test_classify_refuses_a_tampered_model(model_copy):
    (model_copy / "model.skops").write_bytes(b"junk")
    r = runner.invoke(app, ["classify", "--text", TEXT, "--model-dir", str(model_copy)])
    assert r.exit_code == 2
    assert "E102" in r.output


def test_evaluate_prints_the_metrics(tmp_path, bundled_model_dir):
    data = tmp_path / "labelled.jsonl"
    data.write_text("\n".join(json.dumps(row) for row in [
        {"id": "a", "text": TEXT, "services": ["api_manufacturing"], "provider_type": "CDMO",
         "stage": "early_clinical"},
        {"id": "b", "text": "Tender for office cleaning services at our Basel site.", "services": [],
         "provider_type": "NONE", "stage": "unspecified"},
    ]))
    r = runner.invoke(app, ["evaluate", str(data), "--model-dir", str(bundled_model_dir), "--json"])
    assert r.exit_code == 0, r.output
    metrics = json.loads(r.stdout)
    assert metrics["documents"] == 2
    assert set(metrics) >= {"services", "micro", "macro_f1", "provider_accuracy", "stage_accuracy"}
    r = runner.invoke(app, ["evaluate", str(data), "--model-dir", str(bundled_model_dir)])
    assert "micro" in r.stdout and "provider-type accuracy" in r.stdout


def test_check_data_and_taxonomy_commands(training_data_dir):
    r = runner.invoke(app, ["check-data", str(training_data_dir / "test")])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["documents"] > 0
    r = runner.invoke(app, ["taxonomy"])
    assert len(json.loads(r.stdout)["services"]) == 10


def test_check_data_rejects_a_broken_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "t", "services": ["nope"], "provider_type": "CRO", '
                   '"stage": "unspecified"}\n')
    r = runner.invoke(app, ["check-data", str(bad)])
    assert r.exit_code == 2
    assert "E301" in r.output and "bad.jsonl:1" in r.output


@pytest.mark.slow
def test_installed_console_script_runs(tmp_path):
    exe = Path(sys.executable).with_name("rfp-classifier")
    assert exe.exists(), "pip install should put rfp-classifier next to the interpreter"
    proc = subprocess.run([str(exe), "classify", "-"], input=TEXT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "RFP_LOG_LEVEL": "WARNING"})
    assert proc.returncode == 0, proc.stderr
    assert len(_lines(proc.stdout)) == 1
