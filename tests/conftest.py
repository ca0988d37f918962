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
def settings(bundled_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # The intake store of the tests lives in a temporary folder, never in the project.
    database = tmp_path_factory.mktemp("store") / "requests.db"
    return Settings(model_dir=bundled_model_dir, database_url=f"sqlite:///{database}")


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


def tiny_corpus_rows() -> list[dict]:
    """TINY_CORPUS as labelled JSONL rows (each request there needs one side only)."""
    tx = default_taxonomy()
    sides = {"research": "CRO", "manufacturing": "CDMO"}
    return [{"id": f"tiny-{i}", "text": text, "services": services, "stage": stage,
             "provider_type": sides[tx.side_of(services[0])] if services else "NONE"}
            for i, (text, services, stage) in enumerate(TINY_CORPUS)]


@pytest.fixture(scope="session")
def make_result(taxonomy):
    """Build a ClassificationResult by hand, for tests of metrics and suites that need exact answers.

    ``scores`` default to 0.9 for the given services and 0.1 for the others; the provider
    type defaults to what the product's mapping makes of the services.
    """
    from classifier.provider import decide_provider
    from classifier.schema import (ClassificationResult, ModelInfo, ProviderRecommendation, ServiceTag,
                                   StageCall)

    def make(services=(), provider=None, stage="unspecified", scores=None):
        scores = {s: (0.9 if s in services else 0.1) for s in taxonomy.service_ids} | dict(scores or {})
        kind = provider or decide_provider(list(services), scores, taxonomy).type
        return ClassificationResult(
            services=[ServiceTag(id=s, name=taxonomy.service(s).name, score=scores[s],
                                 evidence=[f"evidence for {s}"]) for s in services],
            provider=ProviderRecommendation(type=kind, confidence=0.9, reasons=[]),
            stage=StageCall(value=stage, confidence=0.9, evidence=[]),
            model=ModelInfo(version="test"), scores=scores, request_score=0.9)

    return make


# -- a corpus of documents of every supported type, good and bad, built here (no checked-in binaries) --

CORPUS_REQUEST = "We need GMP manufacture of 5 kg of the peptide API for our Phase 2 trial."
# Files that extract, and the part the request sentence is found in.
CORPUS_REQUEST_SOURCES = {
    "rfp.pdf": "rfp.pdf#page=2", "open.pdf": "open.pdf#page=1", "rfp.docx": "rfp.docx",
    "mail.eml": "mail.eml/spec.pdf#page=2", "page.html": "page.html", "brief.md": "brief.md",
    "brief.rtf": "brief.rtf", "utf8.txt": "utf8.txt", "utf16.txt": "utf16.txt",
    "utf16_bom.txt": "utf16_bom.txt", "cp1252.txt": "cp1252.txt",
}
# Files that must be refused, with the error code each gets.
CORPUS_ERRORS = {
    "scanned.pdf": "E005", "locked.pdf": "E010", "truncated.pdf": "E009", "fake.pdf": "E009",
    "bomb.docx": "E007", "fake.docx": "E009", "empty.txt": "E002", "binary.txt": "E009",
    "notes.xyz": "E004",
}
CORPUS_ACCENTS = "Caf\u00e9 \u00fcber \u201cquoted\u201d"


def corpus_pdf(pages: list[str | None], **encryption: str) -> bytes:
    """A PDF with one page per string; None draws a filled box and no text, like a scan."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if encryption:
        pdf.set_encryption(**encryption)
    for text in pages:
        pdf.add_page()
        if text is None:
            pdf.rect(20, 20, 120, 160, style="F")
        else:
            pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def corpus_docx() -> bytes:
    import io

    import docx

    doc = docx.Document()
    doc.add_paragraph("Request for proposal from Acme Bio.")
    doc.add_paragraph(CORPUS_REQUEST)
    table = doc.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Service", "Quantity"), ("Peptide API", "5 kg")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    doc.add_paragraph("Proposals are due by 30 June.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def corpus_zip_bomb() -> bytes:
    """A DOCX-named zip whose central directory declares 5 GiB: refused from the declaration."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", bytes(4 * 1024 * 1024))
        zf.filelist[-1].file_size = 5 * 1024 ** 3  # written into the central directory at close
    return out.getvalue()


def corpus_eml(attachments: dict[str, bytes]) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "buyer@acme.example", "bd@cdmo.example", "RFP: peptide API"
    msg.set_content("Hello,\nplease find our specification attached.\nRegards")
    for name, data in attachments.items():
        subtype = "pdf" if name.endswith(".pdf") else "octet-stream"
        msg.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    return msg.as_bytes()


@pytest.fixture(scope="session")
def document_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of every kind of file ingestion meets; see CORPUS_REQUEST_SOURCES and CORPUS_ERRORS."""
    root = tmp_path_factory.mktemp("corpus")
    rfp = corpus_pdf(["Acme Bio is a virtual biotech company.", CORPUS_REQUEST,
                      "Proposals are due by 30 June."])
    text = f"{CORPUS_ACCENTS}\n{CORPUS_REQUEST}\n"
    files = {
        "rfp.pdf": rfp,
        "open.pdf": corpus_pdf([CORPUS_REQUEST], owner_password="owner"),  # empty user password
        "rfp.docx": corpus_docx(),
        "mail.eml": corpus_eml({"spec.pdf": rfp, "scope.docx": corpus_docx()}),
        "page.html": ("<html><head><title>Tender portal</title><style>p {color: red}</style></head>"
                      "<body><script>var x = 'clinical monitoring';</script><noscript>Enable JS</noscript>"
                      f"<h1>RFP</h1><p>We need <b>GMP manufacture</b> of 5 kg\n of the peptide API for our "
                      "Phase 2 trial.</p><template>hidden</template></body></html>").encode(),
        "brief.md": f"# Brief\n\n{CORPUS_REQUEST}\n".encode(),
        "brief.rtf": ("{\\rtf1\\ansi{\\fonttbl\\f0\\fswiss Helvetica;}\\f0\\pard "
                      f"Caf\\'e9 brief.\\par {CORPUS_REQUEST}\\par}}").encode(),
        "utf8.txt": text.encode("utf-8"),
        "utf16.txt": text.encode("utf-16-le"),
        "utf16_bom.txt": text.encode("utf-16"),
        "cp1252.txt": text.encode("cp1252"),
        "scanned.pdf": corpus_pdf([None, None]),
        "locked.pdf": corpus_pdf([CORPUS_REQUEST], owner_password="owner", user_password="secret"),
        "truncated.pdf": rfp[: len(rfp) // 2],
        "fake.pdf": b"<html><body>not a pdf</body></html>",
        "bomb.docx": corpus_zip_bomb(),
        "fake.docx": rfp,
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 8,
        "notes.xyz": text.encode(),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


@pytest.fixture(scope="session")
def document_outcomes() -> dict[str, str | None]:
    """Each corpus file's expected outcome: an error code, or None for a file that extracts."""
    return {**dict.fromkeys(CORPUS_REQUEST_SOURCES), **CORPUS_ERRORS}
