"""The lines under a page's headline, written as a scrape writes them, for the byline.

trafilatura leaves a page's byline out of the text it finds (to it the line "By Kenneth Surin"
or "05.02.2020 - Redaktion: Eberhard Fuhr" is furniture), and its own guess at the author
reads only a few markups. The scraped-text path reads such lines well, so when neither the
markup nor trafilatura names anyone, the lines right under the page's <h1> are written as a
scraped text ("# Title", "By [Name](#)") and read by the same head reading
(metadata.extract). Bounded: a few dozen lines, each walk stopped as soon as they are had.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from archive.ingest.blocks import normalize_ws
from archive.ingest.titles import key

HEAD_LINES = 30  # lines under the headline read: a byline stands within the first few
LONG_LINE_WORDS = 25  # a line this long is the article's text
LONG_LINES = 3  # ... and after this many of them the head is over
KICKED = 8  # letters of a title that an <h1> with a kicker before it may end with
ANCESTORS = 6  # how far up from the <h1> its following lines are looked for
_SKIP = {"script", "style", "noscript", "template", "svg", "form", "button", "select",
         "textarea", "iframe", "object", "video", "audio", "picture", "img", "figure"}  # fmt: skip
_INLINE = {"a", "span", "em", "strong", "b", "i", "u", "small", "time", "abbr", "cite", "mark",
           "sup", "sub", "font", "bdi", "bdo", "data", "q", "s", "label"}  # fmt: skip
_HEADINGS = {"h1": "#", "h2": "##", "h3": "###", "h4": "####", "h5": "####", "h6": "####"}


def head_text(tree: etree._Element, title: str) -> str:
    """The page's headline and the lines under it as a scraped text; '' when the page has
    no <h1> (or none with the title's words, when several)."""
    h1 = _headline(tree, title)
    if h1 is None:
        return ""
    lines = [f"# {normalize_ws(_inline_text(h1, links=False))}"]
    long_lines = 0
    for line in _lines_after(h1):
        lines.append(line)
        long_lines += len(line.split()) >= LONG_LINE_WORDS
        if len(lines) > HEAD_LINES or long_lines >= LONG_LINES:
            break
    return "\n\n".join(lines)


def _headline(tree: etree._Element, title: str) -> etree._Element | None:
    headings = tree.xpath("//h1")
    if not headings:
        return None
    wanted = key(title) if title else ""
    for h1 in headings:
        text = key(_inline_text(h1, links=False))
        # the title may be the headline without its kicker (pagemeta._without_kicker)
        if wanted and (text == wanted or (len(wanted) >= KICKED and text.endswith(wanted))):
            return h1
    return headings[0] if len(headings) == 1 else None


def _lines_after(h1: etree._Element) -> Iterator[str]:
    """The lines that follow the headline in the page's order: its later siblings', then its
    parent's later siblings', and so on up."""
    element = h1
    for _ in range(ANCESTORS):
        for sibling in element.itersiblings():
            yield from _lines(sibling)
        element = element.getparent()
        if element is None or element.tag in ("body", "html"):
            return


def _lines(element: etree._Element) -> Iterator[str]:
    """An element as scraped lines: a block of its own, inline content joined, links as
    '[text](#)', headings as '## text'."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or tag in _SKIP:
        return
    if tag in _INLINE or not any(_is_block(child) for child in element):
        line = normalize_ws(_inline_text(element))
        if line:
            yield f"{_HEADINGS[tag]} {line}" if tag in _HEADINGS else line
        return
    run = [element.text or ""]
    for child in element:
        if _is_block(child):
            line = normalize_ws("".join(run))
            if line:
                yield line
            run = []
            yield from _lines(child)
        elif isinstance(child.tag, str) and child.tag not in _SKIP:
            run.append(_inline_text(child))
        run.append(child.tail or "")
    line = normalize_ws("".join(run))
    if line:
        yield line


def _is_block(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag not in _INLINE and element.tag != "br"


def _inline_text(element: etree._Element, *, links: bool = True) -> str:
    """The text of an element and its descendants; links as '[text](#)', markdown's own
    characters escaped so that a name stays text."""
    parts: list[str] = []
    _collect(element, parts, links=links)
    return "".join(parts)


def _collect(element: etree._Element, parts: list[str], *, links: bool = True) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP:
        return
    inner: list[str] = [_escape(element.text or "")] if tag else []
    for child in element:
        _collect(child, inner, links=links)
        inner.append(_escape(child.tail or ""))
    text = "".join(inner)
    if tag == "a" and links and normalize_ws(text):
        text = f"[{normalize_ws(text)}](#)"
    elif tag == "br":
        text = " "
    elif tag and tag not in _INLINE:
        text = f" {text} "
    parts.append(text)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*")
