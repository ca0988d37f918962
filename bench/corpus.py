"""Generated documents: texts cut and joined from the training data, and PDF/DOCX made from them.

Everything is seeded, so two runs measure the same documents.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classifier.data import read_documents
from classifier.settings import TRAINING_DATA_DIR

# fpdf2's built-in fonts cover Latin-1 only; the training texts use a few typographic marks beyond it.
_LATIN1 = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
                         "\u201d": '"', "\u2026": "...", "\u2022": "*", "\u2264": "<=", "\u2265": ">=",
                         "\u2192": "->", "\u00a0": " "})


@dataclass
class Corpus:
    """Generated files and what they hold (texts are kept for the in-memory reference)."""

    folder: Path
    paths: list[Path]
    texts: list[str]

    @property
    def count(self) -> int:
        return len(self.paths)

    @property
    def words(self) -> int:
        return sum(len(t.split()) for t in self.texts)


def training_texts() -> list[str]:
    return [d.text for d in read_documents([TRAINING_DATA_DIR / "train"])]


def compose(texts: Sequence[str], n_words: int, rng: random.Random) -> str:
    """About ``n_words`` words of whole lines from randomly chosen documents (the last line cut)."""
    lines: list[str] = []
    count = 0
    while count < n_words:
        for line in rng.choice(texts).splitlines():
            words = line.split()
            if count + len(words) > n_words:
                line = " ".join(words[:n_words - count])
                words = line.split()
            lines.append(line)
            count += len(words)
            if count >= n_words:
                break
        lines.append("")
    return "\n".join(lines).strip() + "\n"


def write_texts(folder: Path, n: int, n_words: int, source: Sequence[str], seed: int,
                parts: Sequence[int] = ()) -> Corpus:
    """``n`` .txt files; ``parts`` splits them into subfolders part0, part1, ... of those sizes."""
    rng = random.Random(seed)
    sizes = list(parts) or [n]
    paths, texts = [], []
    for k, size in enumerate(sizes):
        sub = folder / f"part{k}" if parts else folder
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(size):
            text = compose(source, n_words, rng)
            path = sub / f"doc{len(paths):06d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
            texts.append(text)
    return Corpus(folder, paths, texts)


def _pages(source: Sequence[str], pages: int, words_per_page: int, rng: random.Random) -> list[str]:
    return [compose(source, words_per_page, rng).translate(_LATIN1).encode("latin-1", "replace")
            .decode("latin-1") for _ in range(pages)]


def write_pdfs(folder: Path, n: int, pages: int, words_per_page: int, source: Sequence[str],
               seed: int) -> Corpus:
    from fpdf import FPDF

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths, texts = [], []
    for i in range(n):
        content = _pages(source, pages, words_per_page, rng)
        pdf = FPDF(format="A4")
        pdf.set_font("Helvetica", size=10)
        for page in content:
            pdf.add_page()
            pdf.multi_cell(0, 5, page)
        path = folder / f"doc{i:05d}.pdf"
        pdf.output(str(path))
        paths.append(path)
        texts.append("\n".join(content))
    return Corpus(folder, paths, texts)


def write_docx(folder: Path, n: int, pages: int, words_per_page: int, source: Sequence[str],
               seed: int) -> Corpus:
    import docx

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths, texts = [], []
    for i in range(n):
        content = _pages(source, pages, words_per_page, rng)
        document = docx.Document()
        for k, page in enumerate(content):
            if k:
                document.add_page_break()
            for line in page.splitlines():
                document.add_paragraph(line)
        path = folder / f"doc{i:05d}.docx"
        document.save(str(path))
        paths.append(path)
        texts.append("\n".join(content))
    return Corpus(folder, paths, texts)
