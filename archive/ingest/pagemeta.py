"""What a saved page says about its article in markup: title candidates, site names, credits.

Read from the parsed tree before trafilatura cleans it: ``<h1>``, ``<title>``, Open Graph and
Twitter meta tags, and JSON-LD (``headline``, ``author`` with its ``@type``: a Person is an
author, an Organization is a credit of its own kind, ``publisher``, ``datePublished``);
and the author the HTML itself marks (Yoast's Twitter fields, microdata, hCard, rel=author).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from archive.ingest.titles import KICKER_WORDS, TitleCandidates

_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenews", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "scholarlyarticle", "webpage",
                  "liveblogposting", "techarticle", "report", "backgroundnewsarticle",
                  "socialmediaposting", "posting"}  # fmt: skip
_ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "organisation"}
MAX_JSONLD = 200_000  # characters of one JSON-LD script read
MAX_H1 = 3
MAX_H2 = 3  # <h2>s read as the headline's candidates on a page without an <h1>
MAX_TEXT_NODES = 8000  # text nodes looked at for a visible date
HEAD_NODES_BELOW = 40  # a dateline stands this close below the headline (elements)
HEAD_NODES_ABOVE = 15  # or this close above it
_NOT_TEXT = {"script", "style", "noscript", "template"}
_DIGIT = re.compile(r"\d")
_ARTICLE_PUBLISHED = {"article:published_time", "og:article:published_time"}
# Meta tags that state when the article was published (not modified, not crawled).
_PUBLISHED_META = {"article:published_time", "og:published_time", "og:article:published_time",
                   "date", "pubdate", "publishdate", "publish-date", "publish_date",
                   "publication_date", "dc.date", "dc.date.issued", "dc.date.created",
                   "dcterms.created", "dcterms.date", "dcterms.issued", "sailthru.date",
                   "parsely-pub-date", "article.published", "datepublished", "citation_date",
                   "citation_publication_date", "originalpublicationdate", "pub_date",
                   "article_date_original", "date.available", "cxenseparse:recs:publishtime",
                   "dc.date.published", "published_time", "publication-date"}  # fmt: skip


@dataclass
class PageMeta:
    titles: TitleCandidates = field(default_factory=TitleCandidates)
    people: list[str] = field(default_factory=list)  # JSON-LD Person authors
    marked_bylines: list[str] = field(default_factory=list)  # bylines in HTML markup (_bylines)
    organisations: list[str] = field(default_factory=list)  # JSON-LD Organization authors
    published: str = ""  # JSON-LD datePublished of an article, as written
    page_published: str = ""  # JSON-LD datePublished of a WebPage only
    stated: bool = False  # the page states a publication date in its markup
    article_published: str = ""  # article:published_time, the Open Graph article's own date
    page_typed: bool = False  # its JSON-LD describes a web page (WebPage, FAQPage, …)
    article_typed: bool = False  # … or an article (Article, NewsArticle, BlogPosting, …)
    visible_dates: set = field(default_factory=set)  # days written in the page's short texts
    other_readings: set = field(default_factory=set)  # '11/01/2021' read month first
    head_date: object = None  # the day written nearest below the headline (or just above it)
    head_updated: object = None  # the same for a day only an 'updated' line there shows


def read_page_meta(tree) -> PageMeta:
    """Title candidates, site names and JSON-LD credits of a parsed page (lxml tree)."""
    meta = PageMeta()
    titles = meta.titles
    for h1 in tree.iter("h1"):
        if len(titles.by_source.get("h1", [])) >= MAX_H1:
            break
        if not _hidden(h1):  # a heading for screen readers ('Navigation und Service')
            titles.add("h1", _without_kicker(h1) or _reader_text(h1))
    if "h1" not in titles.by_source:  # a page whose headline is an <h2> (choose_title)
        for h2 in tree.iter("h2"):
            if len(titles.by_source.get("h2", [])) >= MAX_H2:
                break
            if not _hidden(h2):
                titles.add("h2", _without_kicker(h2) or _reader_text(h2))
    title = tree.find(".//title")
    if title is not None:
        titles.add("title", title.text_content())
    url = ""
    for el in tree.iter("meta"):
        name = (el.get("property") or el.get("name") or "").strip().lower()
        content = el.get("content") or ""
        if name == "og:title":
            titles.add("og", content)
        elif name == "twitter:title":
            titles.add("twitter", content)
        elif name in ("og:site_name", "application-name", "twitter:site"):
            titles.site_names.append(content.strip().lstrip("@"))
        elif name == "og:url" and not url:
            url = content
        if name in _PUBLISHED_META or (el.get("itemprop") or "").lower() == "datepublished":
            meta.stated = meta.stated or bool(content.strip() or el.get("datetime"))
        if name in _ARTICLE_PUBLISHED and content.strip():
            meta.article_published = meta.article_published or content.strip()
    if not url:
        canonical = tree.find(".//link[@rel='canonical']")
        url = canonical.get("href", "") if canonical is not None else ""
    titles.domain = _host(url)
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json":
            _read_jsonld(script.text or "", meta)
    titles.site_names = [s for s in dict.fromkeys(titles.site_names) if s]
    meta.stated = meta.stated or bool(meta.published or meta.page_published)
    meta.stated = meta.stated or _has_time_element(tree)
    _visible_dates(tree, meta)
    meta.marked_bylines = _bylines(tree)
    return meta


def _without_kicker(h1) -> str:
    """'<h1><span class="dachzeile">Grenzschließungen</span> Deutschland, Frankreich und
    …</h1>': a short kicker (Dachzeile, overline, topic label) in its own element before the
    headline, which follows as text or in elements of its own. The headline alone is then
    the <h1>'s candidate (read_page_meta): the kicker is set apart from it on the page, and
    the meta tags' 'Kicker: Title' backs it (titles._segment_of). A site whose headline is
    'Kicker: Title' in one text keeps it. The kicker's element must be set apart: a block,
    an element with a class, or one a line break follows ('<i>Star Wars</i> is back' is one
    headline), and the headline must not go on in lower case."""
    el = h1
    while True:  # through a wrapper holding the whole heading (<span itemprop=headline>, <a>)
        kids = [c for c in el if isinstance(c.tag, str)]
        if len(kids) != 1 or (el.text or "").strip() or (kids[0].tail or "").strip():
            break
        el = kids[0]
    if (el.text or "").strip():
        return ""
    kids = [c for c in el if isinstance(c.tag, str) and not _hidden(c)]
    kids = [c for c in kids if c.tag == "br" or _reader_text(c).strip()]
    if not kids or kids[0].tag == "br":
        return ""
    first, after = kids[0], kids[1] if len(kids) > 1 else None
    kicker = " ".join(_reader_text(first).split()).rstrip(" :|–—-·")
    if not kicker or len(kicker.split()) > KICKER_WORDS:
        return ""
    broken = after is not None and after.tag == "br" and not (first.tail or "").strip()
    if not (first.tag in _BLOCKS or first.get("class") or broken):
        return ""
    rest = [first.tail or ""]
    for sibling in first.itersiblings():
        if isinstance(sibling.tag, str) and not _hidden(sibling):
            rest.append(_reader_text(sibling))
        rest.append(sibling.tail or "")
    headline = " ".join(" ".join(rest).split()).lstrip(" :|–—-·")
    if len(headline.split()) < 2 or headline[0].islower():
        return ""
    return headline


_BLOCKS = {"div", "p", "small", "header", "section"}
# Text for screen readers only: Bootstrap's sr-only, WordPress's screen-reader-text, the
# Government Site Builder's 'aural', Drupal's element-invisible; and hidden elements.
_HIDDEN_CLASS = re.compile(
    r"visually-?hidden|sr-only|screen-reader|(?<![\w-])(?:aural|hidden|offscreen)(?![\w-])|"
    r"element-invisible"
)


def _reader_text(el) -> str:
    """An element's text without what a <style> or <script> inside it holds (CSS-in-JS sites
    put their style sheets inside the headline) and without the text only screen readers
    are given."""
    if el.tag in _NOT_TEXT:
        return ""
    if not any(c.tag in _NOT_TEXT or _hidden(c) for c in el.iterdescendants(etree.Element)):
        return el.text_content()
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _NOT_TEXT and not _hidden(child):
            parts.append(_reader_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _hidden(el) -> bool:
    return (
        bool(_HIDDEN_CLASS.search(el.get("class") or ""))
        or el.get("aria-hidden") == "true"
        or el.get("hidden") is not None
    )


def _has_time_element(tree) -> bool:
    return any(el.get("datetime") or (el.text or "").strip() for el in tree.iter("time"))


def _visible_dates(tree, meta: PageMeta) -> None:
    """The days written in the page's short texts, and the one nearest below its first <h1>
    (a dateline under the headline), by reading the text nodes in order."""
    from archive.ingest.dates import month_first, search_date, updated_date

    body = tree.find(".//body")
    found: list[tuple[int, object]] = []
    updated: list[tuple[int, object]] = []
    other_readings: set = set()
    h1_at = -1
    seen = 0
    for el in (body if body is not None else tree).iter(etree.Element):  # no comments, PIs
        tag = el.tag
        if tag in _NOT_TEXT:
            continue
        if tag == "h1" and h1_at < 0:
            h1_at = seen
        for text, owner in ((el.text, el), (el.tail, None)):
            if text:
                text = text.strip()
                if 6 <= len(text) <= 120 and _DIGIT.search(text):  # no date without a digit
                    day = search_date(text)
                    if day is not None:
                        if not _in_comment(owner if owner is not None else el.getparent()):
                            found.append((seen, day))
                            if "/" in text and (other := month_first(text)) is not None:
                                other_readings.add(other)
                    elif (day := updated_date(text)) is not None:
                        updated.append((seen, day))
        seen += 1
        if seen >= MAX_TEXT_NODES:
            break
    meta.visible_dates = {day for _at, day in found}
    meta.other_readings = other_readings - meta.visible_dates
    if h1_at >= 0:
        meta.head_date = _nearest(found, h1_at)
        meta.head_updated = _nearest(updated, h1_at)


# A reader's comment, not the article: its date is when someone answered ('comment-metadata',
# 'commentlist', 'kb-comment', 'allShareBarCommentsListComment', 'kommentar-datum'). Not a
# mark that only says whether comments are open or how many there are.
_COMMENT_MARK = re.compile(r"(?i)comment|kommentar")
_NOT_COMMENT_MARK = re.compile(
    r"(?i)open|closed|count|link|number|icon|toggle|respond|(?:^|[-_])no"
)
COMMENT_DEPTH = 8  # elements up from a date's text looked at for a comment's mark


def _in_comment(element) -> bool:
    """Whether the element stands in a reader's comment (its class or id says so). On the 851
    pages of ingest-dev with a true date or none, a day shown only in the comments taken for
    the article's date invented 7 dates on date-less pages (1337kultur.de, muffinrezept.net,
    fifplay.com, travanto.de) and gave 3 wrong ones (energiezukunft.eu: the comment's day over
    the dateline); leaving them out lost 2 pages whose true date is that of their first
    comment (bibliothek2null.de)."""
    return _within(element, _COMMENT_MARK, _NOT_COMMENT_MARK, COMMENT_DEPTH)


def _within(element, mark: re.Pattern, unless: re.Pattern | None = None, depth: int = 0) -> bool:
    """Whether the element or one of its ancestors (`depth` of them at most; 0: all, up to
    <body>) has a class or id that `mark` finds and `unless` does not."""
    steps = 0
    while element is not None and element.tag not in ("body", "html"):
        marks = (element.get("class") or "").split() + [element.get("id") or ""]
        if any(mark.search(m) and not (unless and unless.search(m)) for m in marks):
            return True
        steps += 1
        if depth and steps >= depth:
            return False
        element = element.getparent()
    return False


def _nearest(found: list[tuple[int, object]], h1_at: int):
    """The first day written below the headline (within HEAD_NODES_BELOW), else the last one
    just above it (within HEAD_NODES_ABOVE); None when there is none."""
    below = [day for at, day in found if h1_at <= at <= h1_at + HEAD_NODES_BELOW]
    above = [day for at, day in found if h1_at - HEAD_NODES_ABOVE <= at < h1_at]
    return below[0] if below else (above[-1] if above else None)


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def _read_jsonld(text: str, meta: PageMeta) -> None:
    if len(text) > MAX_JSONLD:
        return
    try:
        data = json.loads(text)
    except ValueError:
        return
    for obj in _objects(data):
        types = _types(obj)
        meta.page_typed = meta.page_typed or any(t.endswith("page") for t in types)
        meta.article_typed = meta.article_typed or bool(types & _ARTICLE_TYPES - {"webpage"})
        if types & _ARTICLE_TYPES:
            _read_article(obj, meta)


def _objects(data, depth: int = 0):
    """The dicts of a JSON-LD document: top level, lists and @graph (not deeper)."""
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"], depth + 1)


def _types(obj: dict) -> set[str]:
    value = obj.get("@type", "")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _read_article(obj: dict, meta: PageMeta) -> None:
    headline = obj.get("headline") or obj.get("name")
    if isinstance(headline, str) and "webpage" not in _types(obj):
        meta.titles.add("jsonld", headline)
    publisher = obj.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        meta.titles.site_names.append(publisher["name"].strip())
    if isinstance(obj.get("datePublished"), str):
        # a WebPage's datePublished (SEO plugins write one for every page: shop, product and
        # guide pages too) is when the page was made, not an article's date
        only_page = not (_types(obj) & _ARTICLE_TYPES - {"webpage"})
        if only_page and not meta.page_published:
            meta.page_published = obj["datePublished"].strip()
        elif not only_page and not meta.published:
            meta.published = obj["datePublished"].strip()
    authors = obj.get("author")
    for author in (authors if isinstance(authors, list) else [authors])[:20]:
        if isinstance(author, str) and author.strip():
            meta.people.append(html.unescape(author).strip())
        elif isinstance(author, dict) and isinstance(author.get("name"), str):
            name = html.unescape(author["name"]).strip()  # "Redacci&oacute;n": escaped twice
            kind = meta.organisations if _types(author) & _ORG_TYPES else meta.people
            if name and name not in kind:
                kind.append(name)


# The labels Yoast SEO's twitter:labelN/twitter:dataN pairs give the author under.
_WRITTEN_BY = {"written by", "verfasst von", "geschrieben von", "escrito por", "écrit par",
               "scritto da", "geschreven door", "skrevet af", "skrivet av", "napisane przez",
               "author", "autor", "auteur"}  # fmt: skip
_TWITTER_FIELD = re.compile(r"twitter:(label|data)(\d{1,2})")
# Where an author's mark is some other post's or a reader's: comments, teasers, sidebars.
_OTHER_AREA = re.compile(r"comment|respond|reply|related|sidebar|widget|teaser|recommend", re.I)
_CLASS = 'contains(concat(" ", normalize-space(@class), " "), " {} ")'
_MARKS = (
    ("microdata", "//*[@itemprop='author']"),
    ("hcard", f"//*[{_CLASS.format('author')} and {_CLASS.format('vcard')}]"),
    ("rel-author", "//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"),
)
MARK_WORDS = 6  # an author mark's own text this short is a name, not a box's biography


def _bylines(tree) -> list[str]:
    """The author as the page's HTML marks it, where no JSON-LD does: Yoast's 'Written by'
    Twitter field, schema.org microdata (itemprop=author, its itemprop=name), the hCard
    microformat WordPress themes write ('<span class="author vcard"><a class="url fn n">'),
    a link with rel=author. The first mark outside comments and teasers, in that order of
    trust; trafilatura reads none of them."""
    fields: dict[str, dict[str, str]] = {}
    for el in tree.iter("meta"):
        found = _TWITTER_FIELD.fullmatch((el.get("name") or el.get("property") or "").lower())
        if found:
            fields.setdefault(found[2], {})[found[1]] = (el.get("content") or "").strip()
    for _n, pair in sorted(fields.items()):
        if pair.get("label", "").lower() in _WRITTEN_BY and pair.get("data"):
            return [pair["data"]]
    for _kind, path in _MARKS:
        for el in tree.xpath(path)[:10]:
            if _in_other_area(el):
                continue
            name = _mark_name(el)
            if name:
                return [name]
    return []


def _in_other_area(el) -> bool:
    return _within(el, _OTHER_AREA)


def _mark_name(el) -> str:
    """The name an author mark carries: its itemprop=name or fn part, else its own text."""
    for part in el.xpath(f".//*[@itemprop='name'] | .//*[{_CLASS.format('fn')}]")[:1]:
        el = part
    text = el.get("content") if el.tag == "meta" else " ".join(el.text_content().split())
    text = (text or "").strip()
    return text if text and len(text.split()) <= MARK_WORDS else ""
