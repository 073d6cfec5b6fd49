"""Files, folders and zip archives -> (name, bytes, error) triples, one document at a time.

Defensive by design: sizes are checked from zip headers *and* while reading (headers can lie),
member names that would escape a folder are refused, and nested zips are reported rather than
expanded beyond Limits.max_zip_depth.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath

from archive.ingest.types import Limits

DEFAULT_LIMITS = Limits()
Document = tuple[str, bytes | None, str]
_CHUNK = 64 * 1024
_JSONL_NAME = re.compile(r"\.(jsonl|ndjson)(\.gz)?$", re.IGNORECASE)
_ZIP_MAGIC = b"PK\x03\x04"
NESTED_ZIP = "zip inside a zip: not expanded (nested archives are refused)"
SYMLINK = "symbolic link in zip: skipped (it points to a file, it is not one)"


def iter_documents(
    paths: Iterable[str | os.PathLike], *, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Document]:
    """Expand files, folders (recursively, sorted, hidden skipped) and .zip archives.

    Yields (name, data, error): data is None and error says why for anything unreadable.
    One document is in memory at a time.
    """
    for raw_path in paths:
        path = Path(raw_path)
        name = os.fspath(raw_path)
        if path.is_dir():
            yield from _walk(path, limits)
        elif path.is_file():
            yield from _from_file(path, name, limits)
        else:
            yield name, None, "no such file or folder"


def _walk(folder: Path, limits: Limits) -> Iterator[Document]:
    """Every non-hidden file under folder, sorted, named relative to folder's parent."""
    base = folder.parent
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            if filename.startswith("."):
                continue
            path = Path(root) / filename
            yield from _from_file(path, str(path.relative_to(base)), limits)


def _from_file(path: Path, name: str, limits: Limits) -> Iterator[Document]:
    """One file: a zip is expanded, anything else read whole (within its size limit)."""
    try:
        from archive.ingest.warc import path_documents, web_archive_kind

        with path.open("rb") as fh:
            head = fh.read(8)
        if web_archive_kind(name, head):
            yield from path_documents(path, name, limits)
            return
        if _is_zip(path):
            with zipfile.ZipFile(path) as archive:
                yield from _zip_members(archive, name, limits, depth=1)
            return
        cap = size_limit(name, limits)
        size = path.stat().st_size
        if size > cap:
            yield name, None, too_big(cap)
            return
        with path.open("rb") as fh:
            yield name, fh.read(cap + 1), ""
    except zipfile.BadZipFile as exc:
        yield name, None, f"broken zip file: {exc}"
    except OSError as exc:
        yield name, None, f"cannot read file: {exc.strerror or exc}"


def _is_zip(path: Path) -> bool:
    if path.suffix.lower() == ".zip":
        return True
    with path.open("rb") as fh:
        return fh.read(4) == _ZIP_MAGIC


def size_limit(name: str, limits: Limits) -> int:
    """The byte limit for a document with this name (JSON lines are collections)."""
    return limits.max_jsonl_bytes if _JSONL_NAME.search(name) else limits.max_file_bytes


def too_big(limit: int) -> str:
    """The error message for a document over its size limit."""
    return f"file too large: over the {_human(limit)} limit"


def _human(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return (
                f"{size} bytes"
                if unit == "bytes"
                else f"{size:.1f}".removesuffix(".0") + f" {unit}"
            )
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


def zip_documents(data: bytes, name: str, limits: Limits) -> Iterator[Document]:
    """The documents inside an in-memory zip (an admin upload)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            yield from _zip_members(archive, name, limits, depth=1)
    except zipfile.BadZipFile as exc:
        yield name, None, f"broken zip file: {exc}"


def _zip_members(
    archive: zipfile.ZipFile, name: str, limits: Limits, *, depth: int
) -> Iterator[Document]:
    members = sorted((i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename)
    total = 0
    for count, info in enumerate(members, 1):
        member_name = f"{name}/{info.filename}"
        if count > limits.max_zip_members:
            left = len(members) - limits.max_zip_members
            yield name, None, f"zip has more than {limits.max_zip_members} files; {left} skipped"
            return
        problem = _unsafe_name(info.filename)
        if problem:
            yield member_name, None, problem
            continue
        if _hidden(info.filename):
            continue
        if _is_symlink(info):  # its "contents" are the link's target path, not a document
            yield member_name, None, SYMLINK
            continue
        total += info.file_size
        if total > limits.max_zip_total_bytes:
            limit = _human(limits.max_zip_total_bytes)
            yield member_name, None, f"zip too large: over the {limit} limit uncompressed"
            return
        if info.filename.lower().endswith(".zip") and depth >= limits.max_zip_depth:
            yield member_name, None, NESTED_ZIP
            continue
        if _is_web_archive(info.filename):
            yield from _warc_member(archive, info, member_name, limits)
            continue
        data, error = _read_member(archive, info, size_limit(info.filename, limits))
        if data is not None:
            total += max(0, len(data) - info.file_size)  # headers can understate sizes
            if data.startswith(_ZIP_MAGIC):
                if depth >= limits.max_zip_depth:
                    yield member_name, None, NESTED_ZIP
                else:
                    yield from zip_documents(data, member_name, _deeper(limits))
                continue
        yield member_name, data, error


def _is_web_archive(filename: str) -> bool:
    from archive.ingest.warc import web_archive_kind

    return web_archive_kind(filename) == "warc"


def _warc_member(archive, info, member_name: str, limits: Limits) -> Iterator[Document]:
    """A .warc or .warc.gz in a zip: its pages streamed from the member, as from a file."""
    from archive.ingest.warc import capped_member, stream_documents

    yield from stream_documents(capped_member(archive, info), member_name, limits)


def _deeper(limits: Limits) -> Limits:
    return replace(limits, max_zip_depth=limits.max_zip_depth - 1)


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int
) -> tuple[bytes | None, str]:
    """Read one member, at most cap bytes: declared size first, then counted while reading."""
    if info.file_size > cap:
        return None, too_big(cap) + " (uncompressed)"
    chunks: list[bytes] = []
    read = 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                read += len(chunk)
                if read > cap:
                    return None, too_big(cap) + " (uncompressed; its header understated the size)"
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        return None, f"cannot read from zip: {exc}"
    except (RuntimeError, NotImplementedError) as exc:  # encrypted; unknown compression
        return None, f"cannot read from zip: {exc}"
    return b"".join(chunks), ""


def _unsafe_name(filename: str) -> str:
    """An error when a member name could write outside a folder (../x, /etc/x, C:\\x)."""
    normalized = filename.replace("\\", "/")
    parts = PurePosixPath(normalized).parts
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized) or ".." in parts:
        return f"unsafe path in zip refused: {filename}"
    return ""


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # Unix zips keep the file mode in the high 16 bits of external_attr.
    return stat.S_ISLNK(info.external_attr >> 16)


def _hidden(filename: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in filename.split("/"))
