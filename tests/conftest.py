"""Shared fixtures: the bundled model, loaded once per session, and copies to tamper with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from classifier.pipeline import Classifier
from classifier.settings import BUNDLED_MODEL_DIR, TRAINING_DATA_DIR, Settings
from classifier.taxonomy import Taxonomy, default_taxonomy


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return default_taxonomy()


@pytest.fixture(scope="session")
def bundled_model_dir() -> Path:
    return BUNDLED_MODEL_DIR


@pytest.fixture(scope="session")
def training_data_dir() -> Path:
    return TRAINING_DATA_DIR


@pytest.fixture(scope="session")
def classifier(bundled_model_dir: Path) -> Classifier:
    return Classifier.from_dir(bundled_model_dir)


@pytest.fixture()
def model_copy(tmp_path: Path, bundled_model_dir: Path) -> Path:
    """A private copy of the bundled model folder that a test may damage."""
    target = tmp_path / "model"
    shutil.copytree(bundled_model_dir, target)
    return target


@pytest.fixture(scope="session")
def settings(bundled_model_dir: Path) -> Settings:
    return Settings(model_dir=bundled_model_dir)


TINY_CORPUS = [
    ("GLP toxicology study in rats and dogs before first-in-human.", ["preclinical_research"], "preclinical"),
    ("In vivo efficacy study in a xenograft mouse model.", ["preclinical_research"], "preclinical"),
    ("Phase 2 trial: site monitoring, patient recruitment and data management.",
     ["clinical_trial_management"], "early_clinical"),
    ("Full-service CRO for our Phase 3 pivotal study at 80 sites.",
     ["clinical_trial_management"], "late_clinical"),
    ("GMP manufacture of 5 kg of API for the Phase 1 study.", ["api_manufacturing"], "early_clinical"),
    ("Commercial supply of drug substance, 2 tonnes per year.", ["api_manufacturing"], "commercial"),
    ("Fill-finish of sterile vials and labelling of clinical supplies.",
     ["drug_product_manufacturing"], "early_clinical"),
    ("Tablet compression and blister packaging for launch.", ["drug_product_manufacturing"], "commercial"),
    ("Please quote QP release of imported batches.", ["manufacturing_regulatory_support"], "unspecified"),
    ("Tender for office cleaning at our pharma campus.", [], "unspecified"),
    ("We are hiring a senior clinical research associate.", [], "unspecified"),
    ("Purchase of two -80 freezers for the QC lab.", [], "unspecified"),
    ("Conference booth booking for the biotech congress.", [], "unspecified"),
]


@pytest.fixture(scope="session")
def tiny_fitted():
    """A model fitted in a second on a dozen sentences, for tests of mechanics, not accuracy."""
    import numpy as np

    from classifier.model import RFPModel

    tx = default_taxonomy()
    texts = [t for t, _, _ in TINY_CORPUS] * 2
    Y = np.array([[int(s in svc) for s in tx.service_ids] for _, svc, _ in TINY_CORPUS] * 2)
    stages = [st for _, _, st in TINY_CORPUS] * 2
    model = RFPModel(min_df=1, max_char_features=5000).fit(texts, Y, stages, tx.service_ids, tx.stage_ids)
    return model, texts, Y
