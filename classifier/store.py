"""The intake store: every submission with its answer, and the reviewers' corrections.

SQLite by default, PostgreSQL (or any SQLAlchemy URL) by setting; the schema is
created and upgraded by the Alembic migrations in ``classifier/migrations``. Reviewed
rows come back out as labelled training documents, so corrections feed the next model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (JSON, DateTime, ForeignKey, Integer, String, Text, and_, create_engine,
                        exists, func, or_, select)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import (DeclarativeBase, Mapped, Session, mapped_column, relationship,
                            sessionmaker)

from classifier.data import contract_problems
from classifier.errors import DataError, RequestNotFoundError, StoreError
from classifier.intake import IntakeForm, IntakeMerge
from classifier.taxonomy import Taxonomy, default_taxonomy

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
EXPORT_REGISTER = "intake_review"
PREDICTED, CORRECTED = "predicted", "corrected"


# -- tables ------------------------------------------------------------------------------------
class Base(DeclarativeBase):
    pass


class IntakeRow(Base):
    __tablename__ = "intake_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    notes: Mapped[list] = mapped_column(JSON)
    requester: Mapped[str | None] = mapped_column(String(200))
    modality: Mapped[str | None] = mapped_column(String(100))
    phase: Mapped[str | None] = mapped_column(String(100))
    declared_services: Mapped[list] = mapped_column(JSON)
    attachments: Mapped[list] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    result: Mapped[dict] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(64))
    predicted_provider_type: Mapped[str] = mapped_column(String(16))
    predicted_stage: Mapped[str] = mapped_column(String(32))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    corrected_provider_type: Mapped[str | None] = mapped_column(String(16))
    corrected_stage: Mapped[str | None] = mapped_column(String(32))
    review_note: Mapped[str | None] = mapped_column(Text)

    labels: Mapped[list[ServiceLabelRow]] = relationship(
        back_populates="request", cascade="all, delete-orphan", lazy="selectin")


class ServiceLabelRow(Base):
    """One service of a request, as predicted or as corrected: rows, so filtering is plain SQL."""

    __tablename__ = "request_service_labels"

    request_id: Mapped[int] = mapped_column(ForeignKey("intake_requests.id", ondelete="CASCADE"),
                                            primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)

    request: Mapped[IntakeRow] = relationship(back_populates="labels")


# -- public records ----------------------------------------------------------------------------
class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Labels(_Record):
    services: list[str] = Field(description="Service ids, in taxonomy order.",
                                examples=[["api_manufacturing", "drug_product_manufacturing"]])
    provider_type: str = Field(description="CRO, CDMO, CRDMO or NONE.", examples=["CDMO"])
    stage: str = Field(description="Stage id.", examples=["early_clinical"])


class AttachmentInfo(_Record):
    name: str = Field(description="File name as uploaded.", examples=["rfp.pdf"])
    format: str = Field(description="Format it was read as.", examples=["pdf"])
    bytes: int = Field(ge=0, description="Size of the upload.", examples=[48213])
    characters: int = Field(ge=0, description="Characters of text extracted from it.",
                            examples=[5210])


class ReviewInput(_Record):
    """A reviewer's verdict: a label left out is confirmed as the model (and form) gave it."""

    reviewer: str = Field(min_length=1, max_length=200, description="Who reviewed.",
                          examples=["a.smith@bd.example"])
    services: list[str] | None = Field(
        default=None, description="Corrected service ids; omit to confirm the predicted ones.",
        examples=[["clinical_trial_management"]])
    provider_type: str | None = Field(
        default=None, description="Corrected provider type; omit to confirm, or to derive it "
                                  "from the sides of corrected services.", examples=["CRO"])
    stage: str | None = Field(default=None, description="Corrected stage id; omit to confirm.",
                              examples=["early_clinical"])
    note: str | None = Field(default=None, max_length=2000,
                             description="Free-text remark kept with the review.",
                             examples=["sponsor confirmed by phone: monitoring only"])


class Review(_Record):
    reviewed_by: str = Field(description="Who reviewed.", examples=["a.smith@bd.example"])
    reviewed_at: datetime = Field(description="When (UTC).", examples=["2025-03-04T10:15:00Z"])
    labels: Labels = Field(description="The labels the reviewer confirmed or set.")
    confirmed: bool = Field(description="True when the reviewer kept every predicted label.",
                            examples=[False])
    note: str | None = Field(description="The reviewer's remark.", examples=[None])


class RequestSummary(_Record):
    id: int = Field(description="Request id.", examples=[42])
    created_at: datetime = Field(description="When it was submitted (UTC).",
                                 examples=["2025-03-03T09:00:00Z"])
    title: str = Field(description="Title from the form.", examples=["Phase 2 peptide API"])
    requester: str | None = Field(description="Who submitted it.", examples=["j.doe@sponsor.example"])
    model_version: str = Field(description="Version of the model that answered.",
                               examples=["0.1.0+5a3e7f5a28"])
    labels: Labels = Field(description="Current labels: the review's when reviewed, else the "
                                       "prediction's.")
    reviewed: bool = Field(description="Whether a reviewer has confirmed or corrected it.",
                           examples=[True])


class RequestDetail(RequestSummary):
    form: IntakeForm = Field(description="The form as submitted.")
    attachments: list[AttachmentInfo] = Field(description="Files attached to the submission.")
    text: str = Field(description="The text that was classified (form fields and attachments).",
                      examples=["Phase 2 peptide API\n\nWe need GMP manufacture of 2 kg of API."])
    text_sha256: str = Field(description="sha256 of that text, to spot resubmissions.",
                             examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    predicted: Labels = Field(description="Labels as the service answered them.")
    result: IntakeMerge = Field(description="The full answer given at submission.")
    review: Review | None = Field(description="The latest review, if any.")


class RequestPage(_Record):
    items: list[RequestSummary] = Field(description="Requests of this page, newest first.")
    total: int = Field(ge=0, description="Requests matching the filters, on all pages.",
                       examples=[57])
    page: int = Field(ge=1, description="This page's number, from 1.", examples=[1])
    page_size: int = Field(ge=1, description="Requests per page.", examples=[20])


@dataclass(frozen=True)
class RequestFilter:
    """Filters on the current labels (the review's when reviewed, else the prediction's)."""

    provider_type: str | None = None
    service: str | None = None
    stage: str | None = None
    reviewed: bool | None = None
    since: date | None = None     # submitted on or after this day (UTC)
    until: date | None = None     # submitted on or before this day (UTC)


# -- the store ---------------------------------------------------------------------------------
def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _ordered(services: list[str], taxonomy: Taxonomy) -> list[str]:
    return sorted(set(services), key=taxonomy.service_ids.index)


def masked_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "<malformed database URL>"


def mechanical_provider(services: list[str], taxonomy: Taxonomy) -> str:
    """The provider type the label contract gives a set of services (CRDMO when both sides)."""
    sides = {taxonomy.side_of(s) for s in services}
    return ("NONE" if not sides else "CRDMO" if len(sides) == 2
            else "CRO" if sides == {"research"} else "CDMO")


class Store:
    """Reads and writes intake requests; each public method is one transaction."""

    def __init__(self, url: str, taxonomy: Taxonomy | None = None,
                 engine: Engine | None = None) -> None:
        self.url = url
        self.taxonomy = taxonomy or default_taxonomy()
        try:
            self.engine = engine or create_engine(url)
        except (SQLAlchemyError, ImportError) as exc:  # a malformed URL, a driver not installed
            raise StoreError(f"cannot open the store at {self.safe_url}: {exc}") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def existing(cls, url: str, taxonomy: Taxonomy | None = None) -> Store:
        """A store that must already be there: reading never creates an empty SQLite file."""
        parsed = make_url(url)
        if (parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
                and not Path(parsed.database).exists()):
            raise StoreError(f"no intake store at {parsed.database}")
        return cls(url, taxonomy)

    def upgrade(self) -> None:
        """Create or bring the schema up to date (Alembic, programmatically; no alembic.ini)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the store at {self.safe_url}: {exc.__class__.__name__}"
                             ) from exc

    @property
    def safe_url(self) -> str:
        return masked_url(self.url)

    def dispose(self) -> None:
        self.engine.dispose()

    # -- writing --------------------------------------------------------------------------
    def add(self, form: IntakeForm, text: str, merge: IntakeMerge,
            attachments: list[AttachmentInfo]) -> RequestDetail:
        """Store a submission and its answer in one transaction; the row it becomes."""
        c = merge.classification
        row = IntakeRow(
            created_at=datetime.now(UTC), title=form.title, description=form.description,
            notes=list(form.notes), requester=form.requester, modality=form.modality,
            phase=form.phase, declared_services=list(form.services),
            attachments=[a.model_dump() for a in attachments], text=text,
            text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            result=merge.model_dump(mode="json"), model_version=c.model.version,
            predicted_provider_type=c.provider.type, predicted_stage=merge.stage)
        row.labels = [ServiceLabelRow(kind=PREDICTED, service_id=t.id) for t in c.services]
        with self._transaction() as session:
            session.add(row)
            session.flush()
            return self._detail(row)

    def review(self, request_id: int, review: ReviewInput) -> RequestDetail:
        """Record a reviewer's confirmation or correction; labels must meet the label contract."""
        with self._transaction() as session:
            row = self._row(session, request_id)
            predicted = self._predicted(row)
            services = (predicted.services if review.services is None
                        else list(review.services))
            provider = review.provider_type
            if provider is None:
                provider = (predicted.provider_type if review.services is None
                            else mechanical_provider(
                                [s for s in services if s in self.taxonomy.service_ids],
                                self.taxonomy))
            stage = review.stage or ("unspecified" if provider == "NONE" else predicted.stage)
            problems = contract_problems({"id": str(row.id), "text": row.text, "services": services,
                                          "provider_type": provider, "stage": stage}, self.taxonomy)
            if problems:
                raise DataError("the reviewed labels break the label contract: "
                                + "; ".join(problems))
            row.reviewed_by = review.reviewer
            row.reviewed_at = datetime.now(UTC)
            row.corrected_provider_type = provider
            row.corrected_stage = stage
            row.review_note = review.note
            row.labels = [label for label in row.labels if label.kind == PREDICTED] + [
                ServiceLabelRow(kind=CORRECTED, service_id=s)
                for s in _ordered(services, self.taxonomy)]
            session.flush()
            return self._detail(row)

    # -- reading --------------------------------------------------------------------------
    def get(self, request_id: int) -> RequestDetail:
        with self._transaction() as session:
            return self._detail(self._row(session, request_id))

    def search(self, filters: RequestFilter = RequestFilter(), page: int = 1,
             page_size: int = 20) -> RequestPage:
        conditions = self._conditions(filters)
        with self._transaction() as session:
            total = session.scalar(select(func.count()).select_from(IntakeRow).where(*conditions))
            rows = session.scalars(select(IntakeRow).where(*conditions)
                                   .order_by(IntakeRow.id.desc())
                                   .offset((page - 1) * page_size).limit(page_size)).all()
            return RequestPage(items=[self._summary(r) for r in rows], total=total or 0,
                               page=page, page_size=page_size)

    def training_rows(self) -> Iterator[dict]:
        """Reviewed requests as labelled documents in the training data's JSONL format."""
        with self._transaction() as session:
            rows = session.scalars(select(IntakeRow).where(IntakeRow.reviewed_at.is_not(None))
                                   .order_by(IntakeRow.id)).all()
            for row in rows:
                labels = self._current(row)
                doc = {"id": f"{EXPORT_REGISTER}-{row.id}", "text": row.text,
                       "services": sorted(labels.services), "provider_type": labels.provider_type,
                       "stage": labels.stage, "register": EXPORT_REGISTER}
                problems = contract_problems(doc, self.taxonomy)
                if problems:
                    raise DataError(f"request {row.id}: " + "; ".join(problems))
                yield doc

    # -- internals ------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """Commit on success, roll back on error; database failures become StoreError, whose
        message names the store but never the SQL or the submitted text."""
        try:
            with self._sessions.begin() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"the store at {self.safe_url} failed: {exc.__class__.__name__}"
                             ) from exc

    @staticmethod
    def _row(session: Session, request_id: int) -> IntakeRow:
        row = session.get(IntakeRow, request_id)
        if row is None:
            raise RequestNotFoundError(f"no stored request has id {request_id}")
        return row

    def _conditions(self, f: RequestFilter) -> list:
        reviewed = IntakeRow.reviewed_at.is_not(None)
        conditions = []
        if f.reviewed is not None:
            conditions.append(reviewed if f.reviewed else IntakeRow.reviewed_at.is_(None))
        if f.provider_type:
            conditions.append(func.coalesce(IntakeRow.corrected_provider_type,
                                            IntakeRow.predicted_provider_type) == f.provider_type)
        if f.stage:
            conditions.append(func.coalesce(IntakeRow.corrected_stage,
                                            IntakeRow.predicted_stage) == f.stage)
        if f.service:
            def has(kind: str):
                return exists().where(ServiceLabelRow.request_id == IntakeRow.id,
                                      ServiceLabelRow.kind == kind,
                                      ServiceLabelRow.service_id == f.service)
            conditions.append(or_(and_(reviewed, has(CORRECTED)),
                                  and_(IntakeRow.reviewed_at.is_(None), has(PREDICTED))))
        if f.since:
            conditions.append(IntakeRow.created_at >= _day_start(f.since))
        if f.until:
            conditions.append(IntakeRow.created_at < _day_start(f.until + timedelta(days=1)))
        return conditions

    def _labels(self, row: IntakeRow, kind: str) -> list[str]:
        return _ordered([lb.service_id for lb in row.labels if lb.kind == kind], self.taxonomy)

    def _predicted(self, row: IntakeRow) -> Labels:
        return Labels(services=self._labels(row, PREDICTED),
                      provider_type=row.predicted_provider_type, stage=row.predicted_stage)

    def _current(self, row: IntakeRow) -> Labels:
        if row.reviewed_at is None:
            return self._predicted(row)
        return Labels(services=self._labels(row, CORRECTED),
                      provider_type=row.corrected_provider_type, stage=row.corrected_stage)

    def _summary(self, row: IntakeRow) -> RequestSummary:
        return RequestSummary(id=row.id, created_at=_utc(row.created_at), title=row.title,
                              requester=row.requester, model_version=row.model_version,
                              labels=self._current(row), reviewed=row.reviewed_at is not None)

    def _detail(self, row: IntakeRow) -> RequestDetail:
        predicted = self._predicted(row)
        review = None
        if row.reviewed_at is not None:
            current = self._current(row)
            review = Review(reviewed_by=row.reviewed_by, reviewed_at=_utc(row.reviewed_at),
                            labels=current, confirmed=current == predicted, note=row.review_note)
        return RequestDetail(
            **self._summary(row).model_dump(),
            form=IntakeForm(title=row.title, description=row.description, notes=row.notes,
                            requester=row.requester, modality=row.modality, phase=row.phase,
                            services=row.declared_services),
            attachments=[AttachmentInfo(**a) for a in row.attachments], text=row.text,
            text_sha256=row.text_sha256, predicted=predicted,
            result=IntakeMerge.model_validate(row.result), review=review)
