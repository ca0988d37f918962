"""Metrics, calibration and the comparison of systems across held-out sets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from classifier.data import LabelledDocument
from classifier.errors import DataError
from classifier.evaluation import (EvaluationSet, compare, compute_metrics,
                                   default_set_paths, expected_calibration_error, format_comparison,
                                   format_report, load_sets, reliability)

API, DP, CTM = "api_manufacturing", "drug_product_manufacturing", "clinical_trial_management"


def _doc(doc_id, services, provider, stage="early_clinical", **extra):
    return LabelledDocument(id=doc_id, text=f"text of {doc_id}", services=list(services),
                            provider_type=provider, stage=stage, extra=extra)


def _row(doc_id, services, provider, stage="early_clinical", **extra):
    return {"id": doc_id, "text": f"text of {doc_id}", "services": list(services),
            "provider_type": provider, "stage": stage, **extra}


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


# -- calibration ----------------------------------------------------------------------------

def test_perfectly_calibrated_scores_have_no_calibration_error():
    p = np.r_[np.full(400, 0.25), np.full(400, 0.75)]
    y = np.r_[np.arange(400) < 100, np.arange(400) < 300].astype(float)
    assert expected_calibration_error(y, p) < 1e-9
    # A confident but wrong 0.25 bin shows up.
    assert expected_calibration_error(1 - y, p) == pytest.approx(0.5)


def test_ece_by_hand_and_at_the_edges():
    assert expected_calibration_error([0, 0], [0.1, 0.9]) == pytest.approx(0.5)
    # A score of exactly 1.0 falls in the last bin, not beyond it.
    assert expected_calibration_error([1, 1], [1.0, 1.0]) == 0.0
    assert expected_calibration_error([], []) == 0.0
    bins = reliability(np.array([0, 1, 1, 0]), np.array([0.05, 0.95, 1.0, 0.55]))
    assert [b["bin"] for b in bins] == ["0.0-0.1", "0.5-0.6", "0.9-1.0"]
    assert sum(b["count"] for b in bins) == 4
    assert bins[-1] == {"bin": "0.9-1.0", "count": 2, "mean_score": 0.975, "positive_rate": 1.0}


def test_calibration_in_the_metrics_always_wrong_and_always_right(taxonomy, make_result):
    docs = [_doc("a", [API], "CDMO"), _doc("b", [CTM], "CRO")]
    wrong = [make_result([], scores={s: float(s not in d.services) for s in taxonomy.service_ids})
             for d in docs]
    right = [make_result(d.services, scores={s: float(s in d.services) for s in taxonomy.service_ids})
             for d in docs]
    bad = compute_metrics(docs, wrong, taxonomy)["calibration"]
    good = compute_metrics(docs, right, taxonomy)["calibration"]
    assert bad["overall"] == {"brier": 1.0, "ece": 1.0}
    assert bad["services"][API] == {"brier": 1.0, "ece": 1.0}
    assert good["overall"] == {"brier": 0.0, "ece": 0.0}
    assert set(good["services"]) == set(taxonomy.service_ids) and good["bins"] == 10


def test_report_shows_calibration_and_tolerates_metrics_without_it(taxonomy, make_result):
    docs = [_doc("a", [API], "CDMO"), _doc("b", [], "NONE", "unspecified")]
    metrics = compute_metrics(docs, [make_result([API], stage="early_clinical"), make_result([])], taxonomy)
    report = format_report(metrics, "title")
    assert "calibration of the service scores (10 bins)" in report
    overall = metrics["calibration"]["overall"]
    assert f"overall {overall['brier']:.3f} {overall['ece']:.3f}".split() == \
        [line for line in report.splitlines() if line.startswith("overall")][0].split()
    old = {k: v for k, v in metrics.items() if k != "calibration"}
    assert "calibration" not in format_report(old)


# -- held-out sets --------------------------------------------------------------------------

def test_default_sets_are_test_registers_and_each_suite(tmp_path):
    root = tmp_path / "training_data"
    _write(root / "test" / "test.jsonl", [_row("t1", [API], "CDMO")])
    _write(root / "test_register" / "chat.jsonl", [_row("r1", [API], "CDMO")])
    _write(root / "test_register" / "forms.jsonl", [_row("r2", [CTM], "CRO")])
    _write(root / "suites" / "narrow.jsonl", [_row("s1", [API], "CDMO", check={"exact": True})])
    _write(root / "suites" / "empty.jsonl", [])
    paths = default_set_paths(root)
    assert [p.relative_to(root).as_posix() for p in paths] == [
        "test", "test_register", "test_register/chat.jsonl", "test_register/forms.jsonl",
        "suites/empty.jsonl", "suites/narrow.jsonl"]
    sets = load_sets(paths, root=root)
    # The empty suite is skipped; names are paths under the data folder.
    assert [(s.name, len(s.docs), s.suite) for s in sets] == [
        ("test", 1, False), ("test_register", 2, False), ("test_register/chat", 1, False),
        ("test_register/forms", 1, False), ("suites/narrow", 1, True)]
    assert default_set_paths(tmp_path / "nowhere") == []


def test_load_sets_refuses_bad_suites_and_nothing_at_all(tmp_path):
    bad = _write(tmp_path / "bad.jsonl", [_row("s1", [API], "CDMO", check={"must_include": ["nope"]})])
    with pytest.raises(DataError, match="unknown services"):
        load_sets([bad])
    with pytest.raises(DataError, match="no labelled documents"):
        load_sets([_write(tmp_path / "empty.jsonl", [])])
    (single,) = load_sets([_write(tmp_path / "other" / "mine.jsonl", [_row("x", [], "NONE", "unspecified")])])
    assert single.name == "mine"


def test_compare_scores_every_system_on_every_set_predicting_each_document_once(taxonomy, make_result):
    shared = _doc("a", [API], "CDMO")
    plain = EvaluationSet("plain", [shared, _doc("b", [CTM], "CRO")])
    suite = EvaluationSet("suites/exclusion", [
        _doc("c", [API], "CDMO", check={"must_include": [API], "must_exclude": [DP]}),
        _doc("d", [API], "CDMO", check={"must_include": [API], "must_exclude": [DP]})])
    both = EvaluationSet("both", [shared])
    seen: list[str] = []

    def perfect(texts):
        seen.extend(texts)
        gold = {d.text: d for s in (plain, suite) for d in s.docs}
        return [make_result(gold[t].services) for t in texts]

    def always_dp(texts):
        return [make_result([API, DP]) for _ in texts]

    rows = compare([plain, suite, both], {"model": perfect, "dp": always_dp}, taxonomy)
    assert sorted(seen) == sorted({d.text for s in (plain, suite) for d in s.docs})
    assert [r["name"] for r in rows] == ["plain", "suites/exclusion", "both"]
    model, dp = rows[1]["systems"]["model"], rows[1]["systems"]["dp"]
    assert model["suite"]["rate"] == 1.0 and model["metrics"]["micro"]["f1"] == 1.0
    assert dp["suite"]["rate"] == 0.0 and len(dp["suite"]["failures"]) == 2
    assert "suite" not in rows[0]["systems"]["model"]
    assert rows[2]["documents"] == 1

    table = format_comparison(rows).splitlines()
    assert table[0].split() == ["set", "system", "docs", "micro-F1", "macro-F1", "provider", "stage",
                                "handled"]
    # header, rule, then one line per set and system; a set's name only on its first line
    assert len(table) == 2 + 3 * 2
    assert table[2].split()[:2] == ["plain", "model"] and table[2].split()[-1] == "-"
    assert table[4].split()[:3] == ["suites/exclusion", "model", "2"] and table[4].endswith("100.0%")
    assert table[5].split()[:2] == ["dp", "2"] and table[5].endswith("0.0%")


def test_comparison_shows_no_f1_on_a_set_that_asks_for_nothing(taxonomy, make_result):
    off = EvaluationSet("suites/off_topic", [_doc("n", [], "NONE", "unspecified",
                                                  check={"exact": True, "provider_type": "NONE"})])
    rows = compare([off], {"model": lambda texts: [make_result([]) for _ in texts]}, taxonomy)
    cells = format_comparison(rows).splitlines()[2].split()
    assert cells == ["suites/off_topic", "model", "1", "-", "-", "1.000", "1.000", "100.0%"]
