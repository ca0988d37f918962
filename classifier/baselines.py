"""Two obvious alternatives to the product, so its numbers can be judged against something.

- ``KeywordBaseline``: a service is tagged when one of its taxonomy cues appears anywhere in
  the text; nothing is fitted, and exclusions or history are not understood.
- ``TextcatBaseline``: spaCy's own text categorizer (bag-of-words architecture) trained on
  the same training split as the product.

Both answer in the product's ``ClassificationResult`` shape and route services to a provider
type with the product's own mapping (``classifier.provider``) and stage rule
(``classifier.stage``), so ``compute_metrics`` scores them unchanged and every difference in
the numbers comes from how services and stages are called, not from the bookkeeping.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from classifier.data import LabelledDocument
from classifier.errors import TrainingError
from classifier.provider import decide_provider, type_probabilities
from classifier.schema import ClassificationResult, ModelInfo, ProviderRecommendation, ServiceTag, StageCall
from classifier.stage import UNSPECIFIED, decide_stage
from classifier.taxonomy import Taxonomy, default_taxonomy
from classifier.text import _phrase_matcher, normalize_text

log = logging.getLogger(__name__)

MAX_EVIDENCE = 3
MAX_LENGTH = 5_000_000
SERVICE, STAGE = "svc:", "stage:"


class Baseline(Protocol):
    """What the comparison needs from a system: a name, a line saying what it is, and answers."""

    name: str

    @property
    def description(self) -> str: ...

    def predict(self, texts: Sequence[str]) -> list[ClassificationResult]: ...


def _answer(taxonomy: Taxonomy, version: str, scores: Mapping[str, float], selected: Sequence[str],
            stage_proba: np.ndarray, evidence: Mapping[str, list[str]] | None = None,
            stage_evidence: Mapping[str, list[str]] | None = None) -> ClassificationResult:
    """An answer built the way the product builds one, from a baseline's service calls."""
    evidence = evidence or {}
    selected = sorted(selected, key=lambda s: -scores[s])
    provider = decide_provider(selected, scores, taxonomy)
    stage = decide_stage(taxonomy.stage_ids, stage_proba, [], None, provider.type)
    # With request probability 1, NONE is the chance that no service at all is needed.
    request = 1.0 - type_probabilities(scores, taxonomy)["NONE"]
    return ClassificationResult(
        services=[ServiceTag(id=s, name=taxonomy.service(s).name, score=scores[s],
                             evidence=evidence.get(s, [])[:MAX_EVIDENCE]) for s in selected],
        provider=ProviderRecommendation(type=provider.type, confidence=provider.confidence,
                                        reasons=provider.reasons),
        stage=StageCall(value=stage.value, confidence=stage.confidence,
                        evidence=(stage_evidence or {}).get(stage.value, [])[:MAX_EVIDENCE]),
        model=ModelInfo(version=version),
        scores=dict(scores),
        request_score=round(min(1.0, max(0.0, request)), 4),
    )


class KeywordBaseline:
    """Tags every service whose cue phrase occurs in the text; the stage from stage cues.

    Cues match case-insensitively on token boundaries, abbreviations with their exact case
    (as the taxonomy defines them). When cues of several stages occur, the latest stage
    wins (the taxonomy's rule); none gives ``unspecified``. Scores are 1 or 0.
    """

    name = "keywords"
    version = "baseline-keywords"
    description = "taxonomy cues and abbreviations anywhere in the text, nothing fitted"

    def __init__(self, taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy or default_taxonomy()
        self.nlp = spacy.blank("en")
        # Sentences as the product splits them (every line at least one), for readable evidence.
        self.nlp.add_pipe("sentencizer")
        self.nlp.add_pipe("rfp_line_breaks")
        self.nlp.max_length = MAX_LENGTH
        entries = [(f"{SERVICE}{s.id}", s) for s in self.taxonomy.services]
        entries += [(f"{STAGE}{s.id}", s) for s in self.taxonomy.stages if s.id != UNSPECIFIED]
        self.cues = _phrase_matcher(self.nlp, "LOWER", {k: s.cues for k, s in entries})
        self.abbreviations = _phrase_matcher(self.nlp, "ORTH", {k: s.abbreviations for k, s in entries})

    def matches(self, doc: Doc) -> dict[str, list[str]]:
        """"svc:<id>" or "stage:<id>" -> the sentences where one of its cues occurs, in text order."""
        found: dict[str, list[str]] = {}
        hits = sorted(self.cues(doc) + self.abbreviations(doc), key=lambda h: h[1])
        for match_id, start, _ in hits:
            key = self.nlp.vocab.strings[match_id]
            sentence = doc[start].sent.text
            if sentence not in found.setdefault(key, []):
                found[key].append(sentence)
        return found

    def predict(self, texts: Sequence[str]) -> list[ClassificationResult]:
        out = []
        stage_ids = self.taxonomy.stage_ids
        for doc in self.nlp.pipe(normalize_text(t) for t in texts):
            found = self.matches(doc)
            services = {s: found[f"{SERVICE}{s}"] for s in self.taxonomy.service_ids
                        if f"{SERVICE}{s}" in found}
            stages = {s: found[f"{STAGE}{s}"] for s in stage_ids if f"{STAGE}{s}" in found}
            scores = {s: float(s in services) for s in self.taxonomy.service_ids}
            reached = [k for k, st in enumerate(stage_ids) if st in stages]
            proba = np.zeros(len(stage_ids))
            proba[reached[-1] if reached else stage_ids.index(UNSPECIFIED)] = 1.0
            out.append(_answer(self.taxonomy, self.version, scores, list(services), proba,
                               services, stages))
        return out


def _bow(exclusive: bool) -> dict:
    """spaCy's bag-of-words text classifier: trains in seconds a pass on 2 CPU cores."""
    return {"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": exclusive,
                      "ngram_size": 1, "no_output_layer": False, "length": 262144}}


class TextcatBaseline:
    """spaCy ``textcat_multilabel`` over the services and an exclusive ``textcat`` over stages.

    Both use the bag-of-words architecture, which sums word weights over the document: on
    texts much longer than the training documents the sums saturate and nothing gets
    tagged, so every document is cut to its first ``max_tokens`` tokens, in training and
    prediction alike (a long RFP whose scope comes later loses it: the baseline's limit).
    A service is tagged at a score of 0.5 or more. The stage head learns from requesting
    documents only, as the product's does; a document with no service gets ``unspecified``
    by the product's stage rule. Seeded, so a rerun gives the same numbers.
    """

    name = "spacy-textcat"
    version = "baseline-spacy-textcat"

    def __init__(self, taxonomy: Taxonomy | None = None, epochs: int = 12, seed: int = 0,
                 batch_size: int = 64, max_tokens: int = 512, threshold: float = 0.5) -> None:
        self.taxonomy = taxonomy or default_taxonomy()
        self.epochs, self.seed, self.batch_size, self.threshold = epochs, seed, batch_size, threshold
        self.max_tokens = max_tokens
        self.services_nlp: Language | None = None
        self.stages_nlp: Language | None = None
        self.trained_on = 0

    @property
    def description(self) -> str:
        return (f"spaCy textcat_multilabel + textcat, bag of words, first {self.max_tokens} tokens, "
                f"{self.epochs} epochs, seed {self.seed}, trained on {self.trained_on} documents")

    def _docs(self, texts: Sequence[str]) -> list[Doc]:
        assert self.services_nlp is not None
        docs = self.services_nlp.tokenizer.pipe(normalize_text(t) for t in texts)
        return [d[:self.max_tokens].as_doc() if len(d) > self.max_tokens else d for d in docs]

    def fit(self, docs: Sequence[LabelledDocument]) -> TextcatBaseline:
        if not docs:
            raise TrainingError("the textcat baseline needs training documents")
        fix_random_seed(self.seed)
        rng = random.Random(self.seed)
        self.trained_on = len(docs)
        services, stages = self.taxonomy.service_ids, self.taxonomy.stage_ids
        self.services_nlp = spacy.blank("en")
        self.services_nlp.max_length = MAX_LENGTH
        # The stage pipeline shares the vocabulary, so one tokenization serves both.
        self.stages_nlp = spacy.blank("en", vocab=self.services_nlp.vocab)
        service_cat = self.services_nlp.add_pipe("textcat_multilabel", config=_bow(False))
        stage_cat = self.stages_nlp.add_pipe("textcat", config=_bow(True))
        for s in services:
            service_cat.add_label(s)
        for s in stages:
            stage_cat.add_label(s)
        tokens = self._docs([d.text for d in docs])
        service_examples = [Example.from_dict(t, {"cats": {s: float(s in d.services) for s in services}})
                            for t, d in zip(tokens, docs)]
        requests = [i for i, d in enumerate(docs) if d.services] or list(range(len(docs)))
        stage_examples = [Example.from_dict(tokens[i], {"cats": {s: float(s == docs[i].stage)
                                                                 for s in stages}})
                          for i in requests]
        services_opt = self.services_nlp.initialize(lambda: service_examples)
        stages_opt = self.stages_nlp.initialize(lambda: stage_examples)
        for epoch in range(self.epochs):
            losses: dict[str, float] = {}
            for examples, nlp, opt in ((service_examples, self.services_nlp, services_opt),
                                       (stage_examples, self.stages_nlp, stages_opt)):
                order = list(examples)
                rng.shuffle(order)
                for batch in minibatch(order, size=self.batch_size):
                    nlp.update(batch, sgd=opt, losses=losses)
            log.debug("textcat baseline epoch %d: %s", epoch + 1, losses)
        return self

    def predict(self, texts: Sequence[str]) -> list[ClassificationResult]:
        if self.services_nlp is None or self.stages_nlp is None:
            raise TrainingError("the textcat baseline must be fitted before it predicts")
        services, stages = self.taxonomy.service_ids, self.taxonomy.stage_ids
        out = []
        docs = list(self.stages_nlp.pipe(self.services_nlp.pipe(self._docs(texts))))
        for doc in docs:
            scores = {s: round(float(doc.cats.get(s, 0.0)), 4) for s in services}
            selected = [s for s in services if scores[s] >= self.threshold]
            proba = np.array([doc.cats.get(s, 0.0) for s in stages])
            out.append(_answer(self.taxonomy, self.version, scores, selected, proba))
        return out
