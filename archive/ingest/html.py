"""Whole saved web pages -> Blocks + Hints, with trafilatura finding the article in the page.

trafilatura returns its own XML (<p>, <head rend="h2">, <hi rend="#i">, <ref target>, <list>,
<quote>); that is mapped onto our simple HTML. When it finds nothing, the page's paragraphs
(or its plain text) are used instead, with a warning.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from collections import Counter

import lxml.html
from lxml import etree

from archive.ingest.blocks import Block, fragment_text, normalize_ws
from archive.ingest.credits import company, drop_imprint, sort_credits
from archive.ingest.dates import parse_loose
from archive.ingest.names import is_given_name, is_name_word, split_names
from archive.ingest.pagemeta import PageMeta, read_page_meta
from archive.ingest.text import read_text
from archive.ingest.titles import COMMON_TLDS, choose_title, domain_labels, key, site_keys
from archive.ingest.types import Hints

_INLINE = {"#i": "em", "#b": "strong", "#u": "em", "#t": "", "#sub": "", "#sup": ""}
_HEAD = {"h1": "title", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
_HTML_INLINE = {"em": "em", "i": "em", "cite": "em", "strong": "strong", "b": "strong"}
_HTML_INLINE_PLAIN = {
    "span",
    "u",
    "small",
    "sub",
    "sup",
    "abbr",
    "time",
    "mark",
    "code",
    "q",
    "font",
}
_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "form",
         "button", "input", "select", "textarea", "img", "video", "audio", "canvas"}  # fmt: skip
_BLOCK_TAGS = {"p": "p", "h1": "title", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4",
               "h6": "h4", "blockquote": "blockquote", "ul": "ul", "ol": "ol", "pre": "p",
               "figcaption": "figure", "li": "p", "dd": "p", "dt": "p", "tr": "p"}  # fmt: skip
_CONTAINERS = {"div", "section", "article", "main", "figure", "body", "html", "aside", "header",
               "footer", "table", "tbody", "thead", "dl", "center"}  # fmt: skip
_SAFE_HREF = re.compile(r"^(https?://|mailto:|/|#)", re.IGNORECASE)
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def read_html(text: str) -> tuple[list[Block], Hints]:
    """A saved web page -> (body blocks, metadata from the page)."""
    import trafilatura  # heavy import; only pages need it
    from trafilatura.utils import load_html

    try:
        tree = load_html(text)
    except (ValueError, TypeError, etree.LxmlError):
        tree = None
    page = read_page_meta(tree) if tree is not None else PageMeta()
    guessed = not sort_credits(page.people)[0]  # any people will be trafilatura's, or a mark's
    # before trafilatura prunes the tree: the words the page shows, to check its guess by
    shown = _shown_text(tree) if tree is not None and guessed else ""
    try:
        doc = trafilatura.bare_extraction(
            tree if tree is not None else text,
            include_links=True,
            include_formatting=True,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
            output_format="txt",  # not "python": its doc.text (xmltotxt) is never used here
        )
    except (ValueError, TypeError, etree.LxmlError):
        doc = None
    hints = Hints(drop_teasers=False)
    blocks = _body_blocks(doc.body) if doc is not None and doc.body is not None else []
    if doc is not None:
        _fill_hints(doc, hints, text)
    _page_hints(page, hints)
    if page.marked_bylines and (guessed or not (hints.authors or hints.organisations)):
        _marked_credits(page, hints)
    if tree is not None and (not hints.authors or guessed):
        _head_credits(tree, hints, page)
    elif tree is not None and any(" " not in a for a in hints.authors):
        _widen_from_head(tree, hints)
    if shown:  # a guess from a meta tag or a script (trafilatura's, Yoast's) the page never shows
        hints.authors = [a for a in hints.authors if _shown(a, shown)]
    hints.authors = list(dict.fromkeys(_full_name(a, text) for a in hints.authors))
    _operators_as_source(hints)
    if not any(b.text for b in blocks):
        blocks = fallback_blocks(text)
        hints.extra["warning"] = "trafilatura found no main text; used the page's paragraphs"
    return blocks, hints


def _operators_as_source(hints: Hints) -> None:
    """A company credited on a web page (a legal form: 'Frankfurter Allgemeine Zeitung GmbH',
    'ZooRoyal Petcare GmbH', 'Wegewerk GmbH') is the site's operator: its publisher, or the
    agency that built the site (wegewerk.com on zdh.de and zfk.de), written into an author
    tag or JSON-LD for every page. It is the article's source when the page names none, and
    no credit: on ingest-dev's HTML, 11 such credits, none of them the page's byline (the
    newsrooms credited, 'Redaktion', stay). The raw page keeps it."""
    companies = [o for o in hints.organisations if company(o)]
    if not companies:
        return
    hints.organisations = [o for o in hints.organisations if o not in companies]
    hints.source = hints.source or companies[0]


def _shown_text(tree) -> str:
    """The words the page shows: its body's text, no scripts, styles or attributes.

    A person trafilatura credits whom the page never shows (its `<meta name="author">`, a
    script's data) is the site's owner, its agency or a template's default as often as the
    article's author: on ingest-dev's HTML, keeping only shown names dropped 27 false
    credits (vpohl, 'SV Team', 'Auto Illustrierte', a web agency's staff) and 1 true one."""
    body = tree.find(".//body")
    if body is None:
        return ""
    parts = body.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return " ".join(" ".join(parts).split()).casefold()


def _shown(name: str, shown: str) -> bool:
    words = name.casefold().replace(".", " ").split()
    return bool(words) and all(w in shown for w in words)


def _fill_hints(doc: object, hints: Hints, page_text: str = "") -> None:
    hints.title = normalize_ws(getattr(doc, "title", None) or "")
    authors = [_as_written(n, page_text) for n in split_names(getattr(doc, "author", None) or "")]
    hints.authors, hints.organisations = sort_credits(drop_imprint(authors))
    hints.published = parse_loose(getattr(doc, "date", None))
    hints.source = normalize_ws(getattr(doc, "sitename", None) or "")
    hints.original_url = getattr(doc, "url", None) or ""
    tags = [("keyword", t) for tag in getattr(doc, "tags", None) or [] for t in tag.split(",")]
    tags += [("category", c) for c in getattr(doc, "categories", None) or []]
    hints.tags = [(k, normalize_ws(v)) for k, v in tags if v.strip()]
    hints.language = (getattr(doc, "language", None) or "")[:2]


AS_WRITTEN_CHARS = 400_000  # of the page searched for a name's own spelling


def _as_written(name: str, page_text: str) -> str:
    """The name as the page writes it: trafilatura turns the stops of initials into spaces
    ('Günter W. Kienitz' -> 'Günter W Kienitz', 'T. V. Raman' -> 'T V Raman'); the page's
    own spelling, the same letters with only stops and spaces between the words, is
    taken back. Only stops: '_' and '-' between the words are a handle or an address's slug
    ('amelie_siekmann.jpg'), not the name as the page shows it."""
    words = name.split()
    if len(words) < 2 or not page_text:
        return name
    pattern = r"(?<![\w.])" + r"(?:\.\s?|\s)".join(map(re.escape, words)) + r"(?![\w])"
    found = re.search(pattern, page_text[:AS_WRITTEN_CHARS])
    return normalize_ws(found.group(0)) if found else name


def _full_name(name: str, page_text: str) -> str:
    """A given name alone as the author (a blog's display name: 'Nils', 'Henry') -> the full
    name the page writes it in ('Eine Kolumne von Nils Pickert', 'Ausschnitt: Henry
    Steinhau'), when one surname follows it there at least twice and no other does as
    often. Only a given name of the lexicon is widened: a handle ('Kidogo') stays as it is.
    On ingest-dev's HTML: 3 names widened to the true full name, 1 where the truth keeps
    the blog's display name ('Andrea' on andreabottlinger.wordpress.com)."""
    if " " in name or not is_given_name(name):
        return name
    after = Counter(
        m.group(1)
        for m in re.finditer(
            rf"(?<![\w-]){re.escape(name)}\s+([^\W\d_][\w'’-]+)(?![\w-])",
            page_text[:AS_WRITTEN_CHARS],
        )
    )
    after = Counter({w: n for w, n in after.items() if is_name_word(w) and not w.isupper()})
    ranked = after.most_common(2)
    if (
        not ranked
        or ranked[0][1] < FULL_NAME_SEEN
        or (len(ranked) > 1 and ranked[1][1] == ranked[0][1])
    ):
        return name
    return f"{name} {ranked[0][0]}"


FULL_NAME_SEEN = 2  # times the page writes the full name


def _page_hints(page: PageMeta, hints: Hints) -> None:
    """What the page's own markup says, over trafilatura's guesses where it is surer."""
    if hints.title:
        page.titles.add("trafilatura", hints.title)
    headlines = {key(t) for ts in page.titles.by_source.values() for t in ts}
    if hints.source and key(hints.source) not in headlines:  # trafilatura's site name may be
        page.titles.site_names.append(hints.source)  # the headline itself (ethify.org)
    title = choose_title(page.titles)
    if title:
        hints.title = title
    people, organisations = sort_credits(page.people)
    if people:  # structured data names the authors; trafilatura's guess may be a page's name
        hints.authors = people
    for org in page.organisations + organisations:
        if org not in hints.organisations:
            hints.organisations.append(org)
    site = site_keys(page.titles.site_names, page.titles.domain)
    _credit_publisher(hints, hints.authors, hints.organisations, _label(page.titles.domain))
    account = _blog_account(page.titles.domain)
    hints.authors = [
        a for a in hints.authors if not _names_site(a, site, person=True, account=account)
    ]
    hints.organisations = [o for o in hints.organisations if not _names_site(o, site)]
    if hints.published is None and (page.published or page.page_published):
        hints.published = parse_loose(page.published or page.page_published)
    hints.published = _page_date(hints.published, page, hints.original_url)


def _marked_credits(page: PageMeta, hints: Hints) -> None:
    """The author the page's HTML marks (pagemeta._bylines), when neither JSON-LD nor
    trafilatura named anyone: 'by <span class="author vcard">…uriebe…</span>' (sort_credits
    takes the byline word off)."""
    names = [n for b in page.marked_bylines for n in split_names(b)]
    people, organisations = sort_credits(drop_imprint(names))
    if people or organisations:
        _credit_found(page, hints, people, organisations)


def _head_byline(tree: etree._Element, title: str):
    """The credits of the lines under the headline, read as a scrape's head is (pagehead;
    metadata.extract's Meta), or None when the page has no such headline."""
    from archive.ingest import metadata
    from archive.ingest.pagehead import head_text
    from archive.ingest.text import read_markdown

    text = head_text(tree, title)
    return metadata.extract(read_markdown(text), scrape=False) if text else None


def _head_credits(tree: etree._Element, hints: Hints, page: PageMeta) -> None:
    """The byline under the headline when neither the markup nor trafilatura named anyone."""
    meta = _head_byline(tree, hints.title)
    if meta is None or ((hints.authors or hints.organisations) and not meta.authors):
        return  # the markup's or trafilatura's credit stands
    _credit_found(page, hints, meta.authors, meta.organisations)


def _widen_from_head(tree: etree._Element, hints: Hints) -> None:
    """A one-word author in the page's markup ('Todd' in JSON-LD) that the byline under the
    headline writes in full ('By Todd Bates'): the full name."""
    meta = _head_byline(tree, hints.title)
    if meta is None:
        return
    widened = []
    for name in hints.authors:
        prefix = name.casefold() + " "
        full = [f for f in meta.authors if " " not in name and f.casefold().startswith(prefix)]
        widened.append(full[0] if len(full) == 1 else name)
    hints.authors = list(dict.fromkeys(widened))


def _credit_found(page: PageMeta, hints: Hints, people: list[str], organisations: list[str]):
    """Credits found on the page (a mark, the byline) over trafilatura's guess, unless they
    confirm it (a person in both); the site's own publisher an organisation, the site's
    name no credit."""
    if set(map(str.casefold, hints.authors)) & set(map(str.casefold, people)):
        return  # the page confirms trafilatura's guess
    site = site_keys(page.titles.site_names, page.titles.domain)
    _credit_publisher(hints, people, organisations, _label(page.titles.domain))
    account = _blog_account(page.titles.domain)
    hints.authors = [
        a for a in hints.authors if not _names_site(a, site, person=True, account=account)
    ]
    hints.organisations = [o for o in hints.organisations if not _names_site(o, site)]


# Blog hosts that give each blog its account's name as the address's first label: the
# account is the blog's author ('creeny' of creeny.wordpress.com, a byline's 'von Creeny').
BLOG_HOSTS = ("wordpress.com", "blogspot.com", "blogspot.de", "tumblr.com", "livejournal.com",
              "substack.com", "medium.com", "typepad.com", "over-blog.com", "blog.de",
              "jimdofree.com", "wixsite.com", "hatenablog.com", "tistory.com")  # fmt: skip


def _blog_account(domain: str) -> str:
    """The account of a blog host's address ('creeny' of creeny.wordpress.com), else ''."""
    domain = domain.lower().removeprefix("www.")
    for host in BLOG_HOSTS:
        if domain.endswith("." + host):
            labels = domain[: -len(host) - 1].split(".")
            return labels[-1] if labels and labels[-1] != "www" else ""
    return ""


def _names_site(name: str, site: set[str], *, person: bool = False, account: str = "") -> bool:
    """'tagesschau.de' (or trafilatura's 'Tagesschau De') as the author of a tagesschau.de
    page is the site itself, already its source: no credit of its own. But a person's full
    name, first word a given name, on a blog named after its author (wolfgangschmale.eu,
    pamelaandersonfoundation.org) is the author. Measured on ingest-dev's HTML: keeping
    every name the site is named after found 12 true authors and 29 site names (the
    site's name then also stood in for the byline under the headline); keeping only full
    personal names found 3 and 1."""
    words = name.replace(".", " ").split()
    address = "." in name or (len(words) > 1 and words[-1].lower() in COMMON_TLDS)
    if len(words) > 1 and words[-1].lower() in COMMON_TLDS:
        words = words[:-1]
    if person and not address and len(words) >= 2 and is_given_name(words[0]):
        return False
    if person and account and key(name) == key(account):
        return False  # the blog's account, named as its author (BLOG_HOSTS)
    return bool(words) and key(" ".join(words)) in site


def _credit_publisher(hints: Hints, people: list[str], organisations: list[str], label: str):
    """hints.authors and hints.organisations from these, the site's own publisher read as a
    person moved to the organisations (_publisher_of)."""
    moved = [p for p in people if _publisher_of(p, label)]
    hints.authors = [p for p in people if p not in moved]
    hints.organisations = list(dict.fromkeys([*organisations, *moved]))


def _label(domain: str) -> str:
    """The address's own name: 'dw' of www.dw.com, 'drk' of www.drk.de."""
    labels = domain_labels(domain)
    return labels[-1] if labels else ""


def _publisher_of(name: str, label: str) -> bool:
    """A credit that names the site's own publisher: the initials of its first three words
    or more spell the address ('Deutsches Rotes Kreuz' on drk.de), or its first word is the
    address ('Diakonie Deutschland' on diakonie.de). A publisher is an organisation's credit,
    not a person's (issue 11); two initials are not enough ('Daniel Weber' on dw.com)."""
    words = [w for w in re.split(r"[\s\-‐]+", name) if w[:1].isupper() and not _LEGAL_FORM.match(w)]
    if len(words) < 2 or len(label) < 2:
        return False
    if len(label) >= 4 and key(words[0]) == label:
        return True
    initials = "".join(w[0] for w in words).lower()
    return any(initials[:n] == label for n in range(3, len(words) + 1))


_LEGAL_FORM = re.compile(r"(?i)^(?:gmbh|ag|eg|kg|se|ltd\.?|inc\.?|llc|plc|corp\.?|co\.?)$")


def _page_date(value, page: PageMeta, url: str):
    """The page's date (htmldate's, through trafilatura) when the page shows it: written in
    its text or its address; else the dateline under the headline. A date only the markup
    states (a meta tag, JSON-LD) on a page that shows none is a crawl, template or
    modification time as often as not (recipe, product and archive pages): measured on
    ingest-dev, trusting it found 22 more right dates and invented 26. Only an article's
    own published time (Open Graph's article:published_time, an Article's JSON-LD
    datePublished; not a plain WebPage's) is taken then; and not Open Graph's when the
    page's JSON-LD describes it as a web page (WebPage, FAQPage) and no article: an SEO
    plugin writes both for every page of a site, guides and shop pages too (selbstversorger.de,
    financescout24.de, reisen-mit-dem-internet.de). Measured: invented 39 -> 36 of 123,
    wrong 55 -> 54 (weinkenner.de), same day 633 -> 632 (businessjargons.com, a glossary
    page whose truth is its Open Graph day).

    A date the markup states in UTC is a day off the one the page shows when the story
    went out near midnight in the outlet's own zone (elpais.com, eltiempo.com,
    kas.de): the day the page shows wins then (_shown_day, _day_off). Measured on the 851
    pages of ingest-dev with a true date or none (bench.extraction): same day 616 -> 624,
    wrong 65 -> 63, invented on the 123 date-less pages unchanged (46).

    A page that shows no published date under its headline but an updated one ('Updated Mar
    12, 2020 @ 10:42 am', 'Stand: 05. Februar 2020', 'Last updated 04 Jun 2020, originally
    created 17 Jun 2019') is dated by that line, over a date its markup alone states: it is
    the one date the page shows its reader for the story (hellogiggles.com, realsimple.com,
    finanztip.de, pythonspeed.com). The scrape's head reading does the same ('Stand: …' when
    nothing else is). On ingest-dev: same day 624 -> 629, wrong 63 -> 60, nothing lost; no
    date-less page has such a line under its headline.

    A slash date whose first two numbers may both be the month ('11/01/2021', read day first
    as 11 January) shows htmldate's date when that is its other reading (1 November, as
    motor.at's article:published_time has it): the markup tells which the page means.
    On ingest-dev: one page right (motor.at), none lost."""
    stated = parse_loose(page.article_published or page.published)
    if value is not None:
        day = _day(value)
        if day in page.visible_dates or any(f.format(d=day) in url for f in _URL_DATES):
            return _shown_day(value, page, stated)
        if day in page.other_readings:  # '11/01/2021' on the page, 1 November in its markup
            return value
    if page.head_date is not None:
        return page.head_date
    if page.head_updated is not None:
        return page.head_updated
    if page.visible_dates:
        return _day_off(page.visible_dates, (value, stated))
    if stated is None or (page.page_typed and not page.article_typed):
        return None  # the page's JSON-LD calls it a web page: the Open Graph time is a page's
    if value is not None and _day(value) == _day(stated):
        return value
    return stated


def _shown_day(value, page: PageMeta, stated):
    """htmldate's date, shown on the page; but the dateline under the headline when it is
    one day off (the same story's time in another zone), or the article's stated
    published time when the page shows that day too and htmldate took another. Not a
    stated time in UTC one day off htmldate's shown day: that is the same moment, written
    in UTC, of a story the outlet dates by its own zone ('2023-11-09T05:30:59Z' of a
    twincities.com story the page dates Nov 8, which also shows Nov 9 for another story)."""
    day, head = _day(value), page.head_date
    if head is not None and abs((head - day).days) == 1:
        return head
    other_day = stated is not None and _day(stated) != day
    if other_day and _day(stated) in page.visible_dates and not _same_moment(stated, day):
        return stated
    return value


def _same_moment(stated, day: dt.date) -> bool:
    return _in_utc(stated) and abs((_day(stated) - day).days) == 1


def _in_utc(value) -> bool:
    """A time written with a zero offset ('…Z', '…+00:00'): in UTC, not the outlet's zone."""
    return isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0)


def _day_off(visible: set, markup: tuple) -> dt.date | None:
    """The one day the page shows within a day of a date its markup states, when the
    markup's own day is not shown; None when no shown day, or more than one, is that near."""
    days = [_day(m) for m in markup if m is not None]
    near = {d for d in visible if any(abs((d - m).days) <= 1 for m in days)}
    return near.pop() if len(near) == 1 else None


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


_URL_DATES = ("/{d:%Y}/{d:%m}/{d:%d}/", "{d:%Y-%m-%d}", "/{d:%Y}/{d:%m}/", "{d:%Y%m%d}")


def _body_blocks(body: etree._Element) -> list[Block]:
    """trafilatura's XML body -> Blocks."""
    blocks: list[Block] = []
    for element in body:
        tag = element.tag
        if tag == "head":
            blocks.append(_block(_HEAD.get(element.get("rend", "h2"), "h2"), _inline(element)))
        elif tag == "p":
            blocks.append(_block("p", _inline(element)))
        elif tag == "quote":
            blocks.append(_block("blockquote", _inline(element)))
        elif tag == "list":
            kind = "ol" if element.get("rend") == "ol" else "ul"
            items = "".join(f"<li>{_inline(item)}</li>" for item in element if item.tag == "item")
            blocks.append(Block(kind, items, fragment_text(items)))
        elif tag == "table":
            for row in element.iter("row"):
                cells = " | ".join(_inline(cell) for cell in row if cell.tag == "cell")
                blocks.append(_block("p", cells))
        else:
            blocks.append(_block("p", _inline(element)))
    return [b for b in blocks if b.text]


def _block(kind: str, inner: str) -> Block:
    inner = normalize_ws(inner)
    return Block(kind, inner, fragment_text(inner))


def _inline(element: etree._Element) -> str:
    """An element's content as inline HTML (em, strong, a href); other markup dropped.

    Understands both trafilatura's vocabulary (hi, ref, lb) and plain HTML (em, b, a, br).
    """
    parts = [htmllib.escape(element.text or "", quote=False)]
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            parts.append(htmllib.escape(child.tail or "", quote=False))
            continue
        inner = _inline(child)
        tag = child.tag.lower()
        rend = child.get("rend", "")
        wrap = _INLINE.get(rend, "") if tag == "hi" else _HTML_INLINE.get(tag, "")
        if wrap:
            inner = f"<{wrap}>{inner}</{wrap}>"
        elif tag in ("ref", "a"):
            href = child.get("target" if tag == "ref" else "href", "") or ""
            if _SAFE_HREF.match(href.strip()):
                inner = f'<a href="{htmllib.escape(href.strip())}">{inner}</a>'
        elif tag in ("lb", "br"):
            inner = "<br>"
        elif tag in _DROP:
            inner = ""
        elif tag not in _HTML_INLINE_PLAIN:
            inner = f" {inner} "
        parts.append(inner)
        parts.append(htmllib.escape(child.tail or "", quote=False))
    return "".join(parts)


def fragment_blocks(markup: str) -> list[Block]:
    """An HTML fragment that *is* the article (a JSON body) -> Blocks, keeping its structure."""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return read_text(re.sub(r"<[^>]*>", " ", markup))
    blocks: list[Block] = []
    _collect(root, blocks)
    return [b for b in blocks if b.text]


def _collect(container: etree._Element, blocks: list[Block]) -> None:
    """Walk block-level elements; loose inline content becomes paragraphs."""
    loose = [htmllib.escape(container.text or "", quote=False)]
    for child in container:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in _BLOCK_TAGS or tag in _CONTAINERS or tag in _DROP:
            _flush(loose, blocks)
            loose = []
            if tag in _CONTAINERS:
                _collect(child, blocks)
            elif tag in ("ul", "ol"):
                items = "".join(
                    f"<li>{normalize_ws(_inline(li))}</li>"
                    for li in child
                    if isinstance(li.tag, str) and li.tag.lower() == "li"
                )
                blocks.append(Block(tag, items, fragment_text(items)))
            elif tag not in _DROP:
                blocks.append(_block(_BLOCK_TAGS[tag], _inline(child)))
        elif tag == "br" and len(loose) > 0 and (child.tail or "").strip() == "":
            loose.append(" ")
        elif tag:
            loose.append(_inline_one(child))
        loose.append(htmllib.escape(child.tail or "", quote=False))
    _flush(loose, blocks)


def _inline_one(element: etree._Element) -> str:
    wrapper = etree.Element("span")
    wrapper.append(_copy(element))
    return _inline(wrapper)


def _copy(element: etree._Element) -> etree._Element:
    from copy import deepcopy

    clone = deepcopy(element)
    clone.tail = None
    return clone


def _flush(loose: list[str], blocks: list[Block]) -> None:
    text = "".join(loose)
    for para in re.split(r"\n\s*\n", text):
        if para.strip():
            blocks.append(_block("p", para))


def fallback_blocks(text: str) -> list[Block]:
    """The page's own paragraphs (or its text) when trafilatura found nothing."""
    try:
        root = lxml.html.fromstring(text)
    except (etree.ParserError, ValueError):
        return read_text(re.sub(r"<[^>]*>", " ", text))
    for bad in root.xpath("//script|//style|//noscript|//template|//nav|//header|//footer"):
        bad.drop_tree()
    body = root.find(".//body")
    blocks: list[Block] = []
    _collect(body if body is not None else root, blocks)
    return [b for b in blocks if b.text] or read_text(root.text_content())
