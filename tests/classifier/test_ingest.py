"""Ingestion: every supported format read with its sources, every bad file refused with its code."""

from __future__ import annotations

import io
import logging
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from classifier import ingest
from classifier.errors import InvalidInputError
from classifier.ingest import (SUPPORTED_SUFFIXES, ExtractedDocument, Limits, TextPart, decode_bytes,
                               expand_paths, extract_bytes, extract_file, read_text_file)
from classifier.settings import Settings
from tests.conftest import (CORPUS_ACCENTS, CORPUS_ERRORS, CORPUS_REQUEST, CORPUS_REQUEST_SOURCES,
                            corpus_docx, corpus_eml, corpus_pdf)


def squash(text: str) -> str:
    return " ".join(text.split())


def error_of(call) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        call()
    return info.value


# -- the corpus ----------------------------------------------------------------------------


def test_outcomes_cover_every_corpus_file(document_corpus, document_outcomes):
    assert sorted(p.name for p in document_corpus.iterdir()) == sorted(document_outcomes)


@pytest.mark.parametrize("name", sorted(CORPUS_REQUEST_SOURCES))
def test_good_files_extract_the_request_with_its_source(document_corpus, name):
    doc = extract_file(document_corpus / name)
    assert CORPUS_REQUEST in squash(doc.text)
    assert doc.source_of(CORPUS_REQUEST) == CORPUS_REQUEST_SOURCES[name]
    assert doc.name == str(document_corpus / name)
    assert all(p.text.strip() and p.source.startswith(name) for p in doc.parts)


@pytest.mark.parametrize("name", sorted(CORPUS_ERRORS))
def test_bad_files_raise_their_typed_error(document_corpus, name):
    assert error_of(lambda: extract_file(document_corpus / name)).code == CORPUS_ERRORS[name]


@pytest.mark.parametrize("name", ["utf8.txt", "utf16.txt", "utf16_bom.txt", "cp1252.txt"])
def test_text_encodings_are_detected(document_corpus, name):
    doc = extract_file(document_corpus / name)
    assert doc.format == "text"
    assert doc.text.splitlines()[0] == CORPUS_ACCENTS


# -- PDF -----------------------------------------------------------------------------------


def test_pdf_gives_one_part_per_page(document_corpus):
    doc = extract_file(document_corpus / "rfp.pdf")
    assert doc.format == "pdf"
    assert [p.source for p in doc.parts] == [f"rfp.pdf#page={i}" for i in (1, 2, 3)]
    assert doc.parts[1].text == CORPUS_REQUEST
    assert doc.text == "\n\n".join(p.text for p in doc.parts)


def test_scanned_pdf_says_so(document_corpus):
    err = error_of(lambda: extract_file(document_corpus / "scanned.pdf"))
    assert "no extractable text: scanned document?" in err.detail


def test_pdf_with_a_user_password_is_refused_and_one_without_is_read(document_corpus):
    assert "password" in error_of(lambda: extract_file(document_corpus / "locked.pdf")).detail
    opened = extract_file(document_corpus / "open.pdf")
    assert opened.parts == (TextPart(CORPUS_REQUEST, "open.pdf#page=1"),)


def test_mislabelled_files_say_what_they_look_like(document_corpus):
    def detail(name: str) -> str:
        return error_of(lambda: extract_file(document_corpus / name)).detail

    assert "looks like an HTML page" in detail("fake.pdf")
    assert "looks like a PDF" in detail("fake.docx")
    assert "looks like a binary file" in detail("binary.txt")


def test_pdf_over_the_page_limit_is_refused_whole(document_corpus):
    err = error_of(lambda: extract_file(document_corpus / "rfp.pdf", Limits(max_pages=2)))
    assert err.code == "E007" and "3 pages" in err.detail and "refused" in err.detail


def test_text_over_the_character_limit_is_refused(document_corpus):
    assert error_of(lambda: extract_file(document_corpus / "rfp.pdf", Limits(max_chars=60))).code == "E003"
    limit = len(extract_file(document_corpus / "rfp.pdf").text)
    assert len(extract_file(document_corpus / "rfp.pdf", Limits(max_chars=limit)).text) == limit


def test_extraction_stops_at_the_deadline(document_corpus, monkeypatch):
    clock = iter(range(0, 10_000, 10))  # every look at the clock is ten seconds later
    monkeypatch.setattr(ingest.time, "monotonic", lambda: next(clock))
    err = error_of(lambda: extract_file(document_corpus / "rfp.pdf", Limits(max_seconds=15)))
    assert err.code == "E008"


# -- size bounds ---------------------------------------------------------------------------


def test_a_too_large_file_is_refused_from_stat_without_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.truncate(26 * 1024 * 1024)  # sparse: costs no disk
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened"))
    err = error_of(lambda: extract_file(big))
    assert err.code == "E006" and "27,262,976 bytes" in err.detail


def test_the_size_limit_also_bounds_bytes_given_directly():
    assert error_of(lambda: extract_bytes(b"x" * 101, "a.txt", Limits(max_file_bytes=100))).code == "E006"
    assert extract_bytes(b"x" * 100, "a.txt", Limits(max_file_bytes=100)).text == "x" * 100


# -- DOCX and zip containers ---------------------------------------------------------------


def test_docx_reads_paragraphs_and_tables_in_order(document_corpus):
    doc = extract_file(document_corpus / "rfp.docx")
    assert doc.format == "docx"
    assert [p.source for p in doc.parts] == ["rfp.docx", "rfp.docx#table=1", "rfp.docx"]
    assert doc.parts[1].text == "Service | Quantity\nPeptide API | 5 kg"
    assert doc.parts[2].text == "Proposals are due by 30 June."


def test_zip_bomb_is_refused_fast(document_corpus):
    data = (document_corpus / "bomb.docx").read_bytes()
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared > 1000 * len(data)
    start = time.perf_counter()
    err = error_of(lambda: extract_bytes(data, "bomb.docx"))
    assert time.perf_counter() - start < 2.0
    assert err.code == "E007" and "unpack" in err.detail


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_real_decompressed_size_counts_not_the_compressed_size():
    data = _zip({"word/document.xml": bytes(2 * 1024 * 1024)})
    assert len(data) < 10_000
    err = error_of(lambda: extract_bytes(data, "x.docx", Limits(max_decompressed_bytes=1024 * 1024)))
    assert err.code == "E007"


def test_too_many_zip_members_are_refused():
    data = _zip({f"word/m{i}.xml": b"" for i in range(11)})
    err = error_of(lambda: extract_bytes(data, "x.docx", Limits(max_archive_members=10)))
    assert err.code == "E007" and "11 zip members" in err.detail


def test_a_member_that_understates_its_size_is_not_inflated_past_it():
    """A lying header cannot make us unpack more than the bound; the file is just corrupt."""
    good = corpus_docx()
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                zf.writestr(info.filename, body + b" " * (4 * 1024 * 1024))
                zf.filelist[-1].file_size = len(body)  # declares only the original size
            else:
                zf.writestr(info.filename, body)
    limits = Limits(max_decompressed_bytes=1024 * 1024)
    err = error_of(lambda: extract_bytes(out.getvalue(), "liar.docx", limits))
    assert err.code == "E009"


def test_a_zip_that_is_not_a_word_document_is_corrupt():
    assert "not a Word document" in error_of(lambda: extract_bytes(_zip({"a.txt": b"hi"}), "a.docx")).detail


# -- email ---------------------------------------------------------------------------------


def test_email_parts_and_attachment_sources(document_corpus):
    doc = extract_file(document_corpus / "mail.eml")
    sources = [p.source for p in doc.parts]
    assert doc.format == "eml"
    assert sources[:2] == ["mail.eml#subject", "mail.eml#body"]
    assert doc.parts[0].text == "RFP: peptide API"
    assert "mail.eml/spec.pdf#page=3" in sources and "mail.eml/scope.docx#table=1" in sources
    assert doc.warnings == ()


def test_email_html_body_is_read_as_visible_text():
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = "Quote"
    msg.set_content("<html><head><style>p{}</style></head><body><p>Fill-finish of vials.</p></body></html>",
                    subtype="html")
    doc = extract_bytes(msg.as_bytes(), "m.eml")
    assert doc.parts[1] == TextPart("Fill-finish of vials.", "m.eml#body")


def test_unreadable_attachments_become_warnings():
    locked = corpus_pdf(["secret"], owner_password="o", user_password="u")
    data = corpus_eml({"locked.pdf": locked, "logo.png": b"\x89PNG\r\n",
                       "spec.pdf": corpus_pdf([CORPUS_REQUEST])})
    doc = extract_bytes(data, "m.eml")
    assert doc.source_of(CORPUS_REQUEST) == "m.eml/spec.pdf#page=1"
    assert len(doc.warnings) == 2
    assert any("E010" in w and "locked.pdf" in w for w in doc.warnings)
    assert any("logo.png" in w and "unsupported" in w for w in doc.warnings)


def test_too_many_attachments_are_refused():
    data = corpus_eml({f"n{i}.txt": b"note" for i in range(3)})
    assert error_of(lambda: extract_bytes(data, "m.eml", Limits(max_attachments=2))).code == "E007"
    assert len(extract_bytes(data, "m.eml", Limits(max_attachments=3)).parts) == 5


def test_a_text_file_named_eml_is_not_an_email():
    assert error_of(lambda: extract_bytes(b"just some words", "x.eml")).code == "E009"


# -- HTML and RTF --------------------------------------------------------------------------


def test_html_keeps_visible_text_only(document_corpus):
    doc = extract_file(document_corpus / "page.html")
    assert doc.text == f"RFP\n{CORPUS_REQUEST}"
    for noise in ("Tender portal", "color", "clinical monitoring", "Enable JS", "hidden"):
        assert noise not in doc.text


def test_html_blocks_become_lines_and_comments_vanish():
    html = (b"<div>One <i>two</i></div>three<br>four<!-- note -->"
            b"<ul><li>a</li><li>b</li></ul><p hidden>x</p>")
    assert extract_bytes(html, "a.htm").text == "One two\nthree\nfour\na\nb"


def test_deeply_nested_html_does_not_crash():
    depth = 20_000
    doc = extract_bytes(b"<div>" * depth + b"deep text" + b"</div>" * depth, "deep.html")
    assert doc.text == "deep text"


def test_html_with_no_visible_text():
    err = error_of(lambda: extract_bytes(b"<script>alert(1)</script>", "a.html"))
    assert err.code == "E005"


def test_rtf_is_read_and_mislabelled_rtf_refused(document_corpus):
    assert extract_file(document_corpus / "brief.rtf").parts[0].text.startswith("Caf\u00e9 brief.")
    assert error_of(lambda: extract_bytes(b"plain words", "a.rtf")).code == "E009"


# -- types and edge cases ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["notes.xyz", "README", "old.doc", "scan.PNG"])
def test_unknown_types_are_unsupported_never_guessed(name):
    err = error_of(lambda: extract_bytes(b"We need API manufacturing.", name))
    assert err.code == "E004"


def test_suffix_case_does_not_matter(document_corpus):
    data = (document_corpus / "rfp.pdf").read_bytes()
    assert extract_bytes(data, "RFP.PDF").format == "pdf"


def test_whitespace_only_text_is_empty():
    assert error_of(lambda: extract_bytes(b"  \n\t ", "a.md")).code == "E002"


def test_missing_file_and_folder_are_refused(tmp_path):
    assert "cannot read" in error_of(lambda: extract_file(tmp_path / "missing.txt")).detail
    (tmp_path / "dir.txt").mkdir()
    assert "folder" in error_of(lambda: extract_file(tmp_path / "dir.txt")).detail


def test_read_text_file_is_a_thin_wrapper(document_corpus):
    assert read_text_file(document_corpus / "rfp.pdf") == extract_file(document_corpus / "rfp.pdf").text
    assert error_of(lambda: read_text_file(document_corpus / "rfp.pdf", max_bytes=10)).code == "E006"


def test_noisy_library_loggers_are_quieted():
    assert logging.getLogger("pypdf").level == logging.ERROR
    assert logging.getLogger("docx").level == logging.ERROR


def test_limits_from_settings():
    s = Settings(max_file_bytes=1, max_pages=2, max_text_chars=3, max_archive_members=4,
                 max_decompressed_bytes=5, max_attachments=6, max_extract_seconds=7.5)
    assert Limits.from_settings(s) == Limits(1, 2, 3, 4, 5, 6, 7.5)
    assert Limits.from_settings(Settings()) == Limits()


_PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"{\\rtf1 ", b"<html><body>", b"Subject: x\n\n",
             b"\xef\xbb\xbf", b"\xff\xfe"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(_PREFIXES), body=st.binary(max_size=3000),
       suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_random_bytes_raise_only_typed_errors(prefix, body, suffix):
    try:
        doc = extract_bytes(prefix + body, f"random{suffix}")
    except InvalidInputError as exc:
        assert exc.code in {"E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009", "E010"}
    else:
        assert doc.parts and all(p.text.strip() for p in doc.parts)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_corpus_files_raise_only_typed_errors(document_corpus, data):
    name = data.draw(st.sampled_from(["rfp.pdf", "rfp.docx", "mail.eml", "page.html", "brief.rtf"]))
    raw = bytearray((document_corpus / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 30))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(1, len(raw)))]
    try:
        extract_bytes(bytes(raw), name)
    except InvalidInputError:
        pass


# -- decode_bytes --------------------------------------------------------------------------

SAMPLE = "Caf\u00e9 \u2013 we need \u201cfill-finish\u201d for 2,000 vials \u00b5g"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_decode_unicode_with_or_without_bom(encoding):
    assert decode_bytes(SAMPLE.encode(encoding)) == SAMPLE


def test_decode_legacy_encodings():
    assert decode_bytes(b"caf\xe9") == "caf\u00e9"
    assert decode_bytes(b"\x93fill-finish\x94 \x96 \x80100") == "\u201cfill-finish\u201d \u2013 \u20ac100"
    polish = ("Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144, "
              "prosz\u0119 o ofert\u0119 na produkcj\u0119 API.")
    assert decode_bytes(polish.encode("cp1250")) == polish
    assert decode_bytes(b"") == ""


def test_decode_undefined_bytes_do_not_raise():
    out = decode_bytes(b"a\x81b\x8dc")
    assert out.startswith("a") and out.endswith("c") and len(out) == 5


# -- source_of -----------------------------------------------------------------------------


def test_source_of_survives_normalisation_and_line_breaks():
    doc = ExtractedDocument("x.pdf", "pdf", (TextPart("Intro.", "x.pdf#page=1"),
                                             TextPart("We need \u201cGMP\u201d\nmanufacture\u2014now.",
                                                      "x.pdf#page=2")))
    assert doc.source_of('We need "GMP" manufacture-now.') == "x.pdf#page=2"
    assert doc.source_of("Intro.") == "x.pdf#page=1"
    assert doc.source_of("Never said.") is None
    assert doc.source_of("...") is None


# -- expand_paths --------------------------------------------------------------------------


@pytest.fixture()
def tree(tmp_path) -> Path:
    root = tmp_path / "docs"
    for rel in ("z.txt", "m.md", "a/y.txt", "a/skip.pdf", "b/deep/x.md", "b/NOTES.TXT", "b/data.json",
                ".hidden.txt", ".git/config.txt", "drafts/d.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("text", encoding="utf-8")
    return root


def rel(paths, root) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_expand_paths_walks_sorted_skips_hidden_and_keeps_unknown_types(tree):
    assert rel(expand_paths([tree]), tree) == ["a/skip.pdf", "a/y.txt", "b/NOTES.TXT", "b/data.json",
                                               "b/deep/x.md", "drafts/d.txt", "m.md", "z.txt"]


def test_expand_paths_include_and_exclude(tree):
    assert rel(expand_paths([tree], include=["*.txt", "*.TXT"], exclude=["drafts"]), tree) == [
        "a/y.txt", "b/NOTES.TXT", "z.txt"]
    assert rel(expand_paths([tree], exclude=["b/*", "*.pdf"]), tree) == ["a/y.txt", "drafts/d.txt",
                                                                          "m.md", "z.txt"]


def test_expand_paths_passes_files_through_in_given_order(tree):
    given = [tree / "z.txt", tree / "a" / "skip.pdf", tree / "nothing.here"]
    assert list(expand_paths(given, include=["*.md"])) == given


def test_expand_paths_is_lazy(tree):
    found = expand_paths([tree])
    assert isinstance(found, Iterator)
    assert next(found) == tree / "a" / "skip.pdf"
    (tree / "drafts" / "e.txt").write_text("added after the walk started")  # a folder not yet listed
    assert "drafts/e.txt" in rel(found, tree)


def test_expand_paths_empty_folder(tmp_path):
    assert list(expand_paths([tmp_path])) == []


# -- classification with sources -----------------------------------------------------------


def test_classify_extracted_points_evidence_at_the_page(classifier, document_corpus):
    doc = extract_file(document_corpus / "rfp.pdf")
    result = classifier.classify_extracted(doc)
    tags = {t.id: t for t in result.services}
    assert "api_manufacturing" in tags
    api = tags["api_manufacturing"]
    assert len(api.sources) == len(api.evidence) > 0
    assert api.sources[api.evidence.index(CORPUS_REQUEST)] == "rfp.pdf#page=2"
    assert len(result.stage.sources) == len(result.stage.evidence)
    assert result.document is not None
    assert result.document.format == "pdf" and result.document.characters == len(doc.text)
    assert result.document.sources == ["rfp.pdf#page=1", "rfp.pdf#page=2", "rfp.pdf#page=3"]
    assert classifier.classify(doc.text).document is None
