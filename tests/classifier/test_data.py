"""Labelled data: reading and checking JSONL against the label contract, hashing, and the
bundled training data itself."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from classifier.data import (
    contract_problems,
    data_sha256,
    indicator_matrix,
    jsonl_files,
    read_documents,
    read_jsonl,
)
from classifier.errors import DataError


def row(**overrides) -> dict:
    base = {"id": "t-1", "text": "We need GMP drug substance for our phase 1 study.",
            "services": ["api_manufacturing"], "provider_type": "CDMO",
            "stage": "early_clinical", "register": "email"}
    base.update(overrides)
    return base


def write_jsonl(path: Path, rows: list, raw_lines: dict[int, str] | None = None) -> Path:
    """Write rows as JSONL; ``raw_lines`` replaces given 1-based lines with raw text."""
    lines = [json.dumps(r) for r in rows]
    for lineno, text in (raw_lines or {}).items():
        lines[lineno - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_ROWS = [
    row(id="t-1"),
    row(id="t-2", text="Phase 3 site monitoring and data management.",
        services=["clinical_trial_management"], provider_type="CRO", stage="late_clinical"),
    row(id="t-3", text="IND-enabling tox and CMC writing.",
        services=["preclinical_research", "manufacturing_regulatory_support"],
        provider_type="CRDMO", stage="preclinical"),
    row(id="t-4", text="Tender for office cleaning services.", services=[], provider_type="NONE",
        stage="unspecified", register="off_topic"),
    row(id="t-5", text="One partner end to end for our API.", services=["api_manufacturing"],
        provider_type="CRDMO", stage="commercial", notes="integrated ask"),
]


# -- read_jsonl ----------------------------------------------------------------------------


def test_read_jsonl_accepts_a_good_file(tmp_path):
    path = write_jsonl(tmp_path / "good.jsonl", GOOD_ROWS)
    docs = read_jsonl(path)
    assert [d.id for d in docs] == ["t-1", "t-2", "t-3", "t-4", "t-5"]
    assert docs[2].services == ["manufacturing_regulatory_support", "preclinical_research"]
    assert docs[3].provider_type == "NONE" and docs[3].services == []
    assert docs[1].stage == "late_clinical"
    assert docs[0].register == "email"
    assert docs[1].source == "good.jsonl:2"
    assert docs[4].extra == {"notes": "integrated ask"}


def test_read_jsonl_skips_blank_lines_and_counts_them(tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text(json.dumps(GOOD_ROWS[0]) + "\n\n   \n" + json.dumps(GOOD_ROWS[1]) + "\n",
                    encoding="utf-8")
    docs = read_jsonl(path)
    assert [d.source for d in docs] == ["blank.jsonl:1", "blank.jsonl:4"]


def test_read_jsonl_dedups_and_sorts_services(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [row(services=["api_manufacturing", "process_development",
                                                            "api_manufacturing"])])
    assert read_jsonl(path)[0].services == ["api_manufacturing", "process_development"]


def _assert_data_error_at(path: Path, lineno: int, *fragments: str) -> None:
    with pytest.raises(DataError) as info:
        read_jsonl(path)
    message = str(info.value)
    assert info.value.code == "E301"
    assert f"{path}:{lineno}" in message, message
    for fragment in fragments:
        assert re.search(fragment, message), message


def test_bad_json_names_file_and_line(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", GOOD_ROWS[:3], raw_lines={2: '{"id": "t-2", "text": '})
    _assert_data_error_at(path, 2, "not JSON")


def test_non_object_line_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "list.jsonl", GOOD_ROWS[:2], raw_lines={2: '["t-2"]'})
    _assert_data_error_at(path, 2, "JSON object")


def test_unknown_service_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "svc.jsonl",
                       [GOOD_ROWS[0], GOOD_ROWS[1], row(id="t-3", services=["api_manufacture"])])
    _assert_data_error_at(path, 3, "unknown services", "api_manufacture")


@pytest.mark.parametrize("services, provider_type", [
    (["api_manufacturing"], "CRO"),
    (["clinical_trial_management"], "CDMO"),
    (["preclinical_research", "api_manufacturing"], "CRO"),
    (["preclinical_research", "api_manufacturing"], "CDMO"),
    (["preclinical_research"], "NONE"),
    ([], "CRO"),
    ([], "CRDMO"),
])
def test_provider_type_inconsistent_with_services_is_refused(tmp_path, services, provider_type):
    stage = "unspecified" if provider_type == "NONE" else "early_clinical"
    path = write_jsonl(tmp_path / "kind.jsonl",
                       [GOOD_ROWS[0], row(id="t-2", services=services, provider_type=provider_type,
                                          stage=stage)])
    _assert_data_error_at(path, 2, f"provider_type {provider_type} does not fit")


@pytest.mark.parametrize("services, provider_type", [
    (["preclinical_research"], "CRO"),
    (["preclinical_research"], "CRDMO"),
    (["api_manufacturing"], "CDMO"),
    (["api_manufacturing"], "CRDMO"),
    (["preclinical_research", "api_manufacturing"], "CRDMO"),
])
def test_consistent_provider_types_are_accepted(tmp_path, services, provider_type):
    path = write_jsonl(tmp_path / "ok.jsonl", [row(services=services, provider_type=provider_type)])
    assert read_jsonl(path)[0].provider_type == provider_type


@pytest.mark.parametrize("stage", ["preclinical", "early_clinical", "late_clinical", "commercial"])
def test_none_with_a_stage_is_refused(tmp_path, stage):
    path = write_jsonl(tmp_path / "none.jsonl",
                       [row(id="t-1", services=[], provider_type="NONE", stage=stage)])
    _assert_data_error_at(path, 1, "NONE", "unspecified")


@pytest.mark.parametrize("bad, fragment", [
    ({"stage": "phase_1"}, "unknown stage"),
    ({"provider_type": "cro"}, "unknown provider_type"),
    ({"services": "api_manufacturing"}, "must be a list"),
    ({"text": "   "}, "empty text"),
    ({"id": ""}, "missing id"),
])
def test_other_contract_breaks_are_refused(tmp_path, bad, fragment):
    path = write_jsonl(tmp_path / "x.jsonl", [row(**bad)])
    _assert_data_error_at(path, 1, fragment)


def test_missing_id_key_is_refused(tmp_path):
    r = row()
    del r["id"]
    path = write_jsonl(tmp_path / "noid.jsonl", [r])
    _assert_data_error_at(path, 1, "missing id")


def test_contract_problems_lists_every_problem(taxonomy):
    problems = contract_problems(row(id="", text="", stage="nope", services=[], provider_type="CRO"),
                                 taxonomy)
    assert len(problems) == 4
    assert contract_problems(GOOD_ROWS[0], taxonomy) == []


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError):
        read_jsonl(tmp_path / "absent.jsonl")


def test_non_utf8_file_is_a_data_error(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(json.dumps(row(text="caf\u00e9"), ensure_ascii=False).encode("latin-1"))
    with pytest.raises(DataError):
        read_jsonl(path)


# -- read_documents ------------------------------------------------------------------------


def test_read_documents_reads_folders_sorted(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", [row(id="b-1")])
    (tmp_path / "sub").mkdir()
    write_jsonl(tmp_path / "sub" / "a.jsonl", [row(id="a-1"), row(id="a-2")])
    write_jsonl(tmp_path / "a.jsonl", [row(id="top-1")])
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    docs = read_documents([tmp_path])
    assert [d.id for d in docs] == ["top-1", "b-1", "a-1", "a-2"]
    assert [p.name for p in jsonl_files([tmp_path])] == ["a.jsonl", "b.jsonl", "a.jsonl"]


def test_duplicate_ids_across_files_are_refused(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [row(id="dup-7"), row(id="a-2")])
    write_jsonl(tmp_path / "b.jsonl", [row(id="b-1"), row(id="dup-7")])
    with pytest.raises(DataError) as info:
        read_documents([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    assert "dup-7" in str(info.value)
    assert "b.jsonl:2" in str(info.value)


def test_duplicate_ids_within_a_file_are_refused(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row(id="same"), row(id="same")])
    with pytest.raises(DataError, match="same"):
        read_documents([path])


def test_read_documents_missing_path(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_documents([tmp_path / "missing"])


def test_indicator_matrix():
    from classifier.data import LabelledDocument

    docs = [LabelledDocument("1", "t", ["b"], "CRO", "unspecified"),
            LabelledDocument("2", "t", ["a", "c"], "CRO", "unspecified"),
            LabelledDocument("3", "t", [], "NONE", "unspecified")]
    assert indicator_matrix(docs, ["a", "b", "c"]).tolist() == [[0, 1, 0], [1, 0, 1], [0, 0, 0]]


# -- data_sha256 ---------------------------------------------------------------------------


def test_data_sha256_changes_with_one_byte(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", GOOD_ROWS[:2])
    b = write_jsonl(tmp_path / "b.jsonl", GOOD_ROWS[2:])
    before = data_sha256([a, b])
    assert re.fullmatch(r"[0-9a-f]{64}", before)
    data = bytearray(b.read_bytes())
    data[10] ^= 0x01
    b.write_bytes(bytes(data))
    after = data_sha256([a, b])
    assert after != before
    data[10] ^= 0x01
    b.write_bytes(bytes(data))
    assert data_sha256([a, b]) == before


def test_data_sha256_does_not_depend_on_argument_order(tmp_path):
    files = [write_jsonl(tmp_path / f"{n}.jsonl", [row(id=n)]) for n in ("c", "a", "b")]
    assert data_sha256(files) == data_sha256(list(reversed(files))) == data_sha256(sorted(files))


def test_data_sha256_depends_on_file_names_and_boundaries(tmp_path):
    one = tmp_path / "one"
    two = tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a.jsonl").write_bytes(b"xy")
    (one / "b.jsonl").write_bytes(b"z")
    (two / "a.jsonl").write_bytes(b"x")
    (two / "b.jsonl").write_bytes(b"yz")
    assert data_sha256(sorted(one.iterdir())) != data_sha256(sorted(two.iterdir()))
    renamed = tmp_path / "renamed.jsonl"
    renamed.write_bytes(b"xy")
    assert data_sha256([one / "a.jsonl"]) != data_sha256([renamed])


# -- the bundled training data -------------------------------------------------------------


def test_every_bundled_file_passes_the_contract(training_data_dir, taxonomy):
    files = jsonl_files([training_data_dir])
    assert files, "no JSONL files under training_data/"
    for f in files:
        assert read_jsonl(f, taxonomy), f"{f} is empty"
    # Ids are unique across the whole folder, train and test together.
    docs = read_documents([training_data_dir], taxonomy)
    assert len(docs) == sum(len(read_jsonl(f, taxonomy)) for f in files)


def test_test_split_shares_no_text_with_training(training_data_dir, taxonomy):
    def norm(text: str) -> str:
        return " ".join(text.lower().split())

    train = {norm(d.text) for d in read_documents([training_data_dir / "train"], taxonomy)}
    leaked = [d.id for d in read_documents([training_data_dir / "test"], taxonomy)
              if norm(d.text) in train]
    assert leaked == []


def test_training_split_is_large_and_balanced_enough(training_data_dir, taxonomy):
    docs = read_documents([training_data_dir / "train"], taxonomy)
    assert len(docs) >= 1500
    positives = Counter(s for d in docs for s in d.services)
    for service in taxonomy.service_ids:
        assert positives[service] >= 120, f"{service}: {positives[service]} positives"
    kinds = Counter(d.provider_type for d in docs)
    assert kinds["NONE"] >= 150
    assert set(kinds) == {"CRO", "CDMO", "CRDMO", "NONE"}
    stages = Counter(d.stage for d in docs)
    assert set(stages) == set(taxonomy.stage_ids)
