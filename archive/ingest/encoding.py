"""Bytes -> text: encoding detection and the checks that refuse non-text input."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from archive.ingest.types import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    """Decode one document's bytes to text, or raise IngestError with a message for the user.

    Order: a byte-order mark wins; then strict UTF-8 (by far the most common, and cheap to
    verify); then charset-normalizer's best guess, with cp1252 as the last resort because
    every byte sequence is valid Latin-1 and Western scrapes are the usual culprit.
    """
    if not data or not data.strip():
        raise IngestError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise IngestError(f"cannot decode as {encoding}: {exc.reason}")
    if b"\x00" in data:
        # Binary formats have NULs in their header, UTF-16 in every other byte; a web page
        # may carry a few stray ones deep inside (lostiempos.com: 22 in 194 KB), which go.
        if b"\x00" in data[:BINARY_HEAD] or data.count(b"\x00") > len(data) // 1000:
            raise IngestError("binary file, not text")
        data = data.replace(b"\x00", b"")
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _check_text(_decode_lines(data) or _guess(data))


BINARY_HEAD = 1024  # bytes: a NUL among them is a binary file's header


def _decode_lines(data: bytes) -> str | None:
    """A UTF-8 document with a few stray bytes (a JSON-lines export with one Latin-1 line):
    each line that is UTF-8 read as UTF-8, the others guessed together. None when no line
    shows UTF-8 (no valid multi-byte sequence): then the document is in another encoding.

    Guessing one encoding for the whole file from one bad byte made every other line
    mojibake ("CafÃ© ZÃ¼rich")."""
    lines: list[str | None] = []
    bad: list[bytes] = []
    utf8_seen = False
    for line in data.split(b"\n"):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            lines.append(None)
            bad.append(line)
            continue
        utf8_seen = utf8_seen or not text.isascii()
        lines.append(text)
    if not utf8_seen:
        return None
    guessed = iter(_guess(b"\n".join(bad)).split("\n"))
    return "\n".join(line if line is not None else next(guessed, "") for line in lines)


# Scripts written only in multi-byte encodings. A guess of such an encoding must show many of
# their characters: a Latin-1 page whose one "£" charset-normalizer read as Shift-JIS came out
# with a half-width katakana "｣" in it.
_MULTIBYTE_SCRIPTS = ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF), (0xFF61, 0xFF9F))
_MULTIBYTE_MIN_SHARE = 0.3  # of the text's non-ASCII characters


def _guess(data: bytes) -> str:
    """Decode bytes that are not UTF-8: charset-normalizer first, cp1252/Latin-1 after.

    A guessed multi-byte (CJK) encoding is taken only when the text it gives is plausibly
    CJK: mostly-ASCII Western text must never decode to CJK."""
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            text = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None and _plausible(text):
            return text
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _plausible(text: str) -> bool:
    foreign = [ord(ch) for ch in text[:100_000] if ord(ch) > 127]
    if not foreign:
        return True
    cjk = sum(1 for o in foreign if any(lo <= o <= hi for lo, hi in _MULTIBYTE_SCRIPTS))
    if not cjk:
        return True
    return cjk >= 8 and cjk / len(foreign) >= _MULTIBYTE_MIN_SHARE


# Control characters other than \t \n \v \f \r (one regular expression: a Python loop
# over the characters took 0.3 ms of a page's parse).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _check_text(text: str) -> str:
    """Refuse decoded text that is mostly control characters (binary that slipped through)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError("empty file")
    sample = text[:10_000]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(8, len(sample) // 20):
        raise IngestError("binary file, not text")
    return text
