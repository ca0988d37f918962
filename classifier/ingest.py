"""Reading documents from disk: which files to take and how to decode them.

Bounded: a file larger than the limit is refused before it is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from classifier.errors import InvalidInputError

TEXT_SUFFIXES = (".txt", ".md")
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252: what text files here use."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InvalidInputError(f"{path} has {size:,} bytes; the limit is {max_bytes:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInputError(f"{path} looks like a binary file, not text")
    return decode_bytes(data)


def expand_paths(paths: Iterable[Path | str], suffixes: tuple[str, ...] = TEXT_SUFFIXES) -> Iterator[Path]:
    """Files as given, and the text files inside folders (recursively, in sorted order)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            yield p
