"""From services to a provider type: CRO, CDMO, CRDMO or NONE.

The mapping is mechanical and reads each service's side from the taxonomy: a
second opaque model here would hide why a document was routed where it was.
The confidence treats the per-service scores as independent probabilities of
each side being needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from classifier.taxonomy import Taxonomy

RESEARCH, MANUFACTURING = "research", "manufacturing"


@dataclass
class ProviderDecision:
    type: str
    confidence: float
    reasons: list[str] = field(default_factory=list)


def _names(taxonomy: Taxonomy, ids: Sequence[str]) -> str:
    names = [taxonomy.service(i).name.lower() for i in ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def side_probability(scores: Mapping[str, float], taxonomy: Taxonomy, side: str) -> float:
    """Probability that at least one service of ``side`` is needed."""
    p_none = 1.0
    for s in taxonomy.services:
        if s.side == side:
            p_none *= 1.0 - float(scores.get(s.id, 0.0))
    return 1.0 - p_none


def type_probabilities(scores: Mapping[str, float], taxonomy: Taxonomy,
                       request_probability: float = 1.0) -> dict[str, float]:
    r = side_probability(scores, taxonomy, RESEARCH)
    m = side_probability(scores, taxonomy, MANUFACTURING)
    g = float(request_probability)
    return {
        "CRO": g * r * (1 - m),
        "CDMO": g * (1 - r) * m,
        "CRDMO": g * r * m,
        "NONE": (1 - g) + g * (1 - r) * (1 - m),
    }


def decide_provider(selected: Sequence[str], scores: Mapping[str, float], taxonomy: Taxonomy,
                    request_probability: float = 1.0, integrated_cue: str | None = None) -> ProviderDecision:
    """Recommend a provider type for the services a document asks for.

    ``selected`` are the services that passed their thresholds; ``integrated_cue``
    is a sentence asking for one partner end to end, if the document has one.
    """
    research = [s for s in selected if taxonomy.side_of(s) == RESEARCH]
    manufacturing = [s for s in selected if taxonomy.side_of(s) == MANUFACTURING]
    probs = type_probabilities(scores, taxonomy, request_probability)
    reasons: list[str] = []
    if not selected:
        kind = "NONE"
        if request_probability < 0.5:
            reasons.append("the text reads as something other than a request for outsourced "
                           "research, development or manufacturing")
        else:
            reasons.append("no research, development or manufacturing service is requested "
                           "clearly enough to tag")
    elif research and manufacturing:
        kind = "CRDMO"
        reasons.append(f"{_names(taxonomy, research)} (research side) and "
                       f"{_names(taxonomy, manufacturing)} (manufacturing side) are both "
                       "requested: one integrated partner avoids a hand-off")
    elif integrated_cue:
        kind = "CRDMO"
        reasons.append(f"{_names(taxonomy, selected)} requested, and the document asks for one "
                       f"partner end to end: \"{integrated_cue}\"")
        probs["CRDMO"] = max(probs["CRDMO"], probs["CRO"] + probs["CDMO"] + probs["CRDMO"])
    elif research:
        kind = "CRO"
        reasons.append(f"only research-side services requested: {_names(taxonomy, research)}")
    else:
        kind = "CDMO"
        reasons.append(f"only development and manufacturing services requested: "
                       f"{_names(taxonomy, manufacturing)}")
    confidence = round(min(1.0, max(0.0, probs[kind])), 4)
    if confidence < 0.5:
        reasons.append(f"low confidence ({confidence:.2f}): the text is short, vague or mixed; "
                       "a person should check the routing")
    return ProviderDecision(kind, confidence, reasons)
