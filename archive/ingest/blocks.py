"""The common shape every format is turned into before cleaning: a list of Blocks.

A Block is one paragraph-level element. `html` is its *inner* HTML (inline markup only:
<em>, <strong>, <a href>, <br>), `text` the same as plain text for the rules and metadata
detectors. Lists and figures keep their items in `html` already wrapped in <li>/<figcaption>.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# "title": a top-level heading (the title candidate); "alt": an image's alt text over its caption.
BLOCK_KINDS = ("p", "h2", "h3", "h4", "blockquote", "ul", "ol", "figure", "title", "alt")

_WS = re.compile(r"\s+")
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


@dataclass
class Block:
    """One paragraph-level element of an article (see module docstring)."""

    kind: str
    html: str
    text: str
    # Set by readers that know the block is marked as a lead (italic paragraph, og:description).
    lead: bool = False
    # The block was nothing but one link (e.g. "[InfoBrics](#)"): a site-name line near the top.
    link_only: bool = False
    # Share of the block's characters that are link text (navigation and related-story lists
    # are mostly links); 0.0 when the reader does not know.
    link_density: float = 0.0
    # The texts of the block's links, where the reader knows them ("von [Heiko](#)": a name).
    link_texts: tuple[str, ...] = ()

    def render(self) -> str:
        """The block as an HTML element, e.g. '<p>...</p>'."""
        if self.kind == "title":
            return f"<h2>{self.html}</h2>"
        if self.kind == "figure":
            return f"<figure><figcaption>{self.html}</figcaption></figure>"
        if self.kind in ("ul", "ol"):
            return f"<{self.kind}>{self.html}</{self.kind}>"
        if self.kind == "blockquote":
            return f"<blockquote><p>{self.html}</p></blockquote>"
        return f"<{self.kind}>{self.html}</{self.kind}>"


def normalize_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and trim; soft hyphens and word joiners go
    ('Mes\xadsen\xadger' is 'Messenger': the search must see one word, as a reader does)."""
    return _WS.sub(" ", text.translate(INVISIBLE)).strip()


# Characters that only hint where a word may break: removed from text, titles and names.
INVISIBLE = {0x00AD: None, 0x2060: None, 0xFEFF: None}


def text_block(text: str, kind: str = "p") -> Block:
    """A block from plain text: escaped, bare URLs turned into links."""
    text = normalize_ws(text)
    return Block(kind=kind, html=linkify(text), text=text)


def linkify(text: str) -> str:
    """Escape plain text for HTML, turning bare http(s) URLs into <a href> links."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        out.append(html.escape(text[last : match.start()], quote=False))
        url = match.group(0)
        out.append(f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>')
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("br", "li", "p", "figcaption"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment, whitespace-normalized."""
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return normalize_ws("".join(parser.parts))


def render_blocks(blocks: list[Block]) -> str:
    """The article body: the blocks' HTML elements, one per line."""
    return "\n".join(block.render() for block in blocks)


@functools.lru_cache(maxsize=256)
def word_count(text: str) -> int:
    """Number of whitespace-separated words. Remembered: the cleaning rules ask it of the same
    block a dozen times, and a block of a megabyte took a dozen splits of it."""
    return len(text.split())
