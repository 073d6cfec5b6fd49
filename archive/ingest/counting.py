"""How many documents an import will go through, counted ahead cheaply, for its progress.

A file is one document, a zip member one, a JSON-lines file one per non-blank line (its
bytes are read once, in chunks; a .jsonl.gz is counted as it decompresses, within the
JSON-lines cap); a web archive none (its pages are not counted ahead). An estimate only:
a document that fails to parse still counts one.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from archive.ingest.files import _JSONL_NAME, DEFAULT_LIMITS, _is_zip
from archive.ingest.types import Limits

_CHUNK = 1024 * 1024


def count_documents(paths: Iterable[str | os.PathLike], *, limits: Limits = DEFAULT_LIMITS) -> int:
    """About how many documents iter_documents(paths) and parsing will give."""
    total = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                total += sum(_count_file(Path(root) / f, limits) for f in files if f[0] != ".")
        elif path.is_file():
            total += _count_file(path, limits)
        else:
            total += 1  # reported as missing: one line
    return total


def _count_file(path: Path, limits: Limits) -> int:
    from archive.ingest.warc import web_archive_kind

    try:
        with path.open("rb") as fh:
            head = fh.read(8)
        if web_archive_kind(path.name, head):
            return 0  # its records are not counted ahead (that would read it twice): no total
        if _is_zip(path):
            with zipfile.ZipFile(path) as archive:
                members = sum(1 for i in archive.infolist() if not i.is_dir())
            return min(members, limits.max_zip_members + 1)
        if _JSONL_NAME.search(path.name):
            return max(_count_lines(path, limits), 1)
    except (OSError, zipfile.BadZipFile, zlib.error):
        pass  # the import itself reports the file as failed: one document
    return 1


def _count_lines(path: Path, limits: Limits) -> int:
    """Line ends, plus a last line without one; blank lines count too (an estimate)."""
    lines = read = 0
    last = b"\n"
    for chunk in _chunks(path):
        read += len(chunk)
        if read > limits.max_jsonl_bytes:
            return 1  # refused whole by the import
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    return lines + (last != b"\n")


def _chunks(path: Path):
    """The file's bytes in chunks, gunzipped when gzip, never more than a chunk at once."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        if head != b"\x1f\x8b":
            while chunk := fh.read(_CHUNK):
                yield chunk
            return
        gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while data := fh.read(_CHUNK):
            while data:
                out = gunzip.decompress(data, _CHUNK)
                if out:
                    yield out
                data = gunzip.unconsumed_tail
