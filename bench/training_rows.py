"""Row of training: ``rfp-classifier train`` into a temporary folder, from process start to exit."""

from __future__ import annotations

import random
from pathlib import Path

from bench.config import Config
from bench.measure import Row, Sample, Target, rfp_command, run_command
from classifier.data import jsonl_files
from classifier.settings import TRAINING_DATA_DIR


def _lines(folder: Path) -> list[str]:
    return [line for f in jsonl_files([folder]) for line in f.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _sample(folder: Path, n: int, target: Path) -> Path:
    """A seeded sample of labelled rows, written as one JSONL file."""
    lines = _lines(folder)
    target.write_text("\n".join(random.Random(0).sample(lines, min(n, len(lines)))) + "\n",
                      encoding="utf-8")
    return target


def training_rows(cfg: Config, work: Path, env: dict[str, str]) -> list[Row]:
    if cfg.training_limit is None:
        args: list[str] = []  # the defaults: the whole training split, the test split scored after
        documents = len(_lines(TRAINING_DATA_DIR / "train"))
    else:
        train = _sample(TRAINING_DATA_DIR / "train", cfg.training_limit, work / "train-sample.jsonl")
        test = _sample(TRAINING_DATA_DIR / "test", 20, work / "test-sample.jsonl")
        args = ["--data", str(train), "--test", str(test)]
        documents = cfg.training_limit
    args += ["--folds", str(cfg.training_folds)]
    seconds = Sample()
    for r in range(cfg.repeats):
        model_dir = work / f"trained-model-{r}"  # never the bundled models/
        seconds.add(run_command([rfp_command(), "train", "--model-dir", str(model_dir), *args], env,
                                work / f"train-{r}.log").seconds)
    section = "Training: `rfp-classifier train --model-dir TMP`, process start to exit"
    return [Row("training.seconds", section,
                f"train on {documents:,} documents ({cfg.training_folds}-fold CV, test split scored)",
                "s", seconds, target=Target("value", "<=", 60))]
