"""Plain-text and markdown scrapes -> Blocks.

Scrapers turn pages into markdown-ish text: dead links "[name](#)", escaped characters
("\\*\\*\\*"), bare URLs of embedded tweets. Markdown goes through markdown-it (raw HTML
disabled, indented code disabled because scrapes indent paragraphs, not code); plain text is
split into paragraphs by blank lines, or by indented first lines (Reuters style).
"""

from __future__ import annotations

import re
from html import escape as html_escape

from markdown_it import MarkdownIt

from archive.ingest.blocks import Block, fragment_text, normalize_ws, text_block
from archive.ingest.dates import PUBLISHED_LABEL, find_dateline

_DEAD_LINK = re.compile(r"\[([^\[\]]*)\]\((?:#[^)\s]*|\s*)\)")
_ONE_LINK = re.compile(r"(?:#{1,6}[ \t]{1,4})?\W{0,3}\[[^\[\]]+\]\([^)]*\)\W{0,3}")
_DOUBLE_ESCAPE = re.compile(r"\\\\(?=[_*#\[\]`])")  # "\\_" -> "\_": scrapers escape twice
_BLANK = re.compile(r"\n[ \t\u00a0]*\n")
_CAPTION = re.compile(r"(©|\(c\)|photo:|foto:|image:|picture:|bild:|credit:)", re.IGNORECASE)
_BARE_URL_BLOCK = re.compile(r"<?(https?://\S+?)>?")
# Every alternative is anchored by a literal and bounded (a link's text by 300 characters,
# its target by 2,000), and it runs on lines cut to MD_LINE: linear in the text.
_MD_SIGNALS = re.compile(
    r"^#{1,6}\s|\[[^\[\]\n]{1,300}\]\([^()\n]{0,2000}\)|^[ \t]*[-*+][ \t]+\S|\*\*\S"
    r"|\\[*_#\[\]]|<https?://|^>\s",
    re.MULTILINE,
)
# "31. Dezember 2019", "1. November 2023" at the start of a line are datelines, not ordered
# lists: markdown would eat the day as a list number. Bounded: one line, a few words. The year
# needs no boundary: WordPress doubles its dates ("22. Dezember 201922. Dezember 2019").
# The same in a list item: "* 25. Juli 2019" would be a list inside the item.
_DAY_DOT_LINE = re.compile(
    r"^(\s{0,3}(?:[-*+][ \t]{1,4}){0,3}\d{1,2})\.(?=[ \t]+[^\W\d_]{3,12}\.?,?[ \t]+\d{4})", re.M
)
LINK_TEXT_CHARS = 300  # a link's text is no longer than this
_LINK_TEXT = re.compile(rf"\[([^\[\]\n]{{0,{LINK_TEXT_CHARS}}})\]\([^()\n]{{0,500}}\)")
# Anything markdown might read as markup; a paragraph without any is plain text.
_MARKUP = re.compile(
    r"[\\`*_\[\]<>#&!|~]|^[ \t]{0,3}(?:[-+*>]|\d{1,9}[.)])(?:[ \t]|$)|^[ \t]{0,3}[=-]+[ \t]*$"
    r"|^[ \t]{4}",
    re.MULTILINE,
)
_NOT_LETTER = re.compile(r"[\W_]+")
MAX_LINKS = 20  # link texts kept per block (for bylines; a menu has many)
MD_SAMPLE = 50_000  # characters of a text read to tell markdown from plain text
MD_LINE = 2_500  # characters of a line looked at
_HEADING_KIND = {"h1": "title", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable(["code", "html_block", "html_inline", "image"])


def looks_like_markdown(text: str) -> bool:
    """True when the text uses markdown syntax (links, headings, emphasis, escapes)."""
    sample = "\n".join(line[:MD_LINE] for line in text[:MD_SAMPLE].split("\n"))
    return _MD_SIGNALS.search(sample) is not None


def split_paragraphs(text: str) -> list[list[str]]:
    """Text -> paragraphs, each a list of its non-empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for chunk in _BLANK.split(text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def read_text(text: str) -> list[Block]:
    """Plain text -> Blocks (paragraphs; captions under images become figures)."""
    blocks: list[Block] = []
    for lines in split_paragraphs(text):
        caption = _split_caption(lines)
        if caption:
            blocks.extend(text_block(line, "alt") for line in caption[0])
            blocks.append(text_block(caption[1], "figure"))
            continue
        for para in _split_indented(lines):
            blocks.append(text_block(" ".join(line.strip() for line in para)))
    return blocks


def read_markdown(text: str) -> list[Block]:
    """Markdown scrape -> Blocks; dead links keep their text, bare URL lines become links."""
    blocks: list[Block] = []
    for lines in _split_listed_headings(_join_split_links(split_paragraphs(text))):
        source = "\n".join(lines)
        caption = _split_caption(lines)
        if caption:
            blocks.extend(_markdown_blocks(line, kind="alt") for line in caption[0])
            blocks.append(_markdown_blocks(caption[1], kind="figure"))
            continue
        url = _BARE_URL_BLOCK.fullmatch(source.strip())
        if url:
            blocks.append(text_block(url.group(1)))
            continue
        new = _markdown_blocks(source)
        if isinstance(new, Block):
            new.link_only = _ONE_LINK.fullmatch(source.strip()) is not None
            new.link_density = link_density(source)
            new.link_texts = tuple(
                normalize_ws(m.group(1)) for m in _LINK_TEXT.finditer(source) if m.group(1).strip()
            )[:MAX_LINKS]
            blocks.append(new)
    return _merge_lists(blocks)


def _join_split_links(paragraphs: list[list[str]]) -> list[list[str]]:
    """Paragraphs joined where a link's text runs over a blank line: a teaser card converted
    with its heading and its standfirst inside one link ('[#### Fotorecht' · 'Das
    „berechtigte Interesse“ …](#)'), a bar of share buttons ('[Email' · 'Share this with
    Email](#) [Facebook' · 'Share this with Facebook](#)'). Markdown ends a link at a blank
    line, so each half would be read as text of its own; joined, the card or the bar is the
    links it was, for the link rules to judge. Only a paragraph that closes the link the one
    before opened is joined, up to LINK_JOIN_CHARS characters in all."""
    out: list[list[str]] = []
    index = 0
    while index < len(paragraphs):
        lines = paragraphs[index]
        index += 1
        while (
            index < len(paragraphs)
            and _opens_link(lines)
            and _closes_link(paragraphs[index])
            and sum(map(len, lines)) + sum(map(len, paragraphs[index])) <= LINK_JOIN_CHARS
        ):
            following = paragraphs[index]
            lines = [*lines[:-1], f"{lines[-1]} {following[0].strip()}", *following[1:]]
            index += 1
        out.append(lines)
    return out


LINK_JOIN_CHARS = 2000


def _opens_link(lines: list[str]) -> bool:
    """The paragraph's last line opens a link it does not close ('[#### Fotorecht')."""
    tail = lines[-1][-LINK_TEXT_CHARS:]
    at = tail.rfind("[")
    return at >= 0 and "]" not in tail[at:]


def _closes_link(lines: list[str]) -> bool:
    """The paragraph's first line closes a link before it opens one ('Comments](#)')."""
    first = lines[0]
    close = first.find("](")
    return close >= 0 and "[" not in first[:close]


# "4. # Was ist eine Vorsatzschalung …", "* # Sazerac - alles über …": a breadcrumb whose last
# item is the page's own top heading (an <h1> inside an <li>, as a converter writes it); a
# menu's headings ("  * ### Heizungsarten") stay in their menu.
_LISTED_HEADING = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+(#[ \t]+\S.*)$")


def _split_listed_headings(paragraphs: list[list[str]]) -> list[list[str]]:
    """The paragraphs, with a top heading written as a list's last item made a paragraph of
    its own: the article's heading, not an item of the breadcrumb above it."""
    out: list[list[str]] = []
    for lines in paragraphs:
        found = _LISTED_HEADING.match(lines[-1]) if "#" in lines[-1] else None
        if found is None:
            out.append(lines)
            continue
        if len(lines) > 1:
            out.append(lines[:-1])
        out.append([found.group(1)])
    return out


def link_density(source: str) -> float:
    """Share of a markdown paragraph's visible characters that are link text."""
    linked = sum(_letters(m.group(1)) for m in _LINK_TEXT.finditer(source))
    if not linked:
        return 0.0
    visible = _letters(_LINK_TEXT.sub(lambda m: m.group(1), source))
    return min(1.0, linked / visible) if visible else 1.0


def _letters(text: str) -> int:
    return len(_NOT_LETTER.sub("", text))


def _markdown_blocks(source: str, kind: str = "") -> Block:
    """One paragraph of markdown -> one Block (its first top-level element decides the kind)."""
    source = _DOUBLE_ESCAPE.sub(r"\\", _DEAD_LINK.sub(r"\1", source))
    source = _DAY_DOT_LINE.sub(r"\1\\.", source)  # "28. Januar 2015" is no list item
    if not _MARKUP.search(source):  # plain prose: what markdown-it would make of it, cheaply
        text = normalize_ws(source)
        return Block(kind or "p", html_escape(text, quote=False), text)
    tokens = _md.parse(source)
    if not tokens:
        return text_block(source, kind or "p")
    first = tokens[0]
    if first.type == "hr":
        return Block("p", "***", "***")
    tag = first.tag
    if tag in ("ul", "ol", "blockquote"):
        inner = _md.renderer.render(tokens, _md.options, {})
        inner = re.sub(rf"^\s*<{tag}[^>]*>|</{tag}>\s*$", "", inner.strip())
        if tag == "blockquote":
            inner = re.sub(r"</?p>", " ", inner)
        inner = normalize_ws(inner.replace("\n", " "))
        return Block(kind or tag, inner, fragment_text(inner))
    inline = [t for t in tokens if t.type == "inline"]
    html = " ".join(
        _md.renderer.renderInline(t.children or [], _md.options, {}) for t in inline
    ).replace("\n", " ")
    html = normalize_ws(html)
    block_kind = kind or _HEADING_KIND.get(tag, "p")
    return Block(block_kind, html, fragment_text(html))


def _merge_lists(blocks: list[Block]) -> list[Block]:
    """Consecutive list blocks (a 'loose' list separated by blank lines) become one list."""
    merged: list[Block] = []
    for block in blocks:
        if merged and block.kind in ("ul", "ol") and merged[-1].kind == block.kind:
            last = merged[-1]
            merged[-1] = Block(last.kind, last.html + block.html, f"{last.text} {block.text}")
        else:
            merged.append(block)
    return merged


def _split_caption(lines: list[str]) -> tuple[list[str], str] | None:
    """(alt-text lines, caption) for an image's alt text followed by its credited caption."""
    if len(lines) < 2 or len(lines) > 3:
        return None
    last = lines[-1]
    if not _CAPTION.search(last[-60:]) and not _CAPTION.match(last):
        return None
    alt = lines[:-1]
    if any(len(line.split()) > 30 or line.rstrip().endswith(".") for line in alt):
        return None
    if any(PUBLISHED_LABEL.match(line) or find_dateline(line) for line in alt):
        return None  # "Veröffentlicht am 5. November 2023 / ©5min.at": the dateline, credited
    return alt, last


def _split_indented(lines: list[str]) -> list[list[str]]:
    """Split hard-wrapped text where an indented line starts a new paragraph (Reuters style).

    Only lines indented deeper than the block's first line count, so text that is indented
    throughout stays one paragraph.
    """
    base = _indent(lines[0])
    paragraphs: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        if i > 0 and _indent(line) > base and paragraphs[-1]:
            paragraphs.append([])
        paragraphs[-1].append(line)
    return [p for p in paragraphs if p]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))
