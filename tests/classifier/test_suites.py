"""Hard-case suites: each check rule decides 'handled' as the test-set format says."""

from __future__ import annotations

import json

import pytest

from classifier.data import LabelledDocument
from classifier.errors import DataError
from classifier.suites import SuiteCheck, is_suite, read_suite, run_suite

API, DP, CTM = "api_manufacturing", "drug_product_manufacturing", "clinical_trial_management"


def _doc(check, services=(API,), provider="CDMO", doc_id="d1"):
    extra = {} if check is None else {"check": check}
    return LabelledDocument(id=doc_id, text="some text", services=sorted(services),
                            provider_type=provider, stage="early_clinical", source=f"suite.jsonl:{doc_id}",
                            extra=extra)


@pytest.mark.parametrize("check, predicted, handled", [
    ({"must_include": [API]}, [API], True),
    ({"must_include": [API]}, [API, DP], True),
    ({"must_include": [API, DP]}, [API], False),
    ({"must_exclude": [DP]}, [API], True),
    ({"must_exclude": [DP]}, [API, DP], False),
    ({"exact": True}, [API], True),
    ({"exact": True}, [API, DP], False),
    ({"exact": True}, [], False),
    ({"exact": False}, [DP], True),
    ({"provider_type": "CDMO"}, [API], True),
    ({"provider_type": "CDMO"}, [API, CTM], False),
    ({"must_include": [API], "must_exclude": [DP], "provider_type": "CDMO"}, [API], True),
    ({"must_include": [API], "must_exclude": [DP], "provider_type": "CDMO"}, [API, DP], False),
], ids=lambda v: json.dumps(v) if isinstance(v, dict) else None)
def test_each_rule_decides_handled(check, predicted, handled, taxonomy, make_result):
    doc = _doc(check)
    problems = SuiteCheck.from_document(doc, taxonomy).failures(doc, make_result(predicted))
    assert (not problems) is handled, problems


def test_off_topic_rule_needs_no_services_and_provider_none(taxonomy, make_result):
    doc = _doc({"exact": True, "provider_type": "NONE"}, services=(), provider="NONE")
    check = SuiteCheck.from_document(doc, taxonomy)
    assert check.failures(doc, make_result([])) == []
    problems = check.failures(doc, make_result([CTM]))
    assert len(problems) == 2 and "provider CRO != NONE" in problems


def test_run_suite_counts_and_explains_failures(taxonomy, make_result):
    docs = [_doc({"must_include": [API], "must_exclude": [DP]}, doc_id="ok"),
            _doc({"must_include": [API], "must_exclude": [DP]}, doc_id="bad")]
    report = run_suite(docs, [make_result([API]), make_result([API, DP])], taxonomy)
    assert (report.documents, report.handled, report.rate) == (2, 1, 0.5)
    (failure,) = report.failures
    assert failure["id"] == "bad"
    assert failure["why"] == [f"excluded but predicted ['{DP}']"]
    assert failure["predicted"]["services"] == [API, DP]
    assert failure["expected"]["check"] == {"must_include": [API], "must_exclude": [DP], "exact": False}
    # Evidence of the wrongly tagged service, and the scores the check is about.
    assert list(failure["evidence"]) == [DP]
    assert set(failure["scores"]) == {API, DP}
    assert report.to_dict()["rate"] == 0.5


def test_run_suite_refuses_mismatched_lengths(taxonomy, make_result):
    with pytest.raises(ValueError):
        run_suite([_doc({"exact": True})], [], taxonomy)


@pytest.mark.parametrize("check, message", [
    (None, "needs a 'check' object"),
    ({"must_include": ["no_such_service"]}, "unknown services"),
    ({"must_exclude": "api_manufacturing"}, "must be a list"),
    ({"exact": "yes"}, "true or false"),
    ({"provider_type": "CMO"}, "provider_type"),
    ({"must_inclde": [API]}, "unknown check keys"),
])
def test_malformed_checks_are_refused_with_their_source(check, message, taxonomy):
    with pytest.raises(DataError, match=message) as err:
        SuiteCheck.from_document(_doc(check), taxonomy)
    assert "suite.jsonl:d1" in str(err.value)


def test_read_suite_reads_checks_from_jsonl(tmp_path, taxonomy):
    path = tmp_path / "exclusion.jsonl"
    row = {"id": "x1", "text": "We need GMP API; fill-finish is out of scope.", "services": [API],
           "provider_type": "CDMO", "stage": "unspecified",
           "check": {"must_include": [API], "must_exclude": [DP], "exact": False}}
    path.write_text(json.dumps(row) + "\n")
    (doc,) = read_suite(path, taxonomy)
    assert is_suite([doc])
    assert SuiteCheck.from_document(doc, taxonomy) == SuiteCheck((API,), (DP,), False, None)
    path.write_text(json.dumps({k: v for k, v in row.items() if k != "check"}) + "\n")
    with pytest.raises(DataError, match="exclusion.jsonl:1"):
        read_suite(path, taxonomy)
