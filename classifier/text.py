"""Text processing with spaCy: normalization, sentences, sections, scope and cues.

The model never sees a document raw. It sees the clauses that still ask for
something once boilerplate sections, exclusions ("DP is out of scope") and
history ("the GLP tox package was completed last year") are taken out, plus
one token per taxonomy cue found in them, so that every synonym and
abbreviation of a service shares a feature. Evidence sentences come from the
same segments, so what is shown to a person is what the model used.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from classifier.taxonomy import Taxonomy, default_taxonomy, load_taxonomy

KEPT = "kept"
EXCLUSION = "exclusion"
HISTORY = "history"
BOILERPLATE = "boilerplate"

SERVICE_CUE_PREFIX = "zzsvc"
STAGE_CUE_PREFIX = "zzstage"
SET_ASIDE_CUE_PREFIX = "zzsetaside"
INTEGRATED_CUE_TOKEN = "zzintegrated"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible format characters (zero-width, joiners, bidi marks) vanish: they may sit inside a word.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_HSPACE = re.compile(r"[ \t\xa0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_HEADING_NUMBER = re.compile(r"^\s*(?:(?:section|article|part|annex|appendix|chapter|lot)\s*)?"
                             r"(?:[0-9]+(?:\.[0-9]+)*|[ivxlc]+|[a-z])(?:[.):]|\s*[-–—])?\s+", re.I)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa>]|\(?[0-9a-z]{1,3}[.)])\s+", re.I)

if not Doc.has_extension("segments"):
    Doc.set_extension("segments", default=None)


def normalize_text(text: str) -> str:
    """Make any string safe and uniform: valid UTF-8, no control or bidi marks, tidy spaces."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"',
                           0x2013: "-", 0x2014: "-", 0x2212: "-", 0x2028: "\n", 0x2029: "\n"})
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


# A document with this many kept words is read by its requirements sections, when it has
# some with at least MIN_REQUIREMENT_WORDS words.
LONG_DOCUMENT_WORDS = 400
MIN_REQUIREMENT_WORDS = 20


@dataclass
class Segment:
    """One sentence of the document and what the scope rules made of it."""

    text: str
    start: int
    end: int
    section: str
    status: str
    kept_text: str = ""
    service_cues: list[str] = field(default_factory=list)
    stage_cues: list[str] = field(default_factory=list)
    integrated: bool = False
    # Services named in the clauses that were set aside (excluded or history).
    set_aside_cues: list[str] = field(default_factory=list)


@dataclass
class ProcessedDocument:
    text: str
    segments: list[Segment]

    @property
    def kept(self) -> list[Segment]:
        return [s for s in self.segments if s.status == KEPT]

    @property
    def model_input(self) -> str:
        set_aside = [f"{SET_ASIDE_CUE_PREFIX}{c}" for s in self.segments for c in s.set_aside_cues]
        return "\n".join(filter(None, [segments_model_input(self.read_segments), " ".join(set_aside)]))

    @property
    def read_segments(self) -> list[Segment]:
        """What the model reads: in a long document with a requirements section, that section.

        A long RFP states its asks under "Scope of work" or "Services required"; the rest
        (background, process, legal text the headings did not give away) only dilutes them.
        """
        kept = self.kept
        required = [s for s in kept if s.section == "requirements"]
        if (_words(required) >= MIN_REQUIREMENT_WORDS
                and _words(kept) >= LONG_DOCUMENT_WORDS):
            return required
        return kept

    def only_set_aside(self) -> set[str]:
        """Cue ids of services named only in excluded or historical clauses, never in a request."""
        kept = {c for s in self.kept for c in s.service_cues}
        return {c for s in self.segments for c in s.set_aside_cues} - kept

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def _words(segments: Iterable[Segment]) -> int:
    return sum(len((s.kept_text or s.text).split()) for s in segments)


def segment_model_input(segment: Segment) -> str:
    """A kept segment as the model reads it: its kept words and its cue tokens."""
    cues = [f"{SERVICE_CUE_PREFIX}{c}" for c in segment.service_cues]
    cues += [f"{STAGE_CUE_PREFIX}{c}" for c in segment.stage_cues]
    if segment.integrated:
        cues.append(INTEGRATED_CUE_TOKEN)
    return " ".join([segment.kept_text, *cues]).strip()


def segments_model_input(segments: Iterable[Segment]) -> str:
    return "\n".join(segment_model_input(s) for s in segments)


def cue_token_id(cue_key: str) -> str:
    """Cue tokens must survive a word tokenizer: letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", cue_key.lower())


def _phrase_matcher(nlp: Language, attr: str, groups: dict[str, Iterable[str]]) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    for key, phrases in groups.items():
        docs = [nlp.make_doc(p) for p in phrases if p.strip()]
        if docs:
            matcher.add(key, docs)
    return matcher


MAX_SENTENCE_TOKENS = 250
_NUMBERING = re.compile(r"^\(?(?:[0-9]{1,3}(?:\.[0-9]{1,3})*|[ivxIVX]{1,5}|[a-zA-Z])[.)]$")


class LineBreaks:
    """Every line is at least one sentence: headings, bullets and form fields rarely end in a period.

    Works on the SENT_START array: setting ``token.is_sent_start`` one token at a time
    makes spaCy rescan the whole document each time.
    """

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) < 2:
            return doc
        starts = doc.to_array([SENT_START]).reshape(-1).view(np.int64).copy()
        texts = [t.text for t in doc]
        line_start = True
        since_start = 0
        for i in range(len(doc) - 1):
            text = texts[i]
            since_start = 0 if text in (".", "!", "?") else since_start + 1
            if since_start >= MAX_SENTENCE_TOKENS:
                # Bounds the work per sentence on text with no punctuation at all.
                starts[i + 1] = 1
                since_start = -1
            if "\n" in text and not text.strip():
                starts[i + 1] = 1
                line_start = True
                continue
            if line_start:
                # "3." or "(a)" opening a line numbers what follows; it is no sentence of its own.
                for j in range(i, min(i + 3, len(doc) - 1)):
                    if _NUMBERING.match("".join(texts[i:j + 1])):
                        starts[i + 1:j + 2] = -1
                        break
            line_start = False
        doc.from_array([SENT_START], starts.view(np.uint64).reshape(-1, 1))
        return doc


# Lines under a closing ("Kind regards,") read as a signature block.
_CLOSING = re.compile(r"^(?:(?:best|kind|warm|many)?\s*(?:regards|wishes|thanks)|sincerely|thank you|"
                      r"cheers|yours (?:sincerely|faithfully|truly)|respectfully)\b[\w ]{0,12}[,.!]?$",
                      re.IGNORECASE)
SIGNATURE_LINES = 6
SHORT_HEADING_WORDS = 5
SIGNATURE_LINE_WORDS = 8
_PAST_ADVERBS = ["already", "successfully", "previously", "recently", "fully", "all", "also"]
_PARTICIPLE = (r"^(\w+ed|made|done|written|run|built|shipped|sold|held|given|begun|taken|"
               r"brought|sent|grown|drawn|set|put)$")
# Passives that describe the ask or the situation, not work already done.
_NOT_HISTORY_PARTICIPLES = [
    "needed", "required", "requested", "expected", "planned", "scheduled", "designed", "intended",
    "based", "located", "concerned", "supposed", "asked", "invited", "interested", "focused",
    "involved", "limited", "used", "estimated", "anticipated", "projected", "proposed", "aimed",
    "targeted", "delayed", "postponed", "engaged", "tasked", "contracted", "considered",
    "delighted", "pleased", "excited", "structured", "organised", "organized"]
# A comma fragment opened by one of these elaborates the fragment before it.
_ELABORATIONS = {"including", "incl", "incl.", "with", "i.e.", "e.g.", "such", "both", "namely"}


class ScopeAnnotator:
    """Sections, clause-level exclusion and history, and cue matches, per sentence."""

    def __init__(self, nlp: Language, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        scope = taxonomy.scope
        self.scope_matcher = _phrase_matcher(nlp, "LOWER", {
            EXCLUSION: scope.get("exclusion", ()),
            HISTORY: scope.get("history", ()),
            "SAFE": scope.get("safe", ()),
            "BREAK": scope.get("clause_breaks", ()),
            "LEAD": scope.get("leading_exclusions", ()),
            "REQUEST": scope.get("requests", ()),
        })
        self.negation = Matcher(nlp.vocab)
        needs = [w for w in scope.get("negated_needs", ()) if " " not in w]
        not_quantities = ["later", "more", "less", "fewer", "longer", "sooner", "doubt", "one"]
        self.negation.add(EXCLUSION, [
            # "no regulatory support is needed", "we are not seeking a CDMO"
            [{"LOWER": {"IN": ["no", "not", "n't", "never"]}},
             {"IS_PUNCT": False, "OP": "{0,4}"},
             {"LOWER": {"IN": needs}}],
            # "DS only, no DP" / "No tox." : a fragment opened by "no"
            [{"IS_SENT_START": True, "LOWER": "no"}, {"LOWER": {"NOT_IN": not_quantities}}],
            [{"ORTH": {"IN": [",", "(", "-", "/", ":"]}}, {"LOWER": "no"},
             {"LOWER": {"NOT_IN": not_quantities}, "OP": "?"}],
            # form fields: "Fill-finish: N/A", "DP - none"
            [{"ORTH": {"IN": [":", "-"]}}, {"LOWER": {"IN": ["none", "n/a", "na", "nil", "excluded"]}}],
        ])
        # Passive past: "was filled last quarter", "were validated in 2020", "has been supplied".
        self.past = Matcher(nlp.vocab)
        self.past.add(HISTORY, [
            [{"LOWER": {"IN": ["was", "were"]}},
             {"LOWER": {"IN": _PAST_ADVERBS}, "OP": "?"},
             {"LOWER": {"REGEX": _PARTICIPLE, "NOT_IN": _NOT_HISTORY_PARTICIPLES}}],
            [{"LOWER": {"IN": ["has", "have", "had"]}}, {"LOWER": "been"},
             {"LOWER": {"IN": _PAST_ADVERBS}, "OP": "?"},
             {"LOWER": {"REGEX": _PARTICIPLE, "NOT_IN": _NOT_HISTORY_PARTICIPLES}}],
        ])
        cue_groups: dict[str, list[str]] = {}
        abbr_groups: dict[str, list[str]] = {}
        for s in taxonomy.services:
            cue_groups[f"svc:{s.id}"] = list(s.cues)
            abbr_groups[f"svc:{s.id}"] = list(s.abbreviations)
        for st in taxonomy.stages:
            cue_groups[f"stage:{st.id}"] = list(st.cues)
            abbr_groups[f"stage:{st.id}"] = list(st.abbreviations)
        cue_groups["integrated"] = list(taxonomy.integrated_cues)
        self.cue_matcher = _phrase_matcher(nlp, "LOWER", cue_groups)
        self.abbr_matcher = _phrase_matcher(nlp, "ORTH", abbr_groups)
        self.sections = {k: [c.lower() for c in v] for k, v in taxonomy.sections.items()}
        self.section_patterns = {
            kind: re.compile(r"\b(?:" + "|".join(map(re.escape, self.sections.get(kind, ()))) + r")\b"
                             if self.sections.get(kind) else r"(?!)")
            for kind in ("boilerplate", "excluded", "background", "requirements")}
        self.vocab = nlp.vocab

    # -- sections -------------------------------------------------------------------------
    def _heading_kind(self, heading: str) -> str | None:
        """boilerplate / excluded / background when the heading contains such a cue (checked in
        that order); requirements when it starts with one ("Rights in deliverables" is legal text)."""
        text = _HEADING_NUMBER.sub("", heading.lower()).strip(" :.-#*\t")
        requirements = self.section_patterns["requirements"].search(text)
        for kind in ("boilerplate", "excluded", "background"):
            # "Background and scope" introduces the asks: the requirements cue wins there.
            if self.section_patterns[kind].search(text) and not (kind == "background" and requirements):
                return kind
        if text.startswith(tuple(self.sections.get("requirements", ()))):
            return "requirements"
        return None

    @staticmethod
    def _looks_like_heading(sent: Span, text: str) -> bool:
        words = [t for t in sent if not t.is_space and not t.is_punct]
        if not words or len(words) > 12 or not any(t.is_alpha for t in words):
            return False
        if text.endswith(":"):
            return True
        if text.endswith((".", "?", "!", ",", ";")):
            return False
        alpha = [t for t in words if t.is_alpha]
        titled = sum(1 for t in alpha if t.text[0].isupper()) >= max(1, len(alpha) * 0.6)
        # "Services requested", "Timeline and submission": a short sentence-case line.
        short_line = len(words) <= SHORT_HEADING_WORDS and text[0].isupper()
        return bool(_HEADING_NUMBER.match(text)) or titled or short_line or text.isupper()

    # -- the component ------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        sents = list(doc.sents)
        starts = [sent.start for sent in sents]
        # Hits bucketed by sentence, so that long documents cost linear time.
        scope_by_sent: list[list[tuple[str, int, int]]] = [[] for _ in sents]
        cue_by_sent: list[list[tuple[str, int, int]]] = [[] for _ in sents]
        for label, s, e in self._hits(doc):
            scope_by_sent[bisect_right(starts, s) - 1].append((label, s, e))
        for matcher in (self.cue_matcher, self.abbr_matcher):
            for m, s, e in matcher(doc):
                cue_by_sent[bisect_right(starts, s) - 1].append((self.vocab.strings[m], s, e))
        segments: list[Segment] = []
        section, until_blank = "other", False
        signature_lines = 0
        for i, sent in enumerate(sents):
            scope_hits, cue_hits = scope_by_sent[i], cue_by_sent[i]
            text = sent.text.strip()
            if not text:
                continue
            if (signature_lines and len(text.split()) <= SIGNATURE_LINE_WORDS
                    and not any(label == "REQUEST" for label, _, _ in scope_hits)):
                # A name and job title under "Best regards" ("Supply Chain Director") asks nothing.
                signature_lines -= 1
                segments.append(self._segment(doc, sent, text, "boilerplate", scope_hits, cue_hits))
                continue
            signature_lines = SIGNATURE_LINES if _CLOSING.match(text) else 0
            starts_line = sent.start == 0 or "\n" in doc[sent.start - 1].text or doc[sent.start].is_space
            after_blank = sent.start > 0 and "\n\n" in doc[sent.start - 1].text_with_ws
            if until_blank and after_blank:
                section, until_blank = "other", False
            if starts_line and self._looks_like_heading(sent, text):
                kind = self._heading_kind(text)
                # An unknown heading ends a known section only when it is a real heading.
                if kind is not None or not text.endswith(":"):
                    section = kind or "other"
                    until_blank = text.endswith(":") and kind == "excluded"
                segments.append(self._segment(doc, sent, text, kind or section, scope_hits, cue_hits))
                continue
            inline_kind = None
            if ":" in text[:60]:
                inline_kind = self._heading_kind(text.split(":", 1)[0])
                if inline_kind == "boilerplate" and any(h[0] == "REQUEST" for h in scope_hits):
                    inline_kind = None  # a form field ("Pricing: please quote 5 kg of API")
            segments.append(self._segment(doc, sent, text, inline_kind or section, scope_hits, cue_hits))
        doc._.segments = segments
        return doc

    def _hits(self, doc: Doc) -> list[tuple[str, int, int]]:
        hits = [(self.vocab.strings[m], s, e) for m, s, e in self.scope_matcher(doc)]
        # A pattern anchored on the punctuation before "no" starts at the word itself.
        hits += [(EXCLUSION, s + int(doc[s].is_punct), e) for _, s, e in self.negation(doc)]
        hits += [(HISTORY, s, e) for _, s, e in self.past(doc)]
        safe_tokens = np.zeros(len(doc) + 1, dtype=bool)
        for label, s, e in hits:
            if label == "SAFE":
                safe_tokens[s:e] = True
        return [(label, s, e) for label, s, e in hits
                if label != "SAFE" and not safe_tokens[s:e].any()]

    def _segment(self, doc: Doc, sent: Span, text: str, section: str,
                 scope_hits: list[tuple[str, int, int]],
                 cue_hits: list[tuple[str, int, int]]) -> Segment:
        seg = Segment(text, sent.start_char, sent.end_char, section, KEPT)
        if section == "boilerplate":
            seg.status = BOILERPLATE
            return seg
        if section == "background" and not any(label == "REQUEST" for label, _, _ in scope_hits):
            # What the sponsor did or has: services named here are context, not asks.
            seg.status = BOILERPLATE
            seg.set_aside_cues = [cue_token_id(k[4:]) for k, _, _ in cue_hits if k.startswith("svc:")]
            return seg
        service_starts = {s for key, s, _ in cue_hits if key.startswith("svc:")}
        kept_spans = ([] if section == "excluded"
                      else self._kept_clauses(doc, sent, scope_hits, service_starts))
        for key, s, e in cue_hits:
            if not any(ks <= s and e <= ke for ks, ke in kept_spans):
                if key.startswith("svc:"):
                    seg.set_aside_cues.append(cue_token_id(key[4:]))
            elif key.startswith("svc:"):
                seg.service_cues.append(cue_token_id(key[4:]))
            elif key.startswith("stage:"):
                seg.stage_cues.append(cue_token_id(key[6:]))
            elif key == "integrated":
                seg.integrated = True
        if kept_spans:
            seg.kept_text = " ".join(doc[s:e].text.strip() for s, e in kept_spans).strip()
        if not seg.kept_text:
            in_sent = [label for label, _, _ in scope_hits if label in (EXCLUSION, HISTORY)]
            history_only = section != "excluded" and HISTORY in in_sent and EXCLUSION not in in_sent
            seg.status = HISTORY if history_only else EXCLUSION
        return seg

    def _kept_clauses(self, doc: Doc, sent: Span, in_sent: list[tuple[str, int, int]],
                      service_starts: set[int]) -> list[tuple[int, int]]:
        """Token ranges of the sentence that still ask for something once cues are applied.

        The sentence is cut into clauses (at "but", ";", "excluding", parentheses ...), and
        a clause with a cue into comma fragments, so that "API 5 kg, route validated
        already" keeps its request and "(clinic run by another CRO)" drops only itself.
        ``in_sent`` are the scope hits of this sentence only.
        """
        if not any(label in (EXCLUSION, HISTORY) for label, _, _ in in_sent):
            return [(sent.start, sent.end)]
        breaks = {s for label, s, _ in in_sent if label in ("BREAK", "LEAD")}
        for t in sent:
            if t.text in (";", "(", "[") or (t.is_space and "\n" in t.text):
                breaks.add(t.i)
            elif t.text in (")", "]"):
                breaks.add(t.i + 1)
        leads = {s for label, s, _ in in_sent if label == "LEAD"}
        bounds: list[tuple[int, int]] = []
        start = sent.start
        for b in sorted(breaks) + [sent.end]:
            if b > start:
                bounds.append((start, b))
            start = max(start, b)
        clauses: list[tuple[int, int]] = []
        for s, e in bounds:
            if s in leads:
                comma = next((t.i for t in doc[s:e] if t.text == ","), None)
                if comma is not None:
                    clauses += [(s, comma), (comma + 1, e)]
                    continue
            clauses.append((s, e))
        kept: list[list[tuple[int, int]]] = []
        requests: list[bool] = []
        previous_dropped = False
        for s, e in clauses:
            own = {label for label, hs, _ in in_sent if s <= hs < e}
            if own & {EXCLUSION, HISTORY}:
                survivors = self._kept_fragments(doc, s, e, in_sent, service_starts)
                continues = (len(kept) >= 2 and doc[clauses[len(kept) - 1][0]].text in ("(", "[")
                             and doc[s].is_lower)
                # "(done)", "(not needed)" after an item speaks of that item.
                remark = (doc[s].text in ("(", "[") and kept
                          and _content_length(doc, s, e) <= 4)
                asks = "REQUEST" in own and EXCLUSION not in own  # "must not" is no ask
                if not survivors and not asks and (continues or remark):
                    # "Submission documents (IND, briefing packages) are prepared by our
                    # team and must not be included": the subject before the parenthesis
                    # is set aside with its predicate.
                    for k in range(len(kept) - 1, -1, -1):
                        if requests[k]:
                            break
                        kept[k] = []
                        if remark:
                            break
            elif previous_dropped and doc[s].text in ("(", "[") and "REQUEST" not in own:
                # A parenthesis details the clause before it: "(rats and dogs, 4 weeks)"
                # after a study already done is history too.
                survivors = []
            else:
                survivors = [(s, e)]
            kept.append(survivors)
            requests.append("REQUEST" in own)
            previous_dropped = not survivors
        kept = [span for spans in kept for span in spans]
        return [(s, e) for s, e in kept if any(not t.is_punct and not t.is_space for t in doc[s:e])]

    @staticmethod
    def _kept_fragments(doc: Doc, start: int, end: int, in_sent: list[tuple[str, int, int]],
                        service_starts: set[int]) -> list[tuple[int, int]]:
        """Comma fragments of a clause with a cue that survive it.

        An exclusion removes its fragment and the list before it ("DP, packaging and
        labelling are out of scope"): short fragments, or one longer fragment when the
        excluding fragment names no service itself. A history cue removes only its own
        fragment, and yields to a request in it ("we need the tox study done by March").
        """
        cuts = [start] + [t.i + 1 for t in doc[start:end] if t.text == ","] + [end]
        frags = [(s, e) for s, e in zip(cuts, cuts[1:]) if e > s]
        labels = [{label for label, hs, _ in in_sent if s <= hs < e} for s, e in frags]
        names_service = [any(s <= p < e for p in service_starts) for s, e in frags]
        dropped = [False] * len(frags)
        for j, frag_labels in enumerate(labels):
            if EXCLUSION in frag_labels:
                dropped[j] = True
                reach_long = not names_service[j]
                k = j - 1
                while k >= 0 and "REQUEST" not in labels[k] and (
                        reach_long or _content_length(doc, *frags[k]) <= 5):
                    dropped[k] = True
                    # "X, including Y, is out of scope": an elaboration does not end the subject.
                    if _first_word(doc, *frags[k]) not in _ELABORATIONS:
                        reach_long = reach_long and not names_service[k]
                    k -= 1
            elif HISTORY in frag_labels and "REQUEST" not in frag_labels:
                dropped[j] = True
            elif (j and dropped[j - 1] and "REQUEST" not in frag_labels
                  and _first_word(doc, *frags[j]) in _ELABORATIONS):
                dropped[j] = True  # "..., including TK in rat and dog" after work already done
        return [f for f, d in zip(frags, dropped) if not d]


def _first_word(doc: Doc, start: int, end: int) -> str:
    return next((t.lower_ for t in doc[start:end] if not t.is_punct and not t.is_space), "")


def _content_length(doc: Doc, start: int, end: int) -> int:
    return sum(1 for t in doc[start:end] if not t.is_punct and not t.is_space)


@Language.factory("rfp_line_breaks")
def _make_line_breaks(nlp: Language, name: str) -> LineBreaks:
    return LineBreaks()


@Language.factory("rfp_scope", default_config={"taxonomy_path": ""})
def _make_scope(nlp: Language, name: str, taxonomy_path: str) -> ScopeAnnotator:
    taxonomy = load_taxonomy(taxonomy_path) if taxonomy_path else default_taxonomy()
    return ScopeAnnotator(nlp, taxonomy)


def build_nlp(taxonomy_path: str = "") -> Language:
    """A blank English pipeline with rule-based sentence, section and scope components."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("rfp_line_breaks")
    nlp.add_pipe("rfp_scope", config={"taxonomy_path": taxonomy_path})
    nlp.max_length = 5_000_000
    return nlp


@lru_cache(maxsize=4)
def get_nlp(taxonomy_path: str = "") -> Language:
    return build_nlp(taxonomy_path)


class TextProcessor:
    """Turns raw strings into processed documents, one at a time or in batches."""

    def __init__(self, taxonomy_path: str = "") -> None:
        self.nlp = get_nlp(taxonomy_path)

    def process(self, text: str) -> ProcessedDocument:
        return next(self.pipe([text]))

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[ProcessedDocument]:
        normalized = (normalize_text(t) for t in texts)
        for doc in self.nlp.pipe(normalized, batch_size=batch_size):
            yield ProcessedDocument(text=doc.text, segments=doc._.segments or [])
