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
from tests.conftest import tiny_corpus_rows

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
    r = runner.invoke(app, ["classify", str(folder), "--output", str(out), "--exclude", "*.bin",
                            "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 0
    rows = _lines(out.read_text())
    assert [Path(row["path"]).name for row in rows] == ["a.txt", "b.md"]
    assert rows[1]["provider"]["type"] == "CRO"
    assert r.stdout.strip() == ""
    assert "2 documents" in r.stderr  # the summary
    # a file of a type ingestion does not read is reported, not silently skipped
    r = runner.invoke(app, ["classify", str(folder), "--output", str(out), "--no-resume",
                            "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 1
    assert {Path(row["path"]).name: row.get("error", {}).get("code") for row in _lines(out.read_text())} == {
        "a.txt": None, "ignored.bin": "E004", "b.md": None}


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
    assert set(metrics["calibration"]["overall"]) == {"brier", "ece"}
    r = runner.invoke(app, ["evaluate", str(data), "--model-dir", str(bundled_model_dir)])
    assert "micro" in r.stdout and "provider-type accuracy" in r.stdout
    assert "calibration of the service scores" in r.stdout


def _held_out_sets(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A tiny test set, a tiny suite and TINY_CORPUS as training data for the textcat baseline."""
    held = tmp_path / "held.jsonl"
    held.write_text("\n".join(json.dumps(row) for row in [
        {"id": "h1", "text": TEXT, "services": ["api_manufacturing"], "provider_type": "CDMO",
         "stage": "early_clinical"},
        {"id": "h2", "text": "Phase 2 trial: site monitoring and data management across 30 sites.",
         "services": ["clinical_trial_management"], "provider_type": "CRO", "stage": "early_clinical"},
        {"id": "h3", "text": "Tender for office cleaning services at our Basel site.", "services": [],
         "provider_type": "NONE", "stage": "unspecified"},
    ]))
    suite = tmp_path / "exclusion.jsonl"
    suite.write_text("\n".join(json.dumps(row) for row in [
        {"id": "s1", "text": "We need GMP manufacture of 3 kg of API for Phase 1; fill-finish is out of "
                             "scope.", "services": ["api_manufacturing"], "provider_type": "CDMO",
         "stage": "early_clinical",
         "check": {"must_include": ["api_manufacturing"], "must_exclude": ["drug_product_manufacturing"]}},
        {"id": "s2", "text": "Job advert: senior clinical research associate, home-based.", "services": [],
         "provider_type": "NONE", "stage": "unspecified", "check": {"exact": True, "provider_type": "NONE"}},
    ]))
    train = tmp_path / "train.jsonl"
    train.write_text("\n".join(json.dumps(row) for row in tiny_corpus_rows()))
    return held, suite, train


def test_evaluate_sets_prints_one_table_and_the_suite_failures(tmp_path, bundled_model_dir):
    held, suite, _ = _held_out_sets(tmp_path)
    r = runner.invoke(app, ["evaluate", "--sets", str(held), str(suite),
                            "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("set "))
    assert lines[header].split()[-1] == "handled"
    held_row, suite_row = lines[header + 2].split(), lines[header + 3].split()
    assert held_row[:3] == ["held", "model", "3"] and held_row[-1] == "-"
    assert suite_row[:3] == ["exclusion", "model", "2"] and suite_row[-1].endswith("%")
    assert "total" in lines[-1] and lines[-1].rstrip().endswith("s")


def test_evaluate_sets_refuses_a_malformed_suite(tmp_path, bundled_model_dir):
    bad = tmp_path / "bad_suite.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": TEXT, "services": ["api_manufacturing"],
                               "provider_type": "CDMO", "stage": "early_clinical",
                               "check": {"must_exclude": ["fill_finish"]}}) + "\n")
    r = runner.invoke(app, ["evaluate", "--sets", str(bad), "--model-dir", str(bundled_model_dir)])
    assert r.exit_code == 2
    assert "E301" in r.output and "bad_suite.jsonl:1" in r.output


def test_evaluate_baselines_beside_the_model_on_every_set(tmp_path, bundled_model_dir):
    held, suite, train = _held_out_sets(tmp_path)
    args = ["evaluate", "--sets", "--baselines", "--train-data", str(train), str(held), str(suite),
            "--model-dir", str(bundled_model_dir)]
    r = runner.invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert list(result["systems"]) == ["model", "keywords", "spacy-textcat"]
    assert [s["name"] for s in result["sets"]] == ["held", "exclusion"]
    for s in result["sets"]:
        assert list(s["systems"]) == ["model", "keywords", "spacy-textcat"]
        assert all("calibration" in v["metrics"] for v in s["systems"].values())
    suite_scores = result["sets"][1]["systems"]
    # The keyword matcher tags the excluded fill-finish: the suite exists to show this.
    assert "s1" in [f["id"] for f in suite_scores["keywords"]["suite"]["failures"]]
    assert {"textcat_training", "scoring", "total"} <= set(result["seconds"])
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("set "))
    rows = [line.split() for line in lines[header + 2:header + 8]]
    assert [rows[0][:2], rows[1][0], rows[2][0]] == [["held", "model"], "keywords", "spacy-textcat"]
    assert [rows[3][:2], rows[4][0], rows[5][0]] == [["exclusion", "model"], "keywords", "spacy-textcat"]
    assert "textcat training" in r.stdout.splitlines()[-1]


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
