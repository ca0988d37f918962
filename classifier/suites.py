"""Hard-case suites: was the phenomenon a document was written for handled?

A suite file is labelled JSONL whose rows also carry a ``check`` object (see
``training_data/suites/``): services that must be predicted, services that must not,
whether the services must equal the gold ones exactly, and optionally the provider type.
A document is handled when every condition it gives holds. F1 hides a suite's point
(one excluded service wrongly tagged in a long RFP costs little F1); the handled rate
and the failing documents show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from classifier.data import LabelledDocument, read_jsonl
from classifier.errors import DataError
from classifier.schema import ClassificationResult
from classifier.taxonomy import PROVIDER_TYPES, Taxonomy, default_taxonomy

CHECK = "check"
MAX_TEXT = 300


@dataclass(frozen=True)
class SuiteCheck:
    must_include: tuple[str, ...] = ()
    must_exclude: tuple[str, ...] = ()
    exact: bool = False
    provider_type: str | None = None

    @classmethod
    def from_document(cls, doc: LabelledDocument, taxonomy: Taxonomy) -> SuiteCheck:
        """The document's check, refused with its file and line when it is malformed."""
        raw = doc.extra.get(CHECK)
        where = f"{doc.source or doc.id}"
        if not isinstance(raw, dict):
            raise DataError(f"{where}: a suite row needs a 'check' object")
        unknown_keys = set(raw) - {"must_include", "must_exclude", "exact", "provider_type"}
        if unknown_keys:
            raise DataError(f"{where}: unknown check keys {sorted(unknown_keys)}")
        lists = {}
        for key in ("must_include", "must_exclude"):
            values = raw.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise DataError(f"{where}: check.{key} must be a list of service ids")
            unknown = [v for v in values if v not in taxonomy.service_ids]
            if unknown:
                raise DataError(f"{where}: check.{key} names unknown services {unknown}")
            lists[key] = tuple(values)
        exact = raw.get("exact", False)
        if not isinstance(exact, bool):
            raise DataError(f"{where}: check.exact must be true or false")
        kind = raw.get("provider_type")
        if kind is not None and kind not in PROVIDER_TYPES:
            raise DataError(f"{where}: check.provider_type must be one of {PROVIDER_TYPES}")
        return cls(lists["must_include"], lists["must_exclude"], exact, kind)

    def failures(self, gold: LabelledDocument, pred: ClassificationResult) -> list[str]:
        """Every condition the prediction breaks (empty: handled)."""
        got = {t.id for t in pred.services}
        problems = []
        missing = [s for s in self.must_include if s not in got]
        if missing:
            problems.append(f"missing {missing}")
        present = [s for s in self.must_exclude if s in got]
        if present:
            problems.append(f"excluded but predicted {present}")
        if self.exact and got != set(gold.services):
            problems.append(f"services {sorted(got)} != gold {sorted(gold.services)}")
        if self.provider_type and pred.provider.type != self.provider_type:
            problems.append(f"provider {pred.provider.type} != {self.provider_type}")
        return problems


@dataclass
class SuiteReport:
    documents: int
    handled: int
    failures: list[dict] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return round(self.handled / self.documents, 4) if self.documents else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "rate": self.rate}


def is_suite(docs: Sequence[LabelledDocument]) -> bool:
    return any(CHECK in d.extra for d in docs)


def validate_suite(docs: Sequence[LabelledDocument], taxonomy: Taxonomy | None = None) -> None:
    """Refuse a suite with a missing or malformed check before minutes are spent scoring it."""
    taxonomy = taxonomy or default_taxonomy()
    for d in docs:
        SuiteCheck.from_document(d, taxonomy)


def read_suite(path: Path | str, taxonomy: Taxonomy | None = None) -> list[LabelledDocument]:
    """A suite file, every row's check verified."""
    docs = read_jsonl(path, taxonomy)
    validate_suite(docs, taxonomy)
    return docs


def run_suite(docs: Sequence[LabelledDocument], preds: Sequence[ClassificationResult],
              taxonomy: Taxonomy | None = None) -> SuiteReport:
    """How many documents were handled, and for each one that was not, what went wrong and why."""
    if len(docs) != len(preds):
        raise ValueError("documents and predictions differ in length")
    taxonomy = taxonomy or default_taxonomy()
    report = SuiteReport(documents=len(docs), handled=0)
    for doc, pred in zip(docs, preds):
        check = SuiteCheck.from_document(doc, taxonomy)
        problems = check.failures(doc, pred)
        if not problems:
            report.handled += 1
            continue
        wrong = [t for t in pred.services if t.id not in doc.services]
        report.failures.append({
            "id": doc.id, "source": doc.source, "why": problems,
            "expected": {"services": list(doc.services), "provider": doc.provider_type,
                         "check": {k: list(v) if isinstance(v, tuple) else v
                                   for k, v in asdict(check).items() if v not in ((), None)}},
            "predicted": {"services": [t.id for t in pred.services], "provider": pred.provider.type,
                          "stage": pred.stage.value},
            # The evidence of wrongly tagged services says most about a failure.
            "evidence": {t.id: t.evidence[:2] for t in (wrong or pred.services)},
            "scores": {s: pred.scores.get(s) for s in dict.fromkeys(
                [*check.must_include, *check.must_exclude, *(t.id for t in wrong)])},
            "text": doc.text[:MAX_TEXT],
        })
    return report
