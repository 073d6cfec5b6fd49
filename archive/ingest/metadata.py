"""What a scraped text says about itself: title, byline, dateline, publisher, tags.

Everything here reads the *head* of the text (the first few blocks) except the lines that are
unambiguous wherever they stand ("Region: ...", "Articles by: ...", "The original source of
this article is ..."). Every line used is reported back as consumed, so the cleaner removes it
from the body and records why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from archive.ingest.blocks import Block, word_count
from archive.ingest.dates import find_dateline
from archive.ingest.names import clean_author, merge_authors, split_names
from archive.ingest.types import Metadata

HEAD_BLOCKS = 10  # how far from the top bylines and datelines are looked for

BYLINE = re.compile(
    r"^(?:(?:by|von|written by|posted by|an analysis by|a commentary by|an opinion by|"
    r"analysis by|commentary by|a column by|reporting by|eine analyse von|ein kommentar von)"
    r"(?:\s*:)?\s|(?:text|author|autor|autorin|writer)\s*:)\s*(?P<names>.+)$",
    re.IGNORECASE,
)
_ARTICLES_BY = re.compile(r"^(?:articles|posts|more) by\s*:?\s*(?P<names>.+)$", re.IGNORECASE)
_TAG_LINE = re.compile(
    r"^(?P<label>regions?|themes?|categor(?:y|ies)|tags?|topics?|keywords?|schlagw(?:ö|oe)rter)"
    r"\s*:\s*(?P<values>.+)$",
    re.IGNORECASE,
)
_TAG_KIND = {"region": "region", "theme": "theme", "categor": "category"}
_ORIGINAL_SOURCE = re.compile(
    r"^the original source of this article is\s*:?\s*(?P<name>.+?)\.?$", re.IGNORECASE
)
_OPINION_NOTE = re.compile(r"^(?P<name>.{1,40}?) strives for a wide range of opinions", re.I)
_END_NOTE = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|da|von|van|der|al|bin|le|la|dos|di)){1,4})"
    r"\s+is\s+(?:an?|the)\s+",
)
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$|[\"”’»]$")
_NOT_A_PUBLISHER = re.compile(r"^(admin|staff|editor|guest|home|news|menu)$", re.IGNORECASE)


@dataclass
class Meta(Metadata):
    """Metadata found in the text, and which blocks carried it (index -> (rule, reason))."""

    original_source: str = ""
    consumed: dict[int, tuple[str, str]] = field(default_factory=dict)
    lead_before: int = -1  # blocks before this index (after the title) are a marked lead
    known_date: dt.date | None = None


def extract(blocks: list[Block], *, known_date: dt.date | None = None) -> Meta:
    """Read the metadata lines of a scraped text; see the module docstring.

    known_date: the date the container (JSON, HTML metadata) gave. Then only a dateline with
    that same date is taken as one: other dated lines ("Record March 31, 1987") are content.
    """
    meta = Meta(known_date=known_date)
    _find_title(blocks, meta)
    for index, block in enumerate(blocks):
        if index in meta.consumed or block.kind not in ("p", "title"):
            continue
        in_head = index < HEAD_BLOCKS
        if in_head and _read_head_line(block, meta, index):
            meta.lead_before = max(meta.lead_before, index)
            continue
        _read_anywhere_line(block, meta, index, near_end=index >= len(blocks) - 8)
    _confirm_with_end_notes(blocks, meta)
    return meta


def _find_title(blocks: list[Block], meta: Meta) -> None:
    """The title: a heading near the top, or the first line when it looks like one."""
    for index, block in enumerate(blocks[:3]):
        if block.kind == "title":
            meta.title = block.text
            meta.consumed[index] = ("metadata:title", "used as the title")
            return
    for index, block in enumerate(blocks[:HEAD_BLOCKS]):
        if _is_dateline(block.text) or BYLINE.match(block.text):
            continue
        if looks_like_title(block) and index < len(blocks) - 1:  # a lone line is the article
            meta.title = block.text
            meta.consumed[index] = ("metadata:title", "used as the title")
        return


def looks_like_title(block: Block) -> bool:
    """A short single line, not a sentence with a full stop, not a metadata line."""
    text = block.text
    if block.kind not in ("p", "title", "h2", "h3", "h4") or not text:
        return False
    if word_count(text) > 30 or len(text) > 250 or "\n" in block.html:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    return not (_TAG_LINE.match(text) or _is_dateline(text))


def _read_head_line(block: Block, meta: Meta, index: int) -> bool:
    """Bylines, datelines and the site-name link line; True when the block was one."""
    text = block.text
    found = find_dateline(text)
    if (
        found is not None
        and meta.known_date is not None
        and _day(found[1]) != _day(meta.known_date)
    ):
        found = None
    if found is not None and meta.published is None:
        before, meta.published = found
        if before and not meta.source and not _NOT_A_PUBLISHER.match(before):
            meta.source = before
        meta.consumed[index] = ("metadata:dateline", "publication date line")
        return True
    byline = BYLINE.match(text)
    if byline and word_count(text) <= 14:
        names = [n for n in (clean_author(x) for x in split_names(byline["names"])) if n]
        if names:
            meta.authors = merge_authors(meta.authors, names)
            meta.consumed[index] = ("metadata:byline", "byline")
            return True
    if block.link_only and word_count(text) <= 4 and meta.title != text:
        meta.consumed[index] = ("metadata:site-name", "link to the originating site")
        return True
    return False


def _read_anywhere_line(block: Block, meta: Meta, index: int, *, near_end: bool) -> None:
    """Tag lines, 'Articles by:', 'The original source ...' and opinion-page notes."""
    text = block.text
    if word_count(text) > 60:
        return
    tag_line = _TAG_LINE.match(text)
    if tag_line:
        kind = next(
            (v for k, v in _TAG_KIND.items() if tag_line["label"].lower().startswith(k)), ""
        )
        for name in re.split(r"\s*[,;|]\s*", tag_line["values"]):
            name = name.strip(" .#")
            if name and (kind or "keyword", name) not in meta.tags:
                meta.tags.append((kind or "keyword", name))
        meta.consumed[index] = ("metadata:tags", "tag line")
        if index < HEAD_BLOCKS:
            meta.lead_before = max(meta.lead_before, index)
        return
    by = _ARTICLES_BY.match(text)
    if by:
        names = [n for n in (clean_author(x) for x in split_names(by["names"])) if n]
        meta.authors = merge_authors(meta.authors, names)
        meta.consumed[index] = ("metadata:articles-by", "author index link")
        return
    original = _ORIGINAL_SOURCE.match(text)
    if original:
        meta.original_source = original["name"].strip()
        meta.consumed[index] = ("metadata:original-source", "attribution to the original site")
        return
    opinion = _OPINION_NOTE.match(text)
    if opinion and not meta.source:
        meta.source = opinion["name"].strip()


def _confirm_with_end_notes(blocks: list[Block], meta: Meta) -> None:
    """'Lucas Leiroz is a researcher ...' confirms (and may complete) a byline's author."""
    for block in blocks[-8:]:
        if word_count(block.text) > 80:
            continue
        note = _END_NOTE.match(block.text)
        if note:
            name = clean_author(note["name"])
            # With no byline, only an italic author note (the usual convention) names an author:
            # a plain "X is a ..." sentence near the end may be about someone in the story.
            confirms = any(_same_person(name, a) for a in meta.authors)
            italic_note = block.html.startswith("<em>") and block.html.endswith("</em>")
            if name and (confirms or (not meta.authors and italic_note)):
                meta.authors = merge_authors(meta.authors, [name])


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _same_person(a: str, b: str) -> bool:
    a_words, b_words = a.lower().split(), b.lower().split()
    shorter, longer = sorted((a_words, b_words), key=len)
    return longer[: len(shorter)] == shorter


def _is_dateline(text: str) -> bool:
    return find_dateline(text) is not None


def ends_sentence(text: str) -> bool:
    """True when text ends with sentence punctuation (optionally inside a closing quote)."""
    return _TERMINAL.search(text.rstrip()[-16:]) is not None  # the end is all it reads
