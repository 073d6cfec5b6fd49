"""Bytes -> text: encoding detection and the checks that refuse non-text input."""

from __future__ import annotations

import codecs

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
        raise IngestError("binary file, not text")
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _check_text(_guess(data))


def _guess(data: bytes) -> str:
    """Decode bytes that are not UTF-8: charset-normalizer first, cp1252/Latin-1 after."""
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _check_text(text: str) -> str:
    """Refuse decoded text that is mostly control characters (binary that slipped through)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError("empty file")
    sample = text[:10_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(sample) // 20):
        raise IngestError("binary file, not text")
    return text
