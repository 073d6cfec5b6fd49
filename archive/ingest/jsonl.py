"""JSON lines: one article per line, mapped from common key names (ours, Reuters-21578's).

Each line is parsed on its own; a malformed line becomes an error Outcome naming its line
number and the other lines still import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from archive.ingest.clean import Hints
from archive.ingest.dates import parse_loose
from archive.ingest.metadata import BYLINE
from archive.ingest.names import clean_author, split_names
from archive.ingest.types import TAG_KINDS, RemovedLine

# our key -> accepted spellings, first found wins
KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "body": ("body", "text", "content", "article"),
    "body_format": ("body_format", "format"),
    "url": ("url", "link", "original_url"),
    "published": ("published", "date", "published_at", "pubdate", "datetime"),
    "source": ("source", "publisher", "sitename"),
    "authors": ("authors", "author", "byline"),
    "tags": ("tags", "keywords"),
    "language": ("language", "lang"),
}
# Reuters-21578 label lists -> tag kinds
LABEL_KEYS = {
    "topics": "keyword",
    "places": "region",
    "people": "keyword",
    "orgs": "keyword",
    "exchanges": "keyword",
    "companies": "keyword",
}
_SIGNOFF = re.compile(r"(?<=\s)(?P<agency>Reuters?|REUTERS?)\s*$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LANGUAGE = re.compile(r"([a-z]{2})(?:[-_][a-z0-9]{1,8})*")
_HTML_START = re.compile(
    r"^\s*<(p|div|h[1-6]|article|section|ul|ol|blockquote|figure|table|span|br)\b", re.I
)


def iter_lines(text: str, start: int = 1) -> list[tuple[int, str]]:
    """(line number, line) for every non-blank line; the first line is number `start`."""
    return [(n, line) for n, line in enumerate(text.split("\n"), start) if line.strip()]


def load_record(line: str) -> dict:
    """One line -> its JSON object; ValueError with a readable message otherwise. A lone
    surrogate ("\\ud800", valid JSON but no text) in any string becomes U+FFFD."""
    try:
        record = _without_surrogates(json.loads(line))
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise ValueError(f"not a JSON object but {type(record).__name__}")
    return record


def _without_surrogates(value):
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def record_hints(record: dict) -> tuple[str, str, Hints]:
    """A record -> (body, body_format, Hints) for the cleaning pipeline."""
    used: set[str] = set()
    get: Callable[[str], object] = lambda key: _first(record, KEYS[key], used)  # noqa: E731
    body = _text(get("body"))
    body_format = _text(get("body_format")).lower() or _guess_format(body)
    if body_format not in ("html", "text", "markdown"):
        body_format = "text"
    hints = Hints(
        title=" ".join(_text(get("title")).split()),
        authors=_authors(get("authors")),
        published=parse_loose(get("published")),
        source=_text(get("source")).strip(),
        original_url=_text(get("url")).strip(),
        tags=_tags(get("tags")) + _label_tags(record, used),
        language=_language(get("language")),
        drop_teasers=False,
    )
    hints.extra = {k: v for k, v in record.items() if k not in used}
    if body_format == "text":
        body = _strip_signoff(body, hints)
    return body, body_format, hints


def _strip_signoff(body: str, hints: Hints) -> str:
    """Wire copy ends with the agency's name ('... per shr. Reuter'): a sign-off, not text."""
    match = _SIGNOFF.search(body)
    if match is None:
        return body
    hints.removed.append(RemovedLine(match["agency"], "agency-signoff", "news agency sign-off"))
    return body[: match.start()]


def _first(record: dict, keys: tuple[str, ...], used: set[str]) -> object:
    for key in keys:
        if key in record:
            used.add(key)
            if record[key] not in (None, "", []):
                return record[key]
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _language(value: object) -> str:
    """An ISO 639-1 code ("en", from "en", "EN" or "en-GB"), or "" (then it is detected)."""
    match = _LANGUAGE.fullmatch(_text(value).strip().lower())
    return match[1] if match else ""


def _guess_format(body: str) -> str:
    """Spec default is text; a body that plainly starts with block HTML is read as HTML."""
    return "html" if _HTML_START.match(body) else "text"


def _authors(value: object) -> list[str]:
    names = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    authors: list[str] = []
    for raw in names:
        if isinstance(raw, dict):
            raw = raw.get("name", "")
        if not isinstance(raw, str):
            continue
        byline = BYLINE.match(raw.strip())
        for part in split_names(byline["names"] if byline else raw):
            name = clean_author(part)
            if name:
                authors.append(name)
    return list(dict.fromkeys(authors))


def _tags(value: object) -> list[tuple[str, str]]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    tags: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            kind, name = str(item.get("kind") or "keyword"), _text(item.get("name")).strip()
            kind = kind if kind in TAG_KINDS else "keyword"
        else:
            kind, name = "keyword", _text(item).strip()
        if name:
            tags.append((kind, name))
    return list(dict.fromkeys(tags))


def _label_tags(record: dict, used: set[str]) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = []
    for key, kind in LABEL_KEYS.items():
        values = record.get(key)
        if isinstance(values, list):
            used.add(key)
            tags.extend((kind, str(v)) for v in values if str(v).strip())
    return tags
