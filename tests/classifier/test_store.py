"""The intake store: migrations, stored rows, filters, reviews, and the export to training data."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, update
from typer.testing import CliRunner

from classifier.cli import app
from classifier.data import read_jsonl
from classifier.errors import DataError, RequestNotFoundError, StoreError
from classifier.intake import IntakeForm, merge
from classifier.store import (AttachmentInfo, Base, IntakeRow, RequestFilter, ReviewInput, Store,
                              masked_url, mechanical_provider)

CRO_TEXT = "Phase 1 first-in-human study: we need site monitoring and data management."
CDMO_TEXT = "GMP manufacture of 5 kg of peptide API and fill-finish of vials for our Phase 3 trial."


@pytest.fixture()
def store(tmp_path: Path, taxonomy) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'requests.db'}", taxonomy)
    s.upgrade()
    yield s
    s.dispose()


def _submit(store: Store, classifier, text: str, **form_fields):
    form = IntakeForm(description=text, **form_fields)
    merged = merge(form, classifier.classify(text), classifier.taxonomy)
    return store.add(form, text, merged, [AttachmentInfo(name="a.pdf", format="pdf", bytes=10,
                                                         characters=5)])


def test_migrations_create_exactly_the_models_tables(store):
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
        assert MigrationContext.configure(connection).get_current_revision() == "0001"
    assert {"intake_requests", "request_service_labels"} <= set(inspect(store.engine).get_table_names())
    store.upgrade()  # a second start-up finds the schema current and changes nothing
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0001"


def test_a_submission_is_stored_with_its_answer_and_model_version(store, classifier):
    stored = _submit(store, classifier, CRO_TEXT, title="Phase 1 CRO", requester="j@x.example",
                     modality="small molecule", phase="Phase 1",
                     services=["clinical_trial_management"])
    again = store.get(stored.id)
    assert again == stored
    assert again.model_version == classifier.version
    assert again.form.title == "Phase 1 CRO" and again.form.modality == "small molecule"
    assert again.attachments[0].name == "a.pdf"
    assert again.text == CRO_TEXT and len(again.text_sha256) == 64
    assert again.predicted.provider_type == "CRO"
    assert "clinical_trial_management" in again.predicted.services
    assert again.result.classification.provider.type == "CRO"
    assert again.review is None and again.reviewed is False and again.labels == again.predicted
    assert again.created_at.tzinfo is not None
    assert datetime.now(UTC) - again.created_at < timedelta(minutes=5)


def test_search_filters_on_current_labels_and_pages(store, classifier):
    cro = _submit(store, classifier, CRO_TEXT)
    cdmo = _submit(store, classifier, CDMO_TEXT)
    third = _submit(store, classifier, CDMO_TEXT)

    def ids(**kwargs):
        return [r.id for r in store.search(RequestFilter(**kwargs)).items]

    assert ids() == [third.id, cdmo.id, cro.id]  # newest first
    assert ids(provider_type="CRO") == [cro.id]
    assert ids(service="api_manufacturing") == [third.id, cdmo.id]
    assert ids(stage="late_clinical") == [third.id, cdmo.id]
    assert ids(reviewed=True) == []
    today = datetime.now(UTC).date()
    assert len(ids(since=today, until=today)) == 3
    assert ids(until=today - timedelta(days=1)) == []
    assert ids(since=today + timedelta(days=1)) == []
    page = store.search(RequestFilter(), page=2, page_size=2)
    assert (page.total, [r.id for r in page.items]) == (3, [cro.id])

    store.review(cro.id, ReviewInput(reviewer="rev", services=["api_manufacturing"]))
    assert ids(provider_type="CRO") == []
    assert ids(service="clinical_trial_management") == []
    assert ids(service="api_manufacturing", reviewed=True) == [cro.id]
    assert ids(reviewed=False) == [third.id, cdmo.id]


def test_search_by_date_reads_the_stored_time(store, classifier):
    old = _submit(store, classifier, CRO_TEXT)
    with store.engine.begin() as connection:
        connection.execute(update(IntakeRow).where(IntakeRow.id == old.id)
                           .values(created_at=datetime(2024, 5, 1, 12, tzinfo=UTC)))
    new = _submit(store, classifier, CRO_TEXT)
    found = store.search(RequestFilter(since=date(2024, 5, 1), until=date(2024, 5, 1)))
    assert [r.id for r in found.items] == [old.id]
    assert [r.id for r in store.search(RequestFilter(since=date(2024, 5, 2))).items] == [new.id]


def test_review_records_who_when_and_the_corrected_labels(store, classifier):
    stored = _submit(store, classifier, CDMO_TEXT)
    reviewed = store.review(stored.id, ReviewInput(reviewer="a.smith", note="phone call",
                                                   services=["clinical_trial_management"],
                                                   stage="early_clinical"))
    assert reviewed.review.reviewed_by == "a.smith" and reviewed.review.note == "phone call"
    assert reviewed.review.reviewed_at.tzinfo is not None
    # The provider type follows the corrected services when it is not given.
    assert reviewed.labels.model_dump() == {"services": ["clinical_trial_management"],
                                            "provider_type": "CRO", "stage": "early_clinical"}
    assert reviewed.review.confirmed is False
    assert reviewed.predicted == stored.predicted  # the prediction is kept beside the correction
    assert store.get(stored.id) == reviewed


def test_confirming_keeps_the_prediction(store, classifier):
    stored = _submit(store, classifier, CRO_TEXT)
    reviewed = store.review(stored.id, ReviewInput(reviewer="b"))
    assert reviewed.review.confirmed is True and reviewed.labels == stored.predicted


def test_labels_that_break_the_contract_are_refused_and_nothing_changes(store, classifier):
    stored = _submit(store, classifier, CRO_TEXT)
    with pytest.raises(DataError, match="does not fit"):
        store.review(stored.id, ReviewInput(reviewer="r", services=["api_manufacturing"],
                                            provider_type="CRO"))
    with pytest.raises(DataError, match="unknown stage"):
        store.review(stored.id, ReviewInput(reviewer="r", stage="phase_9"))
    with pytest.raises(DataError, match="unknown services"):
        store.review(stored.id, ReviewInput(reviewer="r", services=["fill_finish"]))
    with pytest.raises(DataError, match="NONE document has stage 'unspecified'"):
        store.review(stored.id, ReviewInput(reviewer="r", services=[], stage="early_clinical"))
    assert store.get(stored.id).review is None
    with pytest.raises(RequestNotFoundError):
        store.review(999, ReviewInput(reviewer="r"))
    with pytest.raises(RequestNotFoundError):
        store.get(999)


def test_mechanical_provider_follows_the_label_contract(taxonomy):
    assert mechanical_provider([], taxonomy) == "NONE"
    assert mechanical_provider(["bioanalytical_services"], taxonomy) == "CRO"
    assert mechanical_provider(["api_manufacturing"], taxonomy) == "CDMO"
    assert mechanical_provider(["api_manufacturing", "preclinical_research"], taxonomy) == "CRDMO"


def test_export_round_trips_reviewed_corrections_into_training_data(store, classifier, tmp_path):
    corrected = _submit(store, classifier, CDMO_TEXT)
    confirmed = _submit(store, classifier, CRO_TEXT)
    _submit(store, classifier, CRO_TEXT)  # never reviewed: not exported
    store.review(corrected.id, ReviewInput(reviewer="r", services=["api_manufacturing"],
                                           stage="commercial"))
    store.review(confirmed.id, ReviewInput(reviewer="r"))
    out = tmp_path / "reviews.jsonl"
    result = CliRunner().invoke(app, ["export-reviews", "--database-url", store.url,
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 2" in result.stdout
    docs = {d.id: d for d in read_jsonl(out)}  # read back by the training reader, contract-checked
    assert set(docs) == {f"intake_review-{corrected.id}", f"intake_review-{confirmed.id}"}
    back = docs[f"intake_review-{corrected.id}"]
    assert (back.services, back.provider_type, back.stage) == (["api_manufacturing"], "CDMO",
                                                               "commercial")
    assert back.text == CDMO_TEXT and back.register == "intake_review"
    kept = docs[f"intake_review-{confirmed.id}"]
    assert kept.services == sorted(confirmed.predicted.services)
    raw = json.loads(out.read_text().splitlines()[0])
    assert set(raw) == {"id", "text", "services", "provider_type", "stage", "register"}


def test_export_refuses_a_missing_or_unmigrated_store(tmp_path):
    missing = tmp_path / "nope.db"
    r = CliRunner().invoke(app, ["export-reviews", "--database-url", f"sqlite:///{missing}",
                                 "--output", str(tmp_path / "out.jsonl")])
    assert r.exit_code == 2 and "E404" in r.output
    assert not missing.exists()  # reading never creates a database
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(StoreError, match="failed: OperationalError"):
        list(Store.existing(f"sqlite:///{empty}").training_rows())


def test_store_urls_in_messages_hide_the_password():
    masked = masked_url("postgresql+psycopg://bd:secret@db.example/intake")
    assert "secret" not in masked and "bd:***@db.example/intake" in masked


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x/y"])
def test_a_store_that_cannot_be_opened_is_a_typed_error(url):
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(url)


def test_export_to_an_unwritable_path_fails_cleanly(store, tmp_path):
    r = CliRunner().invoke(app, ["export-reviews", "--database-url", store.url,
                                 "--output", str(tmp_path / "no" / "dir" / "out.jsonl")])
    assert r.exit_code == 2 and "cannot write" in r.output
