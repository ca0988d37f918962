"""Labelled documents: reading, checking against the label contract, hashing.

The same reader serves training, evaluation and the data checks, so a file
that trains is a file that evaluates.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classifier.errors import DataError
from classifier.taxonomy import PROVIDER_TYPES, Taxonomy, default_taxonomy


@dataclass
class LabelledDocument:
    id: str
    text: str
    services: list[str]
    provider_type: str
    stage: str
    register: str = ""
    source: str = ""
    extra: dict = field(default_factory=dict)


def contract_problems(row: dict, taxonomy: Taxonomy) -> list[str]:
    """Every way a labelled row breaks the label contract (empty when it is fine)."""
    problems = []
    if not isinstance(row.get("id"), str) or not row["id"]:
        problems.append("missing id")
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        problems.append("empty text")
    services = row.get("services")
    if not isinstance(services, list):
        return problems + ["services must be a list"]
    unknown = [s for s in services if s not in taxonomy.service_ids]
    if unknown:
        return problems + [f"unknown services {unknown}"]
    if row.get("stage") not in taxonomy.stage_ids:
        problems.append(f"unknown stage {row.get('stage')!r}")
    kind = row.get("provider_type")
    if kind not in PROVIDER_TYPES:
        return problems + [f"unknown provider_type {kind!r}"]
    sides = {taxonomy.side_of(s) for s in services}
    allowed = ({"NONE"} if not sides else {"CRDMO"} if len(sides) == 2
               else {"CRO", "CRDMO"} if sides == {"research"} else {"CDMO", "CRDMO"})
    if kind not in allowed:
        problems.append(f"provider_type {kind} does not fit services {services}")
    if kind == "NONE" and row.get("stage") != "unspecified":
        problems.append("a NONE document has stage 'unspecified'")
    return problems


def read_jsonl(path: Path | str, taxonomy: Taxonomy | None = None) -> list[LabelledDocument]:
    """Read one labelled JSONL file; any broken line is a DataError naming file and line."""
    taxonomy = taxonomy or default_taxonomy()
    docs = []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise DataError(f"{path}:{lineno}: not JSON ({exc})") from exc
        if not isinstance(row, dict):
            raise DataError(f"{path}:{lineno}: each line must be a JSON object")
        problems = contract_problems(row, taxonomy)
        if problems:
            raise DataError(f"{path}:{lineno}: " + "; ".join(problems))
        known = {"id", "text", "services", "provider_type", "stage", "register"}
        docs.append(LabelledDocument(
            id=row["id"], text=row["text"], services=sorted(set(row["services"])),
            provider_type=row["provider_type"], stage=row["stage"],
            register=str(row.get("register", "")), source=f"{path.name}:{lineno}",
            extra={k: v for k, v in row.items() if k not in known}))
    return docs


def jsonl_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders into their JSONL files, sorted, so hashes do not depend on listing order."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(p.rglob("*.jsonl")))
        elif p.exists():
            files.append(p)
        else:
            raise DataError(f"no such file or folder: {p}")
    return files


def read_documents(paths: Iterable[Path | str], taxonomy: Taxonomy | None = None) -> list[LabelledDocument]:
    docs: list[LabelledDocument] = []
    for f in jsonl_files(paths):
        docs.extend(read_jsonl(f, taxonomy))
    seen: set[str] = set()
    for d in docs:
        if d.id in seen:
            raise DataError(f"duplicate document id {d.id!r} ({d.source})")
        seen.add(d.id)
    return docs


def data_sha256(files: Sequence[Path]) -> str:
    """One hash over the files' names and bytes, in sorted order."""
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.as_posix()):
        h.update(f.name.encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def indicator_matrix(docs: Sequence[LabelledDocument], services: Sequence[str]) -> np.ndarray:
    index = {s: k for k, s in enumerate(services)}
    Y = np.zeros((len(docs), len(services)), dtype=int)
    for i, d in enumerate(docs):
        for s in d.services:
            Y[i, index[s]] = 1
    return Y


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def diversity(docs: Sequence[LabelledDocument]) -> dict[str, float]:
    """How template-like a corpus is: repeated sentences, shared openings, distinct trigrams.

    A corpus written from templates repeats sentences and openings across documents, and a
    model trained on it learns the templates instead of the task.
    """
    sentence_docs: Counter[str] = Counter()
    openings: Counter[str] = Counter()
    sentence_openings: Counter[str] = Counter()
    trigrams: Counter[tuple[str, ...]] = Counter()
    for d in docs:
        words = d.text.lower().split()
        openings[" ".join(words[:4])] += 1
        sentences = {s.strip().lower() for s in _SENTENCE_SPLIT.split(d.text) if len(s.split()) >= 5}
        sentence_docs.update(sentences)
        for s in sentences:
            sentence_openings[" ".join(s.split()[:3])] += 1
        trigrams.update(zip(words, words[1:], words[2:]))
    n_sent = sum(sentence_docs.values())
    repeated = sum(c for c in sentence_docs.values() if c > 1)
    return {
        "documents": len(docs),
        "sentences_in_more_than_one_document": round(repeated / n_sent, 4) if n_sent else 0.0,
        "distinct_document_openings": round(len(openings) / len(docs), 4) if docs else 0.0,
        "distinct_sentence_openings": round(len(sentence_openings) / n_sent, 4) if n_sent else 0.0,
        "distinct_word_trigrams": round(len(trigrams) / sum(trigrams.values()), 4) if trigrams else 0.0,
        "median_words": float(np.median([len(d.text.split()) for d in docs])) if docs else 0.0,
    }
