"""The one HTML policy of the archive: clean_html(), html_to_text(), content_hash().

Everything that reaches a reader as HTML went through clean_html() first (Article.save()
calls it), and templates mark only its output safe.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import bleach
from lxml import etree
from lxml import html as lxml_html

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "em", "strong", "b", "i", "u", "s", "sub", "sup", "small", "mark", "abbr", "cite", "q",
        "code", "pre", "kbd", "blockquote",
        "ul", "ol", "li", "dl", "dt", "dd",
        "a", "img", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan"],
    "ol": ["start"],
}
# Applies to href, src and cite alike: no javascript:, vbscript:, data: or relative tricks.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements whose *content* is never article text: dropped whole before bleach, which would
# otherwise keep "alert(1)" as visible text when it strips the <script> tag around it.
_DROP_WITH_CONTENT = (
    "script", "style", "template", "noscript", "iframe", "object", "embed", "applet",
    "frame", "frameset", "noembed", "noframes", "svg", "math", "head", "title", "xmp",
    "form", "select", "textarea", "button",
)  # fmt: skip

_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# What a browser ignores before it reads a URL's scheme: leading controls and spaces, and
# tabs and newlines anywhere (WHATWG URL standard).
_URL_LEADING = re.compile(r"^[\x00-\x20]+")
_URL_INSIDE = re.compile(r"[\t\n\r]")
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Bleach's attribute filter, plus a scheme check as strict as a browser's parser.

    Bleach alone keeps href="javascript:123": its URL parser reads "scheme:digits" as a
    relative path with a port. Images load by themselves, so they must be absolute https
    (the CSP allows no other remote images; a relative src would point into our own site).
    """
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name not in _URL_ATTRIBUTES:
        return True
    url = _URL_INSIDE.sub("", _URL_LEADING.sub("", value)).lower()
    if tag == "img" and name == "src":
        return url.startswith("https://")
    scheme = _URL_SCHEME.match(url)
    return scheme is None or scheme[1] in ALLOWED_PROTOCOLS


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)

_BLOCKS = {
    "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre",
    "figure", "figcaption", "tr", "table", "ul", "ol", "dl", "dt", "dd", "caption",
}  # fmt: skip


def _drop_dangerous_content(html: str) -> str:
    """The fragment with script-like elements, comments and processing instructions gone,
    as HTML whose text holds &, < and > as the placeholders of _TEXT_MARKS.

    html5lib (inside bleach) builds each text node by appending token after token, and every
    character reference is a token: a paragraph of a million "&lt;" cost minutes. With the
    marks, a text node is one token; _restore_marks() writes them back as references."""
    if not html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html
    for el in list(root.iter(*_DROP_WITH_CONTENT)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter(etree.Comment, etree.ProcessingInstruction):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter():
        if el.text:
            el.text = _mark_text(el.text)
        if el.tail and el is not root:
            el.tail = _mark_text(el.tail)
    return (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )


# Private-use characters that stand for &, < and > in text while bleach works (see above);
# any such character already in the text becomes U+FFFD first.
_TEXT_MARKS = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_MARK_IN = str.maketrans({**dict.fromkeys("\ue000\ue001\ue002", "\ufffd"), **_TEXT_MARKS})
_MARK_OUT = str.maketrans({"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"})


def _mark_text(text: str) -> str:
    return text.translate(_MARK_IN)


def _restore_marks(html: str) -> str:
    return html.translate(_MARK_OUT)


# Characters lxml refuses (XML forbids them): C0 controls (a form feed is whitespace), lone
# surrogates and U+FFFE/U+FFFF. lxml raised on them half way through a tree edit, which
# made an admin save fail with a 500.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_SURROGATES = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _unparsable(html: str) -> str:
    html = _CONTROLS.sub("", html.replace("\x0c", " "))
    return _SURROGATES.sub("\ufffd", html)


# URLs in text become links: "http://", "https://" or "www." at a word's start, an ASCII host
# name with a dot, then the path's ASCII URL characters (bleach strips trailing punctuation).
# Bleach's own pattern, which also finds bare domains, began with \(* and was quadratic on a
# run of "(". Each part here begins where the last must end: linear.
_URL_IN_TEXT = re.compile(
    r"(?<![\w@./:])(?:https?://|www\.)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]{1,5})?"
    r"(?:[/?#][!#$%()*+,\-./0-9:;=?@A-Z_a-z~\ue000]*)?",  # \ue000 is "&" (_TEXT_MARKS)
    re.IGNORECASE,
)
_LINK_HINTS = ("http://", "https://", "www.", "<a ")


def _add_link_rel(html: str) -> str:
    # Outside links open nothing on our page and pass no referrer. A fragment with no link
    # and no URL in it has nothing for the linkifier to do: most paragraphs.
    if not any(hint in html.lower() for hint in _LINK_HINTS):
        return html
    return _linker.linkify(html)


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


_linker = bleach.Linker(
    url_re=_URL_IN_TEXT,
    callbacks=[_nofollow],
    skip_tags={"pre", "code"},
    parse_email=False,
)


def clean_html(html: str) -> str:
    """Untrusted HTML in, HTML that is safe to show out (idempotent). Linear in the input."""
    if not html:
        return ""
    html = _unparsable(html)
    cleaned = _cleaner.clean(_drop_dangerous_content(html))
    return _restore_marks(_add_link_rel(cleaned)).strip()


def clean_ahead(outcomes) -> None:
    """Clean each parsed article's title, lead and body where it was parsed, so that saving
    (one process, the import's bottleneck) finds the work done: bleach costs a few
    milliseconds an article. For archive.ingest.parallel's `finish` hook."""
    for outcome in outcomes:
        article = outcome.article
        if article is not None:
            texts = (article.title or "Untitled", article.standfirst, article.body_html)
            article.cleaned = {text: clean_html(text) for text in texts if text}


def html_to_text(html: str) -> str:
    """HTML in, plain text out: paragraphs separated by a blank line, whitespace folded."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _squeeze_spaces(bleach.clean(html, tags=set(), strip=True))
    parts: list[str] = []
    _walk_text(root, parts)
    paragraphs = ("".join(parts)).split("\n\n")
    return "\n\n".join(p for p in (_squeeze_spaces(p) for p in paragraphs) if p)


def _walk_text(el, parts: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _BLOCKS:
        parts.append("\n\n")
    if el.text and tag not in _DROP_WITH_CONTENT:
        parts.append(el.text)
    for child in el:
        _walk_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag in _BLOCKS:
        parts.append("\n\n")


def _squeeze_spaces(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return re.sub(r"\s+", " ", text).strip()


def normalize_for_hash(text: str) -> str:
    """Text as compared for duplicates: NFKC, case-folded, punctuation-insensitive spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def content_hash(text: str) -> str:
    """SHA-256 of the normalized text: two copies of one article share it."""
    return normalized_hash(normalize_for_hash(text))


def normalized_hash(normalized: str) -> str:
    """content_hash() of a text given as normalize_for_hash() made it (for a caller that
    needs the normalized words too: the story signature)."""
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def web_url(url: str) -> str:
    """`url` when it is an absolute http(s) URL (as a browser would read it), else "".

    For stored links such as an article's original URL: a javascript: or data: URL from an
    import must never reach a reader or an API client as a link.
    """
    url = _unparsable(url or "").strip()
    seen = _URL_INSIDE.sub("", _URL_LEADING.sub("", url)).lower()
    return url if seen.startswith(("http://", "https://")) else ""


def clean_name(name: str) -> str:
    """A name (source, author, tag) as plain single-line text: no controls, spaces folded."""
    return _squeeze_spaces(_unparsable(name or ""))
