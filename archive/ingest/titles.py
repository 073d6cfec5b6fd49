"""Titles: the site name taken off, and the title the page's own candidates agree on.

A page names its article several times: the ``<h1>``, ``og:title``, ``twitter:title``, the
JSON-LD ``headline`` and ``<title>``. The last three often carry the site name
("… | TechCrunch", "… - Seznam Zprávy", "… | DW | 28.04.2023"), known from ``og:site_name``,
the publisher in JSON-LD or the domain. The site name (and a date) is taken off the ends; then
the candidate most of the others agree with wins, the ``<h1>`` first on a tie, because the
headline a reader sees is the title.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field

from archive.ingest.blocks import INVISIBLE
from archive.ingest.metadata import NAVIGATION

# " | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / " between a title and a site name;
# a guillemet only between spaces: «ganz normalem Deutsch» is a quotation, not two segments.
_SEPARATOR = re.compile(r"\s+(?:[|·•–—~»«/-]|::|:)\s+|\s*[|•]\s*")
_DATE_SEGMENT = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_NOT_KEY = re.compile(r"[\W_]+")
_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?[\w-]{1,63}(?:\.[\w-]{1,63}){0,3}\.[A-Za-z]{2,6}/?")
COMMON_TLDS = {"www", "com", "org", "net", "co", "uk", "de", "fr", "es", "it", "ch", "at",
                "news", "info", "edu", "gov", "io", "cz", "pl", "ru", "jp", "kr", "cn", "ar",
                "br", "mx", "cl", "pe", "eu", "nl", "be", "au", "ca", "in", "us", "m"}  # fmt: skip
# The order of preference on a tie: what a reader sees first.
SOURCES = ("h1", "og", "twitter", "jsonld", "title", "trafilatura", "h2")
MAX_TITLE = 300


@dataclass
class TitleCandidates:
    """What a page says its title is, by source, and what it says its site is."""

    by_source: dict[str, list[str]] = field(default_factory=dict)
    site_names: list[str] = field(default_factory=list)
    domain: str = ""

    def add(self, source: str, text: str) -> None:
        text = " ".join((text or "").translate(INVISIBLE).split())
        if text and len(text) <= MAX_TITLE:
            self.by_source.setdefault(source, []).append(text)


@functools.lru_cache(maxsize=4096)
def key(text: str) -> str:
    """'Seznam Zprávy' -> 'seznamzpravy': for comparing site names and domains (remembered:
    a page's candidates are compared with each other many times)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NOT_KEY.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def domain_labels(domain: str) -> list[str]:
    """The address's own words: 'sportowefakty', 'wp' of sportowefakty.wp.pl (no TLD, no www)."""
    return [p for p in domain.lower().split(".") if p and p not in COMMON_TLDS]


def site_keys(site_names: list[str], domain: str) -> set[str]:
    keys = {key(s) for s in site_names if key(s)}
    labels = domain_labels(domain)
    keys.update(key(label) for label in labels if len(label) >= 2)
    if labels:
        keys.add(key("".join(labels)))
    return keys


def _is_site(segment: str, keys: set[str]) -> bool:
    k = key(segment)
    if not k:
        return True  # punctuation left over between separators
    if k in keys:
        return True
    # "TechCrunch" on techcrunch.com, "Zeit Online" on zeit.de: one contains the other;
    # "Bibliothek 2.0 und mehr" on bibliothek2null.de: they begin alike, most of the shorter.
    # Not a sentence that begins with the site's initials ('DRK: Immer mehr Menschen …' on
    # drk.de): a site's name is a few words.
    if len(segment.split()) > SITE_WORDS:
        return False
    return len(k) >= 3 and any(
        len(s) >= 3 and (k.startswith(s) or s.startswith(k) or _alike(k, s)) for s in keys
    )


SITE_WORDS = 5  # words of a segment that can be a site's name by its beginning
SITE_PREFIX = 8  # letters a segment and a site's key must begin with alike


def _alike(a: str, b: str) -> bool:
    common = len(os.path.commonprefix([a, b]))
    return common >= SITE_PREFIX and common >= 0.6 * min(len(a), len(b))


def strip_site_name(title: str, site_names: list[str], domain: str = "") -> str:
    """Take the site name (and a date) off either end of a title; '' when nothing else is left."""
    keys = site_keys(site_names, domain)
    title = _without_whole_name(title, site_names)
    parts = _SEPARATOR.split(title)
    if len(parts) == 1:
        return "" if keys and key(title) in keys else title

    def removable(segment: str) -> bool:
        segment = segment.strip()
        return (
            _is_site(segment, keys)
            or _DATE_SEGMENT.fullmatch(segment) is not None
            or _DOMAIN.fullmatch(segment) is not None  # "… - Helge.at", "… | FASSETTE.NET"
            or _all_menu_words(segment)  # "Blog Archiv » …": the site's section
        )

    while len(parts) > 1 and removable(parts[-1]):
        parts.pop()
    while len(parts) > 1 and removable(parts[0]):
        parts.pop(0)
    if len(parts) == 1 and _is_site(parts[0], keys):
        return ""
    if len(parts) == len(_SEPARATOR.split(title)):
        return title  # nothing was the site name: separators inside a title stay
    # Rebuild from the original text between the first and last kept segment.
    first, last = parts[0], parts[-1]
    start = title.find(first)
    end = title.rfind(last) + len(last)
    return title[start:end].strip() if 0 <= start < end else " ".join(parts)


def _without_whole_name(title: str, site_names: list[str]) -> str:
    """'Energy Rising - 33 Tage … - Mady Morrison - Yoga Lifestyle' of the site 'Mady Morrison -
    Yoga Lifestyle': a site name with a separator of its own, taken off whole first (segment by
    segment, its pieces would not be known as the site's)."""
    for name in site_names:
        if len(_SEPARATOR.split(name)) < 2:
            continue
        for sep in _SEPARATOR.finditer(title):
            if sep.start() > 0 and key(title[sep.end() :]) == key(name):
                return title[: sep.start()].strip()
            if sep.end() < len(title) and key(title[: sep.start()]) == key(name):
                return title[sep.end() :].strip()
    return title


def _logo_headings(candidates: TitleCandidates) -> list[str]:
    """An <h1> that is the last segment of '<title>' ("Post | Blog Name" beside <h1>Blog
    Name</h1>) is the site's name in its header, by the convention of the site name last."""
    ends, firsts = set(), set()
    for source in ("title", "og", "twitter"):
        for text in candidates.by_source.get(source, []):
            parts = _SEPARATOR.split(text)
            if len(parts) > 1:
                # the site's name may hold a separator itself ('Mäscot das Schaf – Webcomic')
                ends.update(key("".join(parts[i:])) for i in range(1, len(parts)))
                firsts.add(key(parts[0]))
    h1s = candidates.by_source.get("h1", [])
    others = {key(v) for s in ("h1", "jsonld") for v in candidates.by_source.get(s, [])}
    # only when the first part is the headline somewhere else too (another <h1>, JSON-LD)
    return [h for h in h1s if key(h) and key(h) in ends and firsts & (others - {key(h)})]


def _of_site(value: str, keys: set[str]) -> bool:
    """An <h1> that is the site's name or a part of it ('Kabarett | Satire' of the site
    '2gewinnt | Kabarett | Satire', once the domain's word is off): the header's logo."""
    k = key(value)
    return k in keys or (len(k) >= 6 and any(k in s for s in keys))


def _agree(a: str, b: str) -> bool:
    ka, kb = key(a), key(b)
    if not ka or not kb:
        return False
    short, long = sorted((ka, kb), key=len)
    return short == long or (len(short) >= 0.6 * len(long) and long.startswith(short))


def choose_title(candidates: TitleCandidates) -> str:
    """The page's headline: its <h1> when it has one that is not the site's name or a menu
    heading (the headline a reader sees; og:title and <title> are often an SEO variant of
    it), the one the other candidates back when there are several; else the candidate most
    sources agree on. Each with the site name off."""
    keys = site_keys(candidates.site_names + _logo_headings(candidates), candidates.domain)
    names = candidates.site_names + _logo_headings(candidates)
    cleaned: dict[str, list[str]] = {}
    for source in SOURCES:
        for text in candidates.by_source.get(source, [])[:3]:
            value = _LEADING_ARROW.sub("", strip_site_name(text, names, candidates.domain))
            bare = value.rstrip(" .…")  # "Suchen…"
            menu = _MENU.match(bare) or NAVIGATION.match(bare) or _DOMAIN.fullmatch(value)
            # a menu's heading is nobody's title ("Hauptmenü" as trafilatura's title)
            if value and not menu and not (source in ("h1", "h2") and _of_site(value, keys)):
                cleaned.setdefault(source, []).append(value)
    if not cleaned:  # everything looked like the site's name: the page's own words, then
        return next((v[0] for s in SOURCES if (v := candidates.by_source.get(s))), "")

    def support(value: str, own: str) -> int:
        """Families of sources that agree: the meta tags and <title> copy each other."""
        # trafilatura's title is read from those same tags: it backs nothing on its own,
        # and their agreeing with it is no backing either
        families = {_FAMILY.get(s, s) for s, vs in cleaned.items()
                    if s not in (own, "trafilatura", "h2")  # an <h2> is backed, backs nothing
                    and not (own == "trafilatura" and _FAMILY.get(s) == "meta")
                    and any(_agree(v, value) or _segment_of(value, v) for v in vs)}  # fmt: skip
        return len(families)

    ranked = [(support(v, s), -i, v) for i, (s, v) in enumerate(
        (s, v) for s in SOURCES if s not in ("h1", "h2") for v in cleaned.get(s, []))]  # fmt: skip
    h1s = cleaned.get("h1", [])
    if h1s:
        # on a tie the longer: a section's heading ('Fachmeldungen') beside the headline
        best = max(h1s, key=lambda v: (support(v, "h1"), len(key(v)), -h1s.index(v)))
        # An <h1> nothing backs, beside a headline the meta tags and JSON-LD agree on, is a
        # widget's or a kicker's heading ("Neueste Kommentare", "Wann, wenn nicht jetzt..."),
        # unless it is the same headline in other words (the meta tags' is an SEO variant).
        if support(best, "h1") == 0 and ranked and max(ranked)[0] >= 1:
            backed = _untruncated(max(ranked)[2], cleaned)
            return best if _reworded(best, backed) else backed
        return best
    # No <h1>: an <h2> the meta tags back is the headline the page shows ('Mercurial's
    # Journey …' beside '<title>Gregory Szorc's Digital Home | Mercurial's Journey …');
    # one nothing backs is a section's or a widget's.
    h2s = [v for v in cleaned.get("h2", []) if support(v, "h2")]
    if h2s:
        return max(h2s, key=lambda v: (support(v, "h2"), len(key(v)), -h2s.index(v)))
    if not ranked:  # only <h2>s nothing backs, every other candidate the site's name: the
        return next(iter(cleaned.values()))[0]  # first (slf.ch), not trafilatura's 'SLF'
    return _untruncated(max(ranked)[2], cleaned)


_WORDS = re.compile(r"\w+")
_LEADING_ARROW = re.compile(r"^[\[(]?\s*(?:>+|›|»)\s+")  # '[> Jens Weber': a heading's arrow
REWORDED_SHARE = 0.5  # of each headline's words the other must hold


def _reworded(h1: str, backed: str) -> bool:
    """'Der Nervenkrieg um den Brexit geht in die nächste Runde' beside the meta tags' 'Brexit:
    Nervenkrieg geht in nächste Runde': most words of each are in the other, and the <h1> is
    not the backed headline with something added ('Headline: …', '… 02.02.2022 • Presse'), a
    label or a date of the page's that the meta tags leave off. On ingest-dev, 15 pages whose
    truth is the <h1> against 4 whose truth is the meta tags' headline, all four of that kind."""
    a, b = set(_WORDS.findall(h1.casefold())), set(_WORDS.findall(backed.casefold()))
    if not a or not b or key(backed) in key(h1):
        return False
    shared = len(a & b)
    return shared >= REWORDED_SHARE * len(a) and shared >= REWORDED_SHARE * len(b)


# A meta tag cut at a quotation mark its page left unescaped (content="Biden de "incapacitado""
# reads as 'Biden de '): the rest, a quotation, is in another candidate.
_QUOTE_AFTER = re.compile(r"^\s?[\"“„«‚'‘]")


def _untruncated(value: str, cleaned: dict[str, list[str]]) -> str:
    """The chosen title, or the same title in full from another source when the chosen one
    was cut at a quotation mark."""
    for values in cleaned.values():
        for other in values:
            rest = other[len(value) :] if other.startswith(value) else ""
            if rest and _QUOTE_AFTER.match(rest):
                return other
    return value


_FAMILY = {"og": "meta", "twitter": "meta", "title": "meta", "trafilatura": "meta"}
_MENU = re.compile(
    r"^(?:navigation|menu|menü|hauptmenü|search|suche|home|startseite|post navigation|"
    r"beitragsnavigation|allgemein|uncategorized|aktuelles|news|blog|archiv|archive|sections|"
    r"about|neueste kommentare|neueste beiträge|recent comments|kategorien|meta|"
    r"details?|detailansicht)$",
    re.IGNORECASE,
)


def _all_menu_words(segment: str) -> bool:
    words = segment.split()
    return 0 < len(words) <= 3 and all(_MENU.match(w) for w in words)


def _segment_of(value: str, other: str) -> bool:
    """'Mit Musiker Voodoo Jürgens in Wien' is a part of 'Durch die Gegend | Mit Musiker …'."""
    parts = _SEPARATOR.split(other)
    if len(parts) > 1:
        # a segment, or the segments after a kicker's ('Patch Notes - Patchnotes 4.47.4 - …')
        wanted = key(value)
        if any(key(p) == wanted for p in parts):
            return True
        if any(key("".join(parts[i:])) == wanted for i in range(1, len(parts))):
            return True
    # 'Klimaschutz: Bohren, bis es heiß wird' backs the <h1> 'Bohren, bis es heiß wird': a
    # kicker the meta tags join to the headline with a colon
    kicker, colon, rest = other.partition(": ")
    return bool(colon) and len(kicker.split()) <= KICKER_WORDS and key(rest) == key(value)


KICKER_WORDS = 6  # words of a kicker (Dachzeile) before a headline
