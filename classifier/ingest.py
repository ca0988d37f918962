"""Reading documents: which files to take, and the text inside them with where each part came from.

Every failure is a typed InvalidInputError subclass (classifier.errors), never a library's own
exception; every bound comes from Limits and is checked before the work it bounds, so a hostile
file (zip bomb, endless PDF, mail with a thousand attachments) costs little to refuse.
"""

from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.errors import (CorruptFileError, EmptyTextError, EncryptedFileError,
                               ExtractionTimeoutError, FileTooLargeError, InvalidInputError,
                               LimitExceededError, NoExtractableTextError, TextTooLargeError,
                               UnsupportedFormatError)

if TYPE_CHECKING:
    from classifier.settings import Settings

MiB = 1024 * 1024
SUPPORTED_SUFFIXES: tuple[str, ...] = (".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".eml", ".rtf")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_SNIFF = 8192
# What a mislabelled file most often turns out to be, by its first bytes.
_MAGIC = ((b"%PDF-", "a PDF"), (b"PK\x03\x04", "a zip archive"), (b"{\\rtf", "an RTF document"),
          (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc/.xls)"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"\x1f\x8b", "gzip data"),
          (b"\x7fELF", "a program"), (b"<!doctype html", "an HTML page"), (b"<html", "an HTML page"))
_HTML_DROP = ["script", "style", "head", "noscript", "template"]
_HTML_BLOCKS = ["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
                "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
                "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"]
_BREAK = "\ue000"  # a private-use character: a block boundary that whitespace collapsing keeps
_WS = re.compile(r"\s+")
_NOT_WORD = re.compile(r"\W+")

# pypdf and python-docx log every oddity of a file they still read; callers see our warnings instead.
for _name in ("pypdf", "docx"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class Limits:
    """Bounds on one file's extraction; the defaults match the RFP_ settings of the same names."""

    max_file_bytes: int = 25 * MiB
    max_pages: int = 500
    max_chars: int = 500_000
    max_archive_members: int = 2_000
    max_decompressed_bytes: int = 200 * MiB
    max_attachments: int = 20
    max_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(max_file_bytes=settings.max_file_bytes, max_pages=settings.max_pages,
                   max_chars=settings.max_text_chars,
                   max_archive_members=settings.max_archive_members,
                   max_decompressed_bytes=settings.max_decompressed_bytes,
                   max_attachments=settings.max_attachments,
                   max_seconds=settings.max_extract_seconds)


@dataclass(frozen=True)
class TextPart:
    text: str
    source: str  # "rfp.pdf#page=3", "mail.eml#body", "mail.eml/spec.pdf#page=2", "notes.txt"


@dataclass(frozen=True)
class ExtractedDocument:
    name: str
    format: str
    parts: tuple[TextPart, ...]
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.parts)

    def source_of(self, sentence: str) -> str | None:
        """The part an evidence sentence came from, despite the text processor's normalisation.

        Both sides are reduced to their letters and digits, so quotes, dashes and line breaks
        changed on the way do not matter; a sentence is placed in the part where it starts.
        """
        key = _match_key(sentence)
        keys, starts = self._keys
        at = keys.find(key) if key else -1
        return self.parts[bisect_right(starts, at) - 1].source if at >= 0 else None

    @cached_property
    def _keys(self) -> tuple[str, list[int]]:
        keys = [_match_key(p.text) for p in self.parts]
        starts, pos = [], 0
        for k in keys:
            starts.append(pos)
            pos += len(k)
        return "".join(keys), starts


def _match_key(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold()).replace("_", "")


def decode_bytes(data: bytes) -> str:
    """BOM, else UTF-16 if the NUL pattern shows it, else UTF-8, else detected, else Windows-1252.

    Detection on short text is a guess; it is taken only when it recognises a language and
    Windows-1252, what most legacy files here use, would not read the bytes the same way.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if utf16 := _utf16_without_bom(data):
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not best.coherence or "cp1252" in best.could_be_from_charset:
        return data.decode("cp1252", errors="replace")
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """Mostly-ASCII UTF-16 has a NUL in every other byte, always on the same side."""
    sample = data[:_SNIFF] if len(data) % 2 == 0 else b""
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= half * 0.3 and even == 0:
        return "utf-16-le"
    if even >= half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def _is_binary(data: bytes) -> bool:
    head = data[:_SNIFF]
    return (b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
            and not _utf16_without_bom(data))


def _looks_like(data: bytes) -> str:
    """A short guess at what a mislabelled file is, for the error message only."""
    head = data[:_SNIFF].lstrip()
    what = next((what for magic, what in _MAGIC if head[:16].lower().startswith(magic.lower())), None)
    return what or ("binary data" if _is_binary(data) else "text")


@dataclass
class _Run:
    """The budget one file (with its attachments) shares: time, characters and warnings."""

    limits: Limits
    deadline: float
    chars: int = 0
    warnings: list[str] = field(default_factory=list)

    def tick(self, name: str) -> None:
        if time.monotonic() > self.deadline:
            raise ExtractionTimeoutError(f"{name}: extracting the text took longer than "
                                         f"{self.limits.max_seconds:g} s; stopped")

    def part(self, text: str, source: str) -> list[TextPart]:
        text = text.strip()
        if not text:
            return []
        self.chars += len(text) + 2  # and the blank line that joins it to the next part
        if self.chars - 2 > self.limits.max_chars:
            raise TextTooLargeError(f"{source}: the text goes over the limit of "
                                    f"{self.limits.max_chars:,} characters")
        return [TextPart(text, source)]


def _pdf(data: bytes, src: str, run: _Run) -> list[TextPart]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError(f"{src} is not a PDF: it looks like {_looks_like(data)}")
    if b"%%EOF" not in data:
        raise CorruptFileError(f"{src}: truncated PDF (no end-of-file marker)")
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:  # many PDFs are "encrypted" with an empty user password and open without one
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise EncryptedFileError(f"{src}: encrypted with a method that cannot be read") from exc
        if not opened:
            raise EncryptedFileError(f"{src}: password-protected PDF; its text cannot be read")
    n = len(reader.pages)
    if n > run.limits.max_pages:
        raise LimitExceededError(f"{src}: {n:,} pages; the limit is {run.limits.max_pages:,}, "
                                 "so the file is refused rather than read in part")
    parts: list[TextPart] = []
    for i, page in enumerate(reader.pages, 1):
        run.tick(src)
        parts += run.part(page.extract_text() or "", f"{src}#page={i}")
    if n and not parts:
        raise NoExtractableTextError(f"{src}: no extractable text: scanned document?")
    return parts


def _docx(data: bytes, src: str, run: _Run) -> list[TextPart]:
    if not data.startswith(b"PK\x03\x04"):
        raise CorruptFileError(f"{src} is not a DOCX (zip) file: it looks like {_looks_like(data)}")
    _check_zip(data, src, run.limits)
    import docx
    from docx.table import Table

    parts: list[TextPart] = []
    body: list[str] = []
    tables = 0
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        run.tick(src)
        if isinstance(block, Table):
            tables += 1
            parts += run.part("\n".join(body), src) + run.part(_table_text(block), f"{src}#table={tables}")
            body = []
        else:
            body.append(block.text)
    return parts + run.part("\n".join(body), src)


def _check_zip(data: bytes, src: str, limits: Limits) -> None:
    """Refuse a zip bomb from its central directory, before anything is decompressed.

    Sizes a member's header understates are safe too: zipfile stops inflating at the declared size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise CorruptFileError(f"{src}: damaged zip container ({exc})") from exc
    if len(infos) > limits.max_archive_members:
        raise LimitExceededError(f"{src}: {len(infos):,} zip members; the limit is "
                                 f"{limits.max_archive_members:,}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_decompressed_bytes:
        raise LimitExceededError(f"{src}: would unpack to {total:,} bytes; the limit is "
                                 f"{limits.max_decompressed_bytes:,}")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise CorruptFileError(f"{src}: a zip archive, but not a Word document")


def _table_text(table) -> str:
    """One line per row, cells separated by " | "; a merged cell is written once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            nested = [_table_text(t) for t in cell.tables]
            if text and (not cells or cells[-1] != text):
                cells.append(text)
            rows += nested
        if cells:
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def _text(data: bytes, src: str, run: _Run) -> list[TextPart]:
    return run.part(decode_bytes(data), src)


def _rtf(data: bytes, src: str, run: _Run) -> list[TextPart]:
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise CorruptFileError(f"{src} is not an RTF document: it looks like {_looks_like(data)}")
    return run.part(rtf_to_text(decode_bytes(data), errors="ignore"), src)


def _html(data: bytes, src: str, run: _Run) -> list[TextPart]:
    text = _visible_text(decode_bytes(data))
    run.tick(src)  # one parse cannot be interrupted; a late one is still reported as late
    return run.part(text, src)


def _visible_text(markup: str) -> str:
    """What a reader of the page sees: no scripts, styles, head or hidden parts; one line per block.

    Walks the tree with a stack, not recursion, and never edits it: deep nesting costs linear time.
    """
    from bs4 import BeautifulSoup, NavigableString, Tag

    out: list[str] = []
    stack: list[object] = [BeautifulSoup(markup, "html.parser")]
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name in _HTML_DROP or node.has_attr("hidden"):
                continue
            if node.name in _HTML_BLOCKS:
                out.append(_BREAK)
                stack.append(_BREAK)  # popped once the children are done
            stack.extend(reversed(node.contents))
        elif type(node) is NavigableString or node is _BREAK:  # not comments, doctypes, CDATA
            out.append(str(node))
    lines = (line.strip() for line in _WS.sub(" ", "".join(out)).split(_BREAK))
    return "\n".join(line for line in lines if line)


def _eml(data: bytes, src: str, run: _Run) -> list[TextPart]:
    from email import policy
    from email.parser import BytesParser

    msg = BytesParser(policy=policy.default).parsebytes(data)
    if not msg.keys():
        raise CorruptFileError(f"{src} is not an email (no headers): it looks like {_looks_like(data)}")
    parts = run.part(str(msg.get("subject", "")), f"{src}#subject")
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        text = _mime_text(body)
        parts += run.part(_visible_text(text) if body.get_content_subtype() == "html" else text,
                          f"{src}#body")
    attachments = list(msg.iter_attachments())
    if len(attachments) > run.limits.max_attachments:
        raise LimitExceededError(f"{src}: {len(attachments)} attachments; the limit is "
                                 f"{run.limits.max_attachments}")
    for att in attachments:
        run.tick(src)
        parts += _attachment(att, src, run)
    return parts


def _mime_text(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError):  # unknown or wrong charset: detect it instead
        return decode_bytes(part.get_payload(decode=True) or b"")


def _attachment(att, src: str, run: _Run) -> list[TextPart]:
    """An attachment's text; one that cannot be read becomes a warning, but a bound still stops all."""
    name = att.get_filename() or ""
    suffix = Path(name).suffix.lower()
    if suffix not in _EXTRACTORS or suffix == ".eml":
        run.warnings.append(f"{src}: attachment {name or '(unnamed)'} not read: unsupported type")
        return []
    payload = att.get_payload(decode=True)
    try:
        return _dispatch(payload if isinstance(payload, bytes) else b"", f"{src}/{name}", suffix, run)
    except (CorruptFileError, EncryptedFileError, NoExtractableTextError, EmptyTextError) as exc:
        run.warnings.append(f"attachment not read: {exc}")
        return []


_EXTRACTORS: dict[str, tuple[str, Callable[[bytes, str, _Run], list[TextPart]]]] = {
    ".pdf": ("pdf", _pdf), ".docx": ("docx", _docx), ".txt": ("text", _text), ".md": ("text", _text),
    ".html": ("html", _html), ".htm": ("html", _html), ".eml": ("eml", _eml), ".rtf": ("rtf", _rtf),
}
_TEXTUAL = {".txt", ".md", ".html", ".htm", ".eml", ".rtf"}


def _dispatch(data: bytes, src: str, suffix: str, run: _Run) -> list[TextPart]:
    if not data.strip():
        raise EmptyTextError(f"{src}: the file is empty")
    if suffix in _TEXTUAL and _is_binary(data):
        raise CorruptFileError(f"{src} looks like a binary file ({_looks_like(data)}), not text")
    try:
        return _EXTRACTORS[suffix][1](data, src, run)
    except InvalidInputError:
        raise
    except Exception as exc:  # a damaged file makes the parsers fail in endless ways
        what = "nested too deeply" if isinstance(exc, RecursionError) else type(exc).__name__
        raise CorruptFileError(f"{src}: damaged or unreadable {suffix[1:].upper()} ({what})") from exc


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in _EXTRACTORS:
        raise UnsupportedFormatError(f"{Path(filename).name}: unsupported file type "
                                     f"{suffix or '(no suffix)'!r}; supported: "
                                     f"{', '.join(SUPPORTED_SUFFIXES)}")
    return suffix


def extract_bytes(data: bytes, filename: str, limits: Limits = Limits()) -> ExtractedDocument:
    """The text of a file's content; its type comes from the name's suffix, checked against the bytes."""
    src = Path(filename).name or filename
    suffix = _suffix(filename)
    if len(data) > limits.max_file_bytes:
        raise FileTooLargeError(f"{src} has {len(data):,} bytes; the limit is {limits.max_file_bytes:,}")
    run = _Run(limits, time.monotonic() + limits.max_seconds)
    fmt = _EXTRACTORS[suffix][0]
    parts = _dispatch(data, src, suffix, run)
    if not parts:
        error = EmptyTextError if fmt == "text" else NoExtractableTextError
        raise error(f"{src}: no text in the file")
    return ExtractedDocument(filename, fmt, tuple(parts), tuple(run.warnings))


def extract_file(path: Path | str, limits: Limits = Limits()) -> ExtractedDocument:
    """Like extract_bytes, but a file over the size limit is refused from stat(), before reading."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InvalidInputError(f"{path} is a folder, not a file")
        _suffix(path.name)
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise FileTooLargeError(f"{path.name} has {size:,} bytes; the limit is "
                                    f"{limits.max_file_bytes:,}")
        with path.open("rb") as f:
            data = f.read(limits.max_file_bytes + 1)  # it may have grown since stat()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return extract_bytes(data, str(path), limits)


def expand_paths(paths: Iterable[Path | str], include: Sequence[str] = (),
                 exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Files as given; the files inside folders, recursively, sorted, lazily, hidden ones skipped.

    include/exclude are glob patterns tried on the path relative to the folder and on the name.
    Files of unknown type are yielded too: extraction reports them rather than skip them silently.
    """
    def matches(rel: str, name: str, patterns: Sequence[str]) -> bool:
        return any(fnmatch(rel, p) or fnmatch(name, p) for p in patterns)

    def walk(root: Path, folder: Path) -> Iterator[Path]:
        try:
            entries = sorted(folder.iterdir(), key=lambda e: e.name)
        except OSError:
            yield folder  # extraction reports it as unreadable
            return
        for entry in entries:
            rel = entry.relative_to(root).as_posix()
            if entry.name.startswith(".") or matches(rel, entry.name, exclude):
                continue
            if entry.is_dir():
                if not entry.is_symlink():  # a link back up would never end
                    yield from walk(root, entry)
            elif entry.is_file() and (not include or matches(rel, entry.name, include)):
                yield entry

    for p in map(Path, paths):
        yield from walk(p, p) if p.is_dir() else [p]


def read_text_file(path: Path, max_bytes: int = 25 * MiB) -> str:
    """Kept for callers that want only the text; extract_file also says where each part came from."""
    return extract_file(path, Limits(max_file_bytes=max_bytes)).text
