"""Blocks + what the container knew -> ParsedArticle: the cleaning pipeline every format shares.

Order matters: metadata lines are read (and removed) while each is still its own line; then
boilerplate goes; then paragraphs broken mid-sentence are rejoined; then teasers for related
articles are dropped; the title is derived only when nothing better exists.
"""

from __future__ import annotations

import datetime as dt
import re

from archive.ingest import metadata
from archive.ingest.blocks import Block, normalize_ws, render_blocks, word_count
from archive.ingest.boilerplate import strip_boilerplate
from archive.ingest.names import merge_authors
from archive.ingest.types import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_AUTHORS,
    MAX_TAGS,
    Hints,
    IngestError,
    ParsedArticle,
    RemovedLine,
)

_CONTINUES = re.compile(
    r"(,|\b(and|or|but|nor|of|the|a|an|to|in|on|at|by|with|for|from|that|which|who|as|its|"
    r"their|his|her|und|oder|der|die|das|mit|von|zu))$",
    re.IGNORECASE,
)
_STARTS_LOWER = re.compile(r"^[\"'“‘„«(\[]?[a-zà-ÿ]")
_LEAD_PLACE = re.compile(r"^[A-Z][\w .,'’-]{1,60}?\s+[–—-]\s+(?=[A-Z])")  # "Brussels, Belgium – "
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])")
_URL_ONLY = re.compile(r"https?://\S+")
_ABBREVIATION_END = re.compile(r"(\b[A-Z]\.|\b(Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Col|No|Gov|Sen)\.)$")
TEASER_MAX_WORDS = 16
LANGUAGE_SAMPLE = 1000  # characters of the body the language is told from
# "Headline - Source", "INTERACTIVE- chart", "Who: what they said"
_HEADLINE_ATTRIBUTION = re.compile(r"\S\s*[-–—]\s+\S|^[^:]{3,60}:\s+\S")
_MEDIA_LABEL = re.compile(
    r"\b(map|chart|graphic|infographic|video|gallery|photos?|live blog|interactive)$"
    r"|^(interactive|watch|video|live|photos?|gallery|in pictures|read|listen)\b",
    re.IGNORECASE,
)


def build_article(
    blocks: list[Block], *, hints: Hints, source: str, raw: bytes, name: str, fmt: str
) -> ParsedArticle:
    """Clean the blocks of one document and assemble its ParsedArticle.

    Raises IngestError when nothing of the article is left (e.g. a page of navigation only).
    """
    removed = list(hints.removed)
    blocks = _drop_alt_text(blocks, removed)
    meta = metadata.extract(blocks, known_date=hints.published, scrape=hints.drop_teasers)
    if hints.title:
        meta.consumed = _without_title_unless_repeated(meta, hints.title, blocks)
    if hints.drop_teasers:  # a scrape: its furniture is still in the text
        _mark_navigation(blocks, meta)
    blocks = _apply_consumed(blocks, meta, removed)
    blocks, dropped = strip_boilerplate(blocks)
    removed.extend(dropped)
    blocks = rejoin(blocks)
    if hints.drop_teasers:
        blocks = _drop_teasers(blocks, removed)
        blocks = _drop_comments(blocks, removed)
    standfirst, blocks = _standfirst(blocks, removed)
    if not any(b.text for b in blocks):
        raise IngestError("no article text found")
    title, derived = hints.title or meta.title, False
    if not title:
        title, derived = derive_title(blocks), True
    body_text = " ".join(b.text for b in blocks if b.kind != "title")
    warnings: list[str] = []
    authors = merge_authors(hints.authors, meta.authors) if hints.authors else meta.authors
    return ParsedArticle(
        title=title,
        title_derived=derived,
        body_html=render_blocks(blocks),
        standfirst=hints.standfirst or standfirst,
        authors=_bounded(authors, MAX_AUTHORS, "authors", warnings),
        organisations=list(dict.fromkeys(hints.organisations + meta.organisations)),
        published=_in_range(hints.published or meta.published, warnings),
        source=source or hints.source or meta.source or _agency(removed),
        original_source=meta.original_source,
        original_url=hints.original_url,
        tags=_bounded(_merge_tags(hints.tags, meta.tags), MAX_TAGS, "tags", warnings),
        language=hints.language or detect_language(body_text),
        removed=removed,
        raw=raw,
        raw_name=name,
        raw_format=fmt,
        extra=hints.extra,
        warnings=warnings,
    )


_AGENCIES = {"reuter": "Reuters", "reuters": "Reuters", "ap": "AP", "afp": "AFP", "dpa": "dpa",
             "upi": "UPI"}  # fmt: skip


def _agency(removed: list[RemovedLine]) -> str:
    """A wire story signed off 'Reuter' names its publisher."""
    for line in removed:
        if line.rule == "agency-signoff":
            return _AGENCIES.get(line.text.lower().strip(" ."), "")
    return ""


def _drop_alt_text(blocks: list[Block], removed: list[RemovedLine]) -> list[Block]:
    for block in blocks:
        if block.kind == "alt":
            removed.append(
                RemovedLine(block.text, "image-alt-text", "image alt text over a caption")
            )
    return [b for b in blocks if b.kind != "alt"]


def _without_title_unless_repeated(meta: metadata.Meta, title: str, blocks: list[Block]) -> dict:
    """With a title from the container, a first line is only removed if it repeats that title."""
    consumed = dict(meta.consumed)
    for index, (rule, _reason) in list(consumed.items()):
        if rule == "metadata:title" and normalize_ws(blocks[index].text) != normalize_ws(title):
            del consumed[index]
    return consumed


def _mark_navigation(blocks: list[Block], meta: metadata.Meta) -> None:
    """A scrape's menus and link lists: above the title every short line that is not a
    sentence (the title is where the article starts), and anywhere a block that is mostly
    links (metadata.is_navigation). Long paragraphs always stay."""
    for index, block in enumerate(blocks):
        if index in meta.consumed:
            continue
        if not block.text:  # an empty list item ("-" alone on a line)
            meta.consumed[index] = ("separator", "separator line")
            continue
        above = index < meta.title_index and word_count(block.text) < metadata.BODY_WORDS
        if above and not metadata.ends_sentence(block.text):
            meta.consumed[index] = ("navigation-above-title", "site navigation above the title")
        elif metadata.is_navigation(block):
            meta.consumed[index] = ("navigation", "navigation or a list of links")


def _apply_consumed(blocks: list[Block], meta: metadata.Meta, removed: list) -> list[Block]:
    """Remove the metadata lines; mark paragraphs standing among them as the lead."""
    kept = []
    for index, block in enumerate(blocks):
        if index in meta.consumed:
            rule, reason = meta.consumed[index]
            removed.append(RemovedLine(block.text, rule, reason))
            continue
        if index < meta.lead_before and block.kind == "p" and word_count(block.text) >= 8:
            block.lead = True
        kept.append(block)
    return kept


def rejoin(blocks: list[Block]) -> list[Block]:
    """Join paragraphs a scraper broke mid-sentence ('...with the US and' / 'NATO to the')."""
    # Runs of joined pieces are kept as lists and joined once: joining as they came was
    # quadratic on a page of a million one-word paragraphs.
    runs: list[list[Block]] = []
    words = 0  # in the last run
    for block in blocks:
        if runs and _broken_between(runs[-1][-1], block, words):
            runs[-1].append(block)
            words += word_count(block.text)
        else:
            runs.append([block])
            words = word_count(block.text)
    return [run[0] if len(run) == 1 else _joined(run) for run in runs]


def _joined(run: list[Block]) -> Block:
    return Block(
        "p",
        " ".join(b.html for b in run),
        " ".join(b.text for b in run),
        lead=all(b.lead for b in run),
    )


def _broken_between(prev: Block, block: Block, run_words: int) -> bool:
    """Whether `block` continues the sentence that `prev`, the last piece of a run of
    `run_words` words, left open."""
    if prev.kind != "p" or block.kind != "p" or not prev.text or not block.text:
        return False
    if metadata.ends_sentence(prev.text):
        return False
    if _STARTS_LOWER.match(block.text):
        return True
    # A short line ending in "and" or a comma may be a label; only longer text clearly continues.
    return run_words >= 4 and _CONTINUES.search(prev.text[-12:]) is not None


def _drop_teasers(blocks: list[Block], removed: list[RemovedLine]) -> list[Block]:
    """Short unpunctuated lines between body paragraphs are links to other articles or image
    labels that lost their image ('Ukraine map'); they are removed, and recorded."""
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        between = 0 < i < len(blocks) - 1
        if (
            between
            and block.kind == "p"
            and word_count(block.text) <= TEASER_MAX_WORDS
            and not metadata.ends_sentence(block.text)
            and not _URL_ONLY.fullmatch(block.text)  # embedded tweets and videos stay, as links
            and looks_like_teaser(block.text)
            and _is_body_paragraph(blocks[i - 1])
            and _is_body_paragraph(blocks[i + 1])
        ):
            removed.append(
                RemovedLine(
                    block.text,
                    "related-article-teaser",
                    "related-article teaser or "
                    "image label: a short line without sentence punctuation mid-body",
                )
            )
            continue
        kept.append(block)
    return kept


# The head of a page's comments: "34 responses to “…”", "6 Kommentare zu …", "Leave a Reply",
# "Schreibe einen Kommentar"; and a comment's own first line, "joetoronto says:".
COMMENTS_HEADING = re.compile(
    r"^(?:\d+\s+(?:comments?|responses?|replies|reactions?|kommentare?|antworten|reaktionen|"
    r"commentaires?|réponses?|comentarios?|respuestas?|commenti|risposte|reacties|komentarz[ey]?)"
    # "34 responses to “…”", "6 Kommentare zu „…“": the post's title quoted; "12 Antworten zu
    # Ihren Fragen" is a heading of the text
    r"(?:\s+(?:to|on|for|zu|auf|sur|à|a|su|para|op|na)\s+[„“\"«‘'].{0,120})?"
    r"|(?:comments?|kommentare|commentaires|comentarios|commenti|reacties)\s*(?:\(\d+\))?"
    r"|(?:leave|post|add|write) a (?:reply|comment)\b.{0,40}|(?:schreibe|schreiben sie) einen "
    r"kommentar\b.{0,40}|kommentar (?:schreiben|hinterlassen|verfassen)|"
    r"(?:laisser|laissez) un commentaire\b.{0,40}|deja un comentario\b.{0,40}|"
    r"lascia un commento\b.{0,40}|join the (?:conversation|discussion))\s*:?$",
    re.IGNORECASE,
)
# A comment's first line: the commenter's name alone before "says:", or numbered after the
# previous comment ("… dumpster fire. 2. joetoronto says:"). Never a sentence's "the minister
# said:" before a quotation: an interview's text must not be cut as comments.
_SAYS = re.compile(
    r"(?:^|\s\d{1,4}\.\s)\S{1,40}\s(?:says|sagt|schreibt|dit|dice|scrive|schreef|skriver)\s?:$",
    re.IGNORECASE,
)
COMMENTS_BODY_WORDS = 150  # the article's own text before a comments section can begin
COMMENT_LINES = 2  # "X says:" lines this close together: comments, heading or none


def _drop_comments(blocks: list[Block], removed: list[RemovedLine]) -> list[Block]:
    """A scrape's comments, from their heading (or the first of two 'X says:' lines) to the
    end, once the article's text has been given; removed and recorded, never lost."""
    words = 0
    for i, block in enumerate(blocks):
        heading = word_count(block.text) <= 16 and COMMENTS_HEADING.match(block.text)
        if words >= COMMENTS_BODY_WORDS and (
            heading
            or _SAYS.search(block.text)
            and any(_SAYS.search(b.text) for b in blocks[i + 1 : i + 1 + 4 * COMMENT_LINES])
        ):
            for gone in blocks[i:]:
                removed.append(
                    RemovedLine(gone.text, "comments", "readers' comments below the article")
                )
            return blocks[:i]
        if block.kind in ("p", "blockquote"):
            words += word_count(block.text)
    return blocks


def looks_like_teaser(text: str) -> bool:
    """A headline of another article ('X - Lavrov', 'Minister: Will not ...'), an unbalanced
    quote cut off by the scraper, or a label of a lost map, chart or video. A plain short line
    ('A sad day for music', a list of names) is kept: it may be the article's own cross-heading.
    """
    return bool(
        _HEADLINE_ATTRIBUTION.search(text)
        or _MEDIA_LABEL.search(text)
        or (text.count('"') % 2 == 1)
        or (text.count("“") != text.count("”"))
    )


def _is_body_paragraph(block: Block) -> bool:
    return block.kind in ("p", "blockquote", "figure") and word_count(block.text) > TEASER_MAX_WORDS


def _standfirst(blocks: list[Block], removed: list[RemovedLine]) -> tuple[str, list[Block]]:
    """The marked lead: paragraphs among the header lines, or an all-italic first paragraph.

    A lead that the first body paragraph merely repeats (a listing's excerpt) leaves the body
    and is kept as the standfirst only.
    """
    lead = [b for b in blocks[:3] if b.lead]
    if not lead:
        first = next((b for b in blocks[:3] if b.kind == "p"), None)
        italic = (
            first is not None and first.html.startswith("<em>") and first.html.endswith("</em>")
        )
        if italic and word_count(first.text) >= 15:
            lead = [first]
    if not lead:
        return "", blocks
    text = " ".join(b.text for b in lead)
    after = [b for b in blocks if b not in lead]
    if after and _near_duplicate(text, after[0].text):
        for b in lead:
            removed.append(
                RemovedLine(b.text, "repeated-excerpt", "excerpt repeated in the article")
            )
        return text, after
    return text, blocks


def _near_duplicate(a: str, b: str) -> bool:
    words_a, words_b = set(a.lower().split()), set(b.lower().split())
    if not words_a or not words_b:
        return False
    return len(words_a & words_b) / len(words_a) >= 0.85 and len(b) >= 0.8 * len(a)


def _merge_tags(first: list[tuple[str, str]], second: list[tuple[str, str]]) -> list:
    return list(dict.fromkeys(first + second))  # in order, each once


def _bounded(items: list, most: int, what: str, warnings: list[str]) -> list:
    """The first `most` items; a warning says how many more the document named."""
    if len(items) > most:
        warnings.append(f"{len(items) - most} more {what} than the {most} kept")
    return items[:most]


def _in_range(published, warnings: list[str]):
    """A date the archive can show, or None (with a warning): "0001-01-01", a zero date of
    some exports, or a year 9999 placeholder is no publication date."""
    if published is None:
        return None
    day = published.date() if isinstance(published, dt.datetime) else published
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return published
    warnings.append(
        f"date {day.isoformat()} is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}: not kept"
    )
    return None


def derive_title(blocks: list[Block]) -> str:
    """A readable title from the lead: its first sentence, cut at a clause or word boundary."""
    lead = next((b.text for b in blocks if b.kind in ("p", "blockquote") and b.text), "")
    if not lead:
        lead = next((b.text for b in blocks if b.text), "")
    lead = _LEAD_PLACE.sub("", lead, count=1)
    sentence = ""
    for piece in _SENTENCE_END.split(lead):  # "U.K. officials said ..." is not two sentences
        sentence = f"{sentence} {piece}".strip()
        if not _ABBREVIATION_END.search(sentence):
            break
    if len(sentence) > 100:
        cut = sentence.rfind(", ", 0, 100)
        if cut < 40:
            cut = sentence.rfind(" ", 0, 90)
        sentence = sentence[: cut if cut > 0 else 90]
    sentence = sentence.rstrip(" ,;:–—-\"“”'‘’(").rstrip(".")
    if sentence.count("“") > sentence.count("”"):
        sentence += "”"
    return sentence or "Untitled"


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, '' when there is too little text to tell."""
    if len(text) < 20:
        return ""
    import py3langid  # loads its model on first use; keep import cost off non-text paths

    # A thousand characters tell the language as well as five thousand, at a fifth of the cost
    # (py3langid's features are linear in the text: it was a third of a scrape's parse time).
    lang, _score = py3langid.classify(text[:LANGUAGE_SAMPLE])
    return str(lang)
