"""Metrics for labelled documents: per-service P/R/F1, micro and macro F1, provider and stage.

Predictions come from the full classifier (text processing, thresholds, the
provider mapping), never from a shortcut, so the numbers describe the product.
"""

from __future__ import annotations

from collections.abc import Sequence

from classifier.data import LabelledDocument
from classifier.schema import ClassificationResult
from classifier.taxonomy import PROVIDER_TYPES, Taxonomy


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


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
    return "\n".join(lines)
