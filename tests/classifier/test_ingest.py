"""Reading documents from disk: decoding, limits, binary refusal and path expansion."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.errors import InvalidInputError
from classifier.ingest import DEFAULT_MAX_FILE_BYTES, decode_bytes, expand_paths, read_text_file

SAMPLE = "Caf\u00e9 \u2013 we need \u201cfill-finish\u201d for 2,000 vials \u00b5g"


# -- decode_bytes --------------------------------------------------------------------------


def test_decode_utf8():
    assert decode_bytes(SAMPLE.encode("utf-8")) == SAMPLE


def test_decode_utf8_with_bom_drops_the_bom():
    out = decode_bytes(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    assert out == SAMPLE
    assert not out.startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(encoding):
    data = SAMPLE.encode(encoding)
    if encoding != "utf-16":  # the explicit-endian codecs write no BOM: add the right one
        data = ("\ufeff" + SAMPLE).encode(encoding)
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert decode_bytes(data) == SAMPLE


def test_decode_cp1252_fallback():
    assert decode_bytes(b"caf\xe9") == "caf\u00e9"
    assert decode_bytes(b"\x93fill-finish\x94 \x96 \x80100") == "\u201cfill-finish\u201d \u2013 \u20ac100"


def test_decode_cp1252_undefined_bytes_do_not_raise():
    out = decode_bytes(b"a\x81b\x8dc")
    assert out.startswith("a") and out.endswith("c")
    assert len(out) == 5


def test_decode_empty():
    assert decode_bytes(b"") == ""


def test_decode_plain_ascii():
    assert decode_bytes(b"We need API manufacturing.\r\n") == "We need API manufacturing.\r\n"


# -- read_text_file ------------------------------------------------------------------------


def test_read_text_file_reads_and_decodes(tmp_path):
    path = tmp_path / "rfp.txt"
    path.write_bytes(SAMPLE.encode("utf-16"))
    assert read_text_file(path) == SAMPLE


def test_read_text_file_cp1252(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(b"Caf\xe9 RFP for tablets")
    assert read_text_file(path) == "Caf\u00e9 RFP for tablets"


def test_read_text_file_refuses_a_too_large_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 101)
    with pytest.raises(InvalidInputError) as info:
        read_text_file(path, max_bytes=100)
    assert "101" in str(info.value) and "100" in str(info.value)
    assert info.value.code == "E001"


def test_read_text_file_accepts_a_file_at_the_limit(tmp_path):
    path = tmp_path / "edge.txt"
    path.write_bytes(b"a" * 100)
    assert read_text_file(path, max_bytes=100) == "a" * 100


def test_default_limit_is_ten_mebibytes():
    assert DEFAULT_MAX_FILE_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"%PDF-1.7\n\x00\x01\x02binary",
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "plain text then a NUL\x00".encode("utf-8"),
])
def test_read_text_file_refuses_binary(tmp_path, data):
    path = tmp_path / "file.txt"
    path.write_bytes(data)
    with pytest.raises(InvalidInputError, match="binary"):
        read_text_file(path)


def test_read_text_file_refuses_a_missing_file(tmp_path):
    with pytest.raises(InvalidInputError):
        read_text_file(tmp_path / "missing.txt")


def test_read_text_file_refuses_a_folder(tmp_path):
    with pytest.raises(InvalidInputError):
        read_text_file(tmp_path)


# -- expand_paths --------------------------------------------------------------------------


@pytest.fixture()
def tree(tmp_path) -> Path:
    root = tmp_path / "docs"
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    for rel in ("z.txt", "m.md", "a/y.txt", "a/skip.pdf", "b/deep/x.md", "b/NOTES.TXT",
                "b/data.json", "b/readme", "c.txt.bak"):
        (root / rel).write_text("text", encoding="utf-8")
    return root


def test_expand_paths_recurses_filters_and_sorts(tree):
    found = list(expand_paths([tree]))
    rel = [p.relative_to(tree).as_posix() for p in found]
    assert rel == ["a/y.txt", "b/NOTES.TXT", "b/deep/x.md", "m.md", "z.txt"]
    assert found == sorted(found)
    assert all(p.is_file() for p in found)


def test_expand_paths_custom_suffixes(tree):
    rel = [p.relative_to(tree).as_posix() for p in expand_paths([tree], suffixes=(".pdf", ".json"))]
    assert rel == ["a/skip.pdf", "b/data.json"]


def test_expand_paths_passes_files_through_in_given_order(tree):
    given = [tree / "z.txt", tree / "a" / "skip.pdf", tree / "m.md"]
    assert list(expand_paths(given)) == given


def test_expand_paths_mixes_files_and_folders(tree):
    out = list(expand_paths([str(tree / "z.txt"), tree / "b"]))
    assert out == [tree / "z.txt", tree / "b" / "NOTES.TXT", tree / "b" / "deep" / "x.md"]
    assert all(isinstance(p, Path) for p in out)


def test_expand_paths_empty_folder(tmp_path):
    assert list(expand_paths([tmp_path])) == []
