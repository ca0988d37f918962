"""Metrics for labelled documents, and the comparison of systems across held-out sets.

Per-service P/R/F1, micro and macro F1, provider and stage accuracy, and how well the
service scores are calibrated. Predictions come from the full classifier (text
processing, thresholds, the provider mapping), never from a shortcut, so the numbers
describe the product; the baselines answer in the same shape and are scored by the
same code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from classifier.baselines import Baseline, KeywordBaseline, TextcatBaseline
from classifier.data import LabelledDocument, indicator_matrix, jsonl_files, read_documents
from classifier.errors import DataError
from classifier.schema import ClassificationResult
from classifier.suites import is_suite, run_suite, validate_suite
from classifier.taxonomy import PROVIDER_TYPES, Taxonomy, default_taxonomy

if TYPE_CHECKING:
    from classifier.pipeline import Classifier

log = logging.getLogger(__name__)

CALIBRATION_BINS = 10
Predict = Callable[[Sequence[str]], list[ClassificationResult]]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Mean gap between score and observed frequency over equal-width score bins, weighted by size."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if not len(y):
        return 0.0
    k = np.minimum((p * bins).astype(int), bins - 1)
    gap = np.abs(np.bincount(k, weights=p, minlength=bins) - np.bincount(k, weights=y, minlength=bins))
    return float(gap.sum() / len(y))


def reliability(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Per non-empty bin: its score range, size, mean score and observed rate (a reliability diagram)."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    k = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = k == b
        if inside.any():
            rows.append({"bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}", "count": int(inside.sum()),
                         "mean_score": round(float(p[inside].mean()), 4),
                         "positive_rate": round(float(y[inside].mean()), 4)})
    return rows


def calibration_metrics(gold: Sequence[LabelledDocument], pred: Sequence[ClassificationResult],
                        services: Sequence[str], bins: int = CALIBRATION_BINS) -> dict:
    """Brier score and ECE of every service's score against gold, and over all pairs.

    A score of 0.8 should be right about 80% of the time; the provider confidence and
    anyone reading ``scores`` rely on that.
    """
    Y = indicator_matrix(gold, services).astype(float)
    P = np.array([[float(p.scores.get(s, 0.0)) for s in services] for p in pred]).reshape(Y.shape)

    def one(y: np.ndarray, p: np.ndarray) -> dict:
        return {"brier": round(float(np.mean((p - y) ** 2)) if len(y) else 0.0, 4),
                "ece": round(expected_calibration_error(y, p, bins), 4)}

    return {
        "bins": bins,
        "services": {s: one(Y[:, k], P[:, k]) for k, s in enumerate(services)},
        "overall": one(Y.ravel(), P.ravel()),
        "reliability": reliability(Y.ravel(), P.ravel(), bins),
    }


def compute_metrics(gold: Sequence[LabelledDocument], pred: Sequence[ClassificationResult],
                    taxonomy: Taxonomy) -> dict:
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    per_service = {}
    tp_all = fp_all = fn_all = 0
    for sid in taxonomy.service_ids:
        tp = fp = fn = 0
        for g, p in zip(gold, pred):
            truth = sid in g.services
            guess = any(t.id == sid for t in p.services)
            tp += truth and guess
            fp += guess and not truth
            fn += truth and not guess
        prec, rec, f1 = _prf(tp, fp, fn)
        per_service[sid] = {"precision": round(prec, 4), "recall": round(rec, 4),
                            "f1": round(f1, 4), "support": tp + fn}
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    micro_p, micro_r, micro_f1 = _prf(tp_all, fp_all, fn_all)
    supported = [m["f1"] for m in per_service.values() if m["support"]]
    confusion = {g: {p: 0 for p in PROVIDER_TYPES} for g in PROVIDER_TYPES}
    for g, p in zip(gold, pred):
        confusion[g.provider_type][p.provider.type] += 1
    n = len(gold)
    stage_ids = taxonomy.stage_ids
    stage_confusion = {g: {p: 0 for p in stage_ids} for g in stage_ids}
    for g, p in zip(gold, pred):
        stage_confusion[g.stage][p.stage.value] += 1
    return {
        "documents": n,
        "services": per_service,
        "micro": {"precision": round(micro_p, 4), "recall": round(micro_r, 4),
                  "f1": round(micro_f1, 4)},
        "macro_f1": round(sum(supported) / len(supported), 4) if supported else 0.0,
        "exact_match": round(sum({t.id for t in p.services} == set(g.services)
                                 for g, p in zip(gold, pred)) / n, 4) if n else 0.0,
        "provider_accuracy": round(sum(g.provider_type == p.provider.type
                                       for g, p in zip(gold, pred)) / n, 4) if n else 0.0,
        "provider_confusion": confusion,
        "stage_accuracy": round(sum(g.stage == p.stage.value
                                    for g, p in zip(gold, pred)) / n, 4) if n else 0.0,
        "stage_confusion": stage_confusion,
        "calibration": calibration_metrics(gold, pred, taxonomy.service_ids),
    }


def worst_errors(gold: Sequence[LabelledDocument], pred: Sequence[ClassificationResult],
                 limit: int = 10) -> list[dict]:
    """The documents the classifier got most wrong, with what it saw, for error analysis."""
    rows = []
    for g, p in zip(gold, pred):
        got = {t.id for t in p.services}
        missing, extra = sorted(set(g.services) - got), sorted(got - set(g.services))
        cost = len(missing) + len(extra) + 2 * (g.provider_type != p.provider.type)
        if cost:
            rows.append({
                "id": g.id, "source": g.source, "cost": cost, "missing": missing, "extra": extra,
                "provider": f"{g.provider_type} -> {p.provider.type}",
                "stage": f"{g.stage} -> {p.stage.value}",
                "evidence": {t.id: t.evidence[:1] for t in p.services if t.id in extra},
                "scores": {s: p.scores[s] for s in missing},
                "text": g.text[:200],
            })
    rows.sort(key=lambda r: -r["cost"])
    return rows[:limit]


def format_report(metrics: dict, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'service':34} {'prec':>6} {'rec':>6} {'f1':>6} {'support':>8}")
    for sid, m in metrics["services"].items():
        lines.append(f"{sid:34} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "
                     f"{m['support']:8d}")
    micro = metrics["micro"]
    lines += [
        f"{'micro':34} {micro['precision']:6.3f} {micro['recall']:6.3f} {micro['f1']:6.3f}",
        f"macro F1 {metrics['macro_f1']:.3f}   exact match {metrics['exact_match']:.3f}   "
        f"documents {metrics['documents']}",
        f"provider-type accuracy {metrics['provider_accuracy']:.3f}   "
        f"stage accuracy {metrics['stage_accuracy']:.3f}",
        "provider confusion (rows gold, columns predicted):",
        "        " + " ".join(f"{p:>6}" for p in PROVIDER_TYPES),
    ]
    for g, row in metrics["provider_confusion"].items():
        lines.append(f"{g:>7} " + " ".join(f"{row[p]:6d}" for p in PROVIDER_TYPES))
    calibration = metrics.get("calibration")
    if calibration:
        lines.append(f"calibration of the service scores ({calibration['bins']} bins):")
        lines.append(f"{'service':34} {'brier':>6} {'ece':>6}")
        for sid, m in {**calibration["services"], "overall": calibration["overall"]}.items():
            lines.append(f"{sid:34} {m['brier']:6.3f} {m['ece']:6.3f}")
    return "\n".join(lines)


# -- comparison across held-out sets ----------------------------------------------------------

@dataclass
class EvaluationSet:
    """One held-out set: a row of the comparison table."""

    name: str
    docs: list[LabelledDocument]

    @property
    def suite(self) -> bool:
        return is_suite(self.docs)


def default_set_paths(root: Path) -> list[Path]:
    """The test split, the register test set (whole, then each register) and each suite."""
    paths = [root / "test"] if (root / "test").exists() else []
    register = root / "test_register"
    if register.is_dir():
        files = jsonl_files([register])
        paths += [register, *files] if len(files) > 1 else files
    suites = root / "suites"
    if suites.is_dir():
        paths += jsonl_files([suites])
    return paths


def _set_name(path: Path, root: Path | None) -> str:
    if root is not None and path.resolve().is_relative_to(root.resolve()):
        return path.resolve().relative_to(root.resolve()).with_suffix("").as_posix()
    return path.stem if path.is_file() else path.name


def load_sets(paths: Sequence[Path], taxonomy: Taxonomy | None = None,
              root: Path | None = None) -> list[EvaluationSet]:
    """Each path (file or folder) is one set; empty ones are skipped, suites checked up front."""
    taxonomy = taxonomy or default_taxonomy()
    sets = []
    for path in paths:
        docs = read_documents([path], taxonomy)
        if not docs:
            log.warning("%s holds no labelled documents; skipped", path)
            continue
        if is_suite(docs):
            validate_suite(docs, taxonomy)
        sets.append(EvaluationSet(_set_name(Path(path), root), docs))
    if not sets:
        raise DataError("no labelled documents to evaluate on")
    return sets


def product_predict(classifier: Classifier) -> Predict:
    """The product as a comparison system; a document it refuses is a data problem."""

    def predict(texts: Sequence[str]) -> list[ClassificationResult]:
        results = list(classifier.classify_many(texts))
        bad = [str(r) for r in results if isinstance(r, Exception)]
        if bad:
            raise DataError(f"{len(bad)} documents could not be classified: {bad[:3]}")
        return results

    return predict


def compare(sets: Sequence[EvaluationSet], systems: Mapping[str, Predict],
            taxonomy: Taxonomy | None = None) -> list[dict]:
    """Every system scored on every set by the same metric code.

    Each system classifies every distinct document once, however many sets hold it.
    """
    taxonomy = taxonomy or default_taxonomy()
    unique: dict[tuple[str, str], str] = {}
    for es in sets:
        for d in es.docs:
            unique.setdefault((d.id, d.text), d.text)
    keys = list(unique)
    answers = {}
    for name, predict in systems.items():
        started = time.perf_counter()
        answers[name] = dict(zip(keys, predict([unique[k] for k in keys])))
        log.info("%s classified %d documents in %.1f s", name, len(keys), time.perf_counter() - started)
    rows = []
    for es in sets:
        results = {}
        for name in systems:
            preds = [answers[name][(d.id, d.text)] for d in es.docs]
            scored = {"metrics": compute_metrics(es.docs, preds, taxonomy)}
            if es.suite:
                scored["suite"] = run_suite(es.docs, preds, taxonomy).to_dict()
            results[name] = scored
        rows.append({"name": es.name, "documents": len(es.docs), "suite": es.suite,
                     "systems": results})
    return rows


def format_comparison(rows: Sequence[dict]) -> str:
    """One table: a row per set and system; F1 is '-' on a set that asks for no service."""
    width = max([len("set"), *(len(row["name"]) for row in rows)]) + 1
    head = (f"{'set':{width}} {'system':14} {'docs':>5} {'micro-F1':>8} {'macro-F1':>8} "
            f"{'provider':>8} {'stage':>6} {'handled':>8}")
    lines = [head, "-" * len(head)]
    for row in rows:
        for k, (system, scored) in enumerate(row["systems"].items()):
            m = scored["metrics"]
            has_services = any(s["support"] for s in m["services"].values())
            f1 = (f"{m['micro']['f1']:8.3f} {m['macro_f1']:8.3f}" if has_services
                  else f"{'-':>8} {'-':>8}")
            handled = f"{100 * scored['suite']['rate']:7.1f}%" if "suite" in scored else f"{'-':>8}"
            name = row["name"] if k == 0 else ""
            lines.append(f"{name:{width}} {system:14} {row['documents']:5d} {f1} "
                         f"{m['provider_accuracy']:8.3f} {m['stage_accuracy']:6.3f} {handled}")
    return "\n".join(lines)


def run_comparison(classifier: Classifier, sets: Sequence[EvaluationSet], baselines: bool = False,
                   train_paths: Sequence[Path] = (), taxonomy: Taxonomy | None = None) -> dict:
    """The product, and optionally both baselines (the textcat trained once, here), on every set."""
    taxonomy = taxonomy or default_taxonomy()
    systems: dict[str, Predict] = {"model": product_predict(classifier)}
    seconds: dict[str, float] = {}
    about: dict[str, str] = {"model": classifier.version}
    if baselines:
        started = time.perf_counter()
        textcat = TextcatBaseline(taxonomy).fit(read_documents(train_paths, taxonomy))
        seconds["textcat_training"] = round(time.perf_counter() - started, 1)
        chosen: list[Baseline] = [KeywordBaseline(taxonomy), textcat]
        for baseline in chosen:
            systems[baseline.name] = baseline.predict
            about[baseline.name] = baseline.description
    started = time.perf_counter()
    rows = compare(sets, systems, taxonomy)
    seconds["scoring"] = round(time.perf_counter() - started, 1)
    return {"systems": about, "sets": rows, "seconds": seconds}
