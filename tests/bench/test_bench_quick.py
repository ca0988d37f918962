"""The benchmark cannot rot: its quick run prints every row of the issue with positive numbers.

Timings are never judged here (CI machines differ); only that each measure ran and came out.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.__main__ import parse_args
from bench.measure import Row, Sample, Target
from bench.table import format_table
from classifier.settings import PROJECT_ROOT

# The rows issue 7 asks for, by their stable ids.
EXPECTED_ROWS = {
    *(f"batch.text.{size}.w{w}.{unit}" for size in ("short", "long") for w in (1, 2)
      for unit in ("docs_per_s", "words_per_s")),
    *(f"batch.{kind}.w{w}.{unit}" for kind in ("pdf", "docx") for w in (1, 2)
      for unit in ("docs_per_s", "words_per_s")),
    "batch.pdf.extraction_overhead", "batch.docx.extraction_overhead",
    "memory.batch_rss_classifying", "memory.batch_peak_rss",
    *(f"api.c{c}.{m}" for c in (1, 8, 32) for m in ("rps", "p50", "p99")),
    "startup.ready_seconds", "startup.model_size", "startup.rss_after_load",
    "training.seconds", "batch.dask.docs_per_s",
}
WITH_TARGET = {"batch.text.short.w2.docs_per_s", "batch.pdf.extraction_overhead",
               "batch.docx.extraction_overhead", "memory.batch_rss_classifying", "api.c8.rps", "api.c8.p99",
               "startup.ready_seconds", "startup.rss_after_load", "training.seconds"}


@pytest.mark.slow
def test_quick_run_prints_every_row_with_positive_numbers(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json", str(out)], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=1800, check=False)
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["id"]: row for row in report["rows"]}
    assert set(rows) == EXPECTED_ROWS
    lines = run.stdout.splitlines()
    for row in rows.values():
        assert any(line.startswith(row["measure"]) and f" {row['unit']} " in line for line in lines), row["id"]
        assert row["value"]["min"] > 0, row["id"]
        if row["id"] != "startup.model_size":
            assert row["reference"] is None or row["reference"]["min"] > 0, row["id"]
        assert (row["met"] is not None) == (row["id"] in WITH_TARGET), row["id"]
    assert all(rows[i]["reference"] for i in EXPECTED_ROWS if not i.startswith(("startup.model", "training")))
    assert "machine:" in run.stdout and "load average" in run.stdout
    assert f"targets met: {sum(r['met'] is True for r in rows.values())} of {len(WITH_TARGET)}" in run.stdout


def test_table_shows_reference_ratio_and_verdict():
    row = Row("x", "Section | reference: something", "docs per run", "docs/s", Sample([10.0, 12.0, 11.0]),
              Sample([40.0, 44.0]), "ref", Target("ratio", ">=", 0.25))
    text = format_table([row])
    assert "\nSection\n  reference: something\n" in text
    line = next(line for line in text.splitlines() if line.startswith("docs per run"))
    assert line.split()[4:] == ["11.0", "10.0", "12.0", "42.0", "[40.0-44.0]", "0.262", "ratio", "≥",
                                "0.25", "yes"]


def test_groups_expand_aliases_and_refuse_unknown_names(capsys):
    assert parse_args(["--only", "batch,api"]).only == ["text", "dask", "files", "memory", "api"]
    assert parse_args(["--only", "startup,api"]).only == ["api"]
    assert parse_args([]).only == ["text", "dask", "files", "memory", "api", "training"]
    with pytest.raises(SystemExit):
        parse_args(["--only", "nonsense"])
    assert "unknown group 'nonsense'" in capsys.readouterr().err
