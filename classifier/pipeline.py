"""The classifier as users meet it: text in, services, provider type and stage out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from classifier.artifact import LoadedModel, load_model
from classifier.calibration import calibrate
from classifier.errors import EmptyTextError, InvalidInputError, TextTooLargeError
from classifier.provider import decide_provider
from classifier.schema import (ClassificationResult, DocumentInfo, IgnoredSentence, ModelInfo,
                               ProviderRecommendation, ServiceTag, StageCall)
from classifier.stage import decide_stage
from classifier.taxonomy import Taxonomy, default_taxonomy
from classifier.text import KEPT, ProcessedDocument, TextProcessor, cue_token_id, segment_model_input
from classifier.thresholds import select_services

if TYPE_CHECKING:
    from classifier.ingest import ExtractedDocument

DEFAULT_MAX_CHARS = 500_000
MAX_EVIDENCE = 3
MAX_IGNORED = 20
SHORT_TEXT_WORDS = 6


def check_text(text: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Refuse what cannot be classified, before any work is spent on it."""
    if not isinstance(text, str):
        raise InvalidInputError(f"text must be a string, not {type(text).__name__}")
    if len(text) > max_chars:
        raise TextTooLargeError(f"text has {len(text):,} characters; the limit is {max_chars:,}")
    if not text.strip():
        raise EmptyTextError("text is empty or only whitespace")
    return text


class Classifier:
    """Loads a verified model once and classifies any number of documents with it."""

    def __init__(self, loaded: LoadedModel, taxonomy: Taxonomy | None = None,
                 max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.taxonomy = taxonomy or default_taxonomy()
        self.processor = TextProcessor()
        self.max_chars = max_chars
        self.services = list(self.model.services_)
        self.stages = list(self.model.stages_)

    @classmethod
    def from_dir(cls, model_dir: Path | str, max_chars: int = DEFAULT_MAX_CHARS) -> Classifier:
        taxonomy = default_taxonomy()
        return cls(load_model(model_dir, taxonomy), taxonomy, max_chars=max_chars)

    @property
    def version(self) -> str:
        return self.loaded.version

    def classify(self, text: str) -> ClassificationResult:
        result = next(self.classify_many([text]))
        if isinstance(result, Exception):
            raise result
        return result

    def classify_extracted(self, doc: ExtractedDocument) -> ClassificationResult:
        """Classify an extracted file, saying which part (page, attachment) each evidence came from."""
        result = self.classify(doc.text)
        services = [t.model_copy(update={"sources": [doc.source_of(e) or "" for e in t.evidence]})
                    for t in result.services]
        stage = result.stage.model_copy(
            update={"sources": [doc.source_of(e) or "" for e in result.stage.evidence]})
        info = DocumentInfo(name=doc.name, format=doc.format, characters=len(doc.text),
                            sources=[p.source for p in doc.parts])
        return result.model_copy(update={"services": services, "stage": stage, "document": info,
                                         "warnings": result.warnings + list(doc.warnings)})

    def classify_many(self, texts: Iterable[str], batch_size: int = 32
                      ) -> Iterator[ClassificationResult | InvalidInputError]:
        """Results in input order; an unusable text yields its error instead of stopping the batch."""
        it = iter(texts)
        while batch := list(islice(it, batch_size)):
            checked: list[str | InvalidInputError] = []
            for t in batch:
                try:
                    checked.append(check_text(t, self.max_chars))
                except InvalidInputError as exc:
                    checked.append(exc)
            good = [t for t in checked if isinstance(t, str)]
            results = iter(self.classify_documents(list(self.processor.pipe(good))))
            for item in checked:
                yield item if isinstance(item, InvalidInputError) else next(results)

    def classify_documents(self, docs: Sequence[ProcessedDocument]) -> list[ClassificationResult]:
        """Classify documents already run through the text processor."""
        if not docs:
            return []
        F = self.model.transform([d.model_input for d in docs])
        return self.results_from_scores(docs, self.model.service_proba(F),
                                        self.model.request_proba(F), self.model.stage_proba(F))

    def results_from_scores(self, docs: Sequence[ProcessedDocument], service_p: np.ndarray,
                            request_p: np.ndarray, stage_p: np.ndarray, evidence: bool = True
                            ) -> list[ClassificationResult]:
        """Turn model scores into answers; cross-validation calls this with out-of-fold scores.

        ``evidence=False`` skips scoring each sentence (metrics do not need it).
        """
        service_p = calibrate(service_p, self.services, self.loaded.calibration)
        kept = [d.read_segments for d in docs]
        # A document whose every sentence was set aside shows no request at all.
        request_p = np.where([bool(k) for k in kept], request_p, 0.0)
        selected = select_services(service_p, request_p, self.services, self.loaded.thresholds,
                                   self.loaded.request_threshold)
        # A service the document names only to exclude it (or as history) is not requested,
        # however much the rest of the text resembles documents that do request it.
        cue_ids = [cue_token_id(s) for s in self.services]
        for i, doc in enumerate(docs):
            set_aside = doc.only_set_aside()
            selected[i] &= [c not in set_aside for c in cue_ids]
        n_kept = sum(len(k) for k in kept)
        flat = [segment_model_input(s) for segs in kept for s in segs] if evidence else []
        if flat:
            S = self.model.transform(flat)
            svc_contrib = self.model.service_contributions(S)
            stage_contrib = self.model.stage_contributions(S)
        else:
            svc_contrib = np.zeros((n_kept, len(self.services)))
            stage_contrib = np.zeros((n_kept, len(self.stages)))
        out, offset = [], 0
        for i, doc in enumerate(docs):
            n = len(kept[i])
            out.append(self._result(doc, kept[i], service_p[i], float(request_p[i]), stage_p[i],
                                    selected[i], svc_contrib[offset:offset + n],
                                    stage_contrib[offset:offset + n]))
            offset += n
        return out

    # -- internals -------------------------------------------------------------------------
    def _result(self, doc: ProcessedDocument, kept: list, service_p: np.ndarray, request_p: float,
                stage_p: np.ndarray, selected: np.ndarray, svc_contrib: np.ndarray,
                stage_contrib: np.ndarray) -> ClassificationResult:
        scores = {s: round(float(p), 4) for s, p in zip(self.services, service_p)}
        tags = []
        for k in np.argsort(-service_p):
            if not selected[k]:
                continue
            sid = self.services[k]
            order = np.argsort(-svc_contrib[:, k]) if len(kept) else []
            evidence = [kept[j].text for j in order[:MAX_EVIDENCE] if svc_contrib[j, k] > 0]
            tags.append(ServiceTag(id=sid, name=self.taxonomy.service(sid).name,
                                   score=scores[sid], evidence=evidence))
        integrated = next((s.text for s in kept if s.integrated), None)
        provider = decide_provider([t.id for t in tags], scores, self.taxonomy, request_p, integrated)
        stage = decide_stage(self.stages, stage_p, kept, stage_contrib, provider.type)
        warnings = []
        if doc.word_count < SHORT_TEXT_WORDS:
            warnings.append(f"very short text ({doc.word_count} words): too little to be sure")
        if not kept:
            warnings.append("every sentence was set aside as exclusion, history or boilerplate")
        ignored = [IgnoredSentence(text=s.text, reason=s.status)
                   for s in doc.segments if s.status != KEPT][:MAX_IGNORED]
        return ClassificationResult(
            services=tags,
            provider=ProviderRecommendation(type=provider.type, confidence=provider.confidence,
                                            reasons=provider.reasons),
            stage=StageCall(value=stage.value, confidence=stage.confidence, evidence=stage.evidence),
            model=ModelInfo(version=self.version),
            scores=scores,
            request_score=round(request_p, 4),
            ignored=ignored,
            warnings=warnings,
        )
