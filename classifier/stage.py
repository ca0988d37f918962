"""The development stage of a document, with the sentences that place it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from classifier.text import Segment, cue_token_id

UNSPECIFIED = "unspecified"


@dataclass
class StageDecision:
    value: str
    confidence: float
    evidence: list[str] = field(default_factory=list)


def decide_stage(stage_ids: Sequence[str], proba: np.ndarray, segments: Sequence[Segment],
                 contributions: np.ndarray | None, provider_type: str,
                 max_evidence: int = 2) -> StageDecision:
    """The model's most probable stage; a document that requests nothing has none.

    Evidence is the kept sentences that carry a cue of the chosen stage, else the
    sentences that pushed the model most towards it.
    """
    if provider_type == "NONE":
        k = list(stage_ids).index(UNSPECIFIED) if UNSPECIFIED in stage_ids else None
        conf = float(proba[k]) if k is not None else 0.0
        return StageDecision(UNSPECIFIED, round(max(conf, 1.0 - conf), 4), [])
    k = int(np.argmax(proba))
    value = stage_ids[k]
    if value == UNSPECIFIED:
        return StageDecision(value, round(float(proba[k]), 4), [])
    cue = cue_token_id(value)
    evidence = [s.text for s in segments if cue in s.stage_cues][:max_evidence]
    if not evidence and contributions is not None and len(segments):
        order = np.argsort(-contributions[:, k])
        evidence = [segments[i].text for i in order[:max_evidence] if contributions[i, k] > 0]
    return StageDecision(value, round(float(proba[k]), 4), evidence)
