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

from archive.ingest.blocks import Block, fragment_text, word_count
from archive.ingest.credits import ACCOUNTS, newsroom_credit, organisation, sort_credits
from archive.ingest.dates import (
    PUBLISHED_LABEL,
    before_updated,
    date_span,
    find_dateline,
    search_date,
    search_leading_date,
)
from archive.ingest.names import (
    ROLE,
    clean_author,
    is_given_name,
    merge_authors,
    only_separators,
    split_names,
)
from archive.ingest.types import Metadata

HEAD_BLOCKS = 10  # how far from the top (or from the title) bylines and datelines are looked for
NAME_LINK_BLOCKS = 3  # a bare name link is the byline only right below the title
STANDFIRSTS = 1  # ... or below the standfirst: one long paragraph, no more, above it
DATE_BLOCKS = 15  # how far below the title a date inside a line is searched for
HEAD_PARAGRAPHS = 3  # a standfirst and a caption may stand above the dateline; no more
TITLE_BLOCKS = 150  # how far down a scrape's navigation the title heading may stand
BEFORE_TITLE = 5  # datelines and bylines may stand this many blocks above the title
DATELINE_WORDS = 14  # a line with a date and more words than this is a sentence, not a dateline
BODY_WORDS = 25  # a paragraph this long is the article's text: the head has ended

# Byline words in many languages; "By" alone on its line takes the names from the next line.
_BY_WORDS = (
    r"by|von|par|por|di|door|av|af|przez|od|от|автор|written by|posted by|published by|"
    r"veröffentlicht von|publicado por|pubblicato da|gepubliceerd door|geschrieben von|"
    r"verfasst von|publié par|escrit[oa] por|scritto da|an analysis by|a commentary by|"
    r"an opinion by|analysis by|commentary by|a column by|reporting by|eine analyse von|"
    r"ein kommentar von|text von|texto de|texte de|story by|words by|photos and text by|"
    r"erstellt von|ein beitrag von|beitrag von|blog beitrag von|blogbeitrag von|gastbeitrag von|"
    r"artikel von|ein artikel von|article by|an article by|un article de|article de|"
    r"artículo de|un artículo de|articolo di|un articolo di|eine kolumne von|kolumne von|"
    r"ein interview von|ein essay von|ein gastkommentar von|gastkommentar von|"
    r"une chronique de|una columna de|"
    # a forum thread's opening post: "Thread starter Tiberius", "Themenstarter Pepemaus"
    r"thread starter|themenstarter|started by|gestartet von"
)
_BY_LABELS = (
    r"text|texte|texto|author|authors|autor:innen|autor\*innen|autor_innen|autorinnen|"
    r"autor|autorin|autoren|autor/in|autor\*in|autor:in|"
    r"auteur|auteurs|autore|writer|"
    r"author of the article|autor des artikels|redakteur|redakteurin|reporter|verfasser|"
    r"verfasserin|escrito por|por|von|by|redaktion|"
    r"kolumnist\*in|kolumnist:in|kolumnist_in|kolumnistin|kolumnist|columnist|columnista|"
    r"text (?:&|und|and) (?:fotos?|bilder?|photos?)|texto y fotos|texte et photos|"
    # only with a colon after them ("责任编辑：孔德明"): "[编辑](#)" alone is an edit button
    r"作者(?=[:：])|记者(?=[:：])|記者(?=[:：])|编辑(?=[:：])|责任编辑|責任編輯|撰文(?=[:：])|文(?=[:：])"
)
BYLINE = re.compile(
    rf"^[|/·•\-–—\s]{{0,6}}(?:(?:{_BY_WORDS})(?:\s*:)?\s|(?:{_BY_LABELS})\s*[:：](?!in(?:nen)?\b)"
    # "PorRodolfo Costa", "VonMarkus Mäser": the word glued to the linked name after it
    r"|(?:by|von|por|par|door|przez)(?=(?-i:[A-ZÀ-ÖØ-Þ])))"
    r"\s*(?P<names>.+)$",
    re.IGNORECASE,
)
# "18.03.2020 13:15 Uhr  Autor/in: Korinna Hennig": a labelled byline inside a head line.
# ("Autor:innen", "Autor:in": a gender-inclusive plural, the label itself, not "Autor: innen")
_LABEL_INLINE = re.compile(
    rf"(?:^|[\s|•·/])(?:{_BY_LABELS})\s*[:：](?!in(?:nen)?\b)\s*(?P<names>[^|•·\n]{{2,80}})",
    re.IGNORECASE,
)
# A name between a byline word and the date's "on" inside a head line (a blog's post line).
_BY_ON_DATE = re.compile(
    r"(?:^|\s)(?:by|von|par|por|door)\s+(?P<names>[^|•·,]{2,60}?)\s+(?:on|am|le|el|il|op)\s+",
    re.IGNORECASE,
)
# An interview's credit line; a headline "Interview: Der Minister spricht" is no name.
_INTERVIEW_BY = re.compile(
    r"^[*_\s]{0,3}(?:interview|entretien|entrevista)\s*:\s*(?P<names>.+)$", re.I
)
# A byline as a later field of a head line: "yas! | By Cara Stiles | April 13, 2020".
_BY_SEGMENT = re.compile(rf"\s[|•·]\s*(?=(?:{_BY_WORDS})(?:\s*:)?\s)", re.IGNORECASE)
_BY_ALONE = re.compile(rf"^[|/·•\-–—\s]{{0,3}}(?:{_BY_WORDS}|{_BY_LABELS})\s*:?$", re.IGNORECASE)
# Headings and lines of a site's furniture, never the title (a lexicon, many languages).
NAVIGATION = re.compile(
    r"^(?:navigation|main navigation|navigation und service|hauptmen(?:ü|u)|men(?:ü|u)|"
    r"servicemen(?:ü|u)|suche|suchen|suchformular|search|login|log in|sign in|anmelden|einloggen|"
    r"edition|donate|spenden|breadcrumb(?: trail)?(?: links)?|skip to (?:main )?content|"
    r"zum inhalt springen|springe direkt zu|direkt zum inhalt|toggle navigation|schließen|"
    r"skip navigation|skip to navigation|"
    r"close|home|startseite|accueil|inicio|up next|most popular|meistgelesen|trending|"
    r"related|related articles|more stories|weitere artikel|ähnliche beiträge|ähnliche artikel|"
    r"lesen sie auch|das könnte sie "
    r"auch interessieren|newsletter|subscribe|abonnieren|footer|sidebar|share|teilen|"
    r"kommentare|comments|werbung|advertisement|anzeige|cookie(?:s| settings)?|"
    r"datenschutz(?:erklärung)?|privacy policy|impressum|kontakt|contact(?: us)?|"
    r"s'abonner|se connecter|connexion|rechercher|buscar|iniciar sesión|cerca|accedi|"
    r"categories|kategorien|archive|archiv|tags|schlagwörter|recent posts|neueste beiträge|"
    r"top stories|latest news|latest stories|more news|breaking news|most read|editors' picks|"
    r"live|video|videos|podcast|podcasts|opinion|meinung|politik|wirtschaft|sport|kultur|"
    r"share this|shares|most popular(?: today)?|explore further|related tags|related topics|"
    r"recommended(?: for you)?|empfohlen|weitere themen|breaking news emails|sponsored links?|"
    r"スポンサードリンク|関連記事|相关新闻|相关阅读|관련기사|más noticias|articles liés|"
    r"à lire aussi|lire aussi|leggi anche|ver también|veja também|beitragsnavigation|"
    r"post navigation|navigation des articles|neueste kommentare|recent comments|"
    r"letzte kommentare|commentaires récents|e-mail-abo|email subscription|hauptinhalt|"
    r"inhalt|inhaltsverzeichnis|contents|table of contents|rubriken|ressorts|sections|"
    r"sommaire|índice|indice|related videos|ähnliche videos|相关视频|menu di navigazione|"
    r"menú de navegación|menu de navigation|navigationsmenü|main menu|site navigation)"
    r"\s*:?$",
    re.IGNORECASE,
)
# Words of buttons and links, never of a person's name (a bare link below the title with one
# of them is not a byline).
INTERFACE_WORDS = {
    "this", "ads", "ad", "theme", "chapter", "page", "more", "all", "here", "now", "read",
    "share", "tweet", "email", "e-mail", "mail", "print", "report", "remove", "view", "show",
    "hide", "login", "menu", "back", "next", "previous", "top", "home", "news", "subscribe",
    "comment", "comments", "zum", "zur", "mehr", "alle", "hier", "jetzt", "lesen", "teilen",
    "weiter", "zurück", "drucken", "voting", "tested", "kitchen", "recipe", "recipes", "video",
    "podcast", "karte", "kartenansicht", "artikelübersicht", "übersicht", "tous", "lire",
    "partager", "plus", "leer", "más", "compartir", "leggi", "tutti", "condividi", "download",
    "tweeten", "twittern", "mailen", "posten", "pinnen", "merken", "whatsapp", "facebook",
    "twitter", "linkedin", "xing", "telegram", "reddit", "flipboard", "pinterest", "messenger",
    "pdf", "vorschau", "preview", "galerie", "gallery", "blog", "blog's", "blogs",
}  # fmt: skip
NAV_LINK_DENSITY = 0.5  # a heading or line mostly of links is navigation, not the title
ALL_LINKS = 0.8  # a long block this much of links is a menu or a list of stories
# Where a date starts in a byline ("Paul Serran Jul. 19, 2026 9:45 am", "X // 1. November").
_DATE_START = re.compile(
    r"(?:\s|(?=[|/·•]))(?:[|/·•–—-]{1,2}\s*)?(?=\d{1,4}[./\-年년]|\d{1,2}\.?\s[^\W\d_]{3,12}"
    r"|[^\W\d_]{3,9}\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s\d{4})"
)
# "Par Kab Niang le 12 février": the word that leads into the date is not the name's.
_BEFORE_DATE = re.compile(r"\s+(?:le|am|on|el|il|den|the|at|du|vom|de)$", re.IGNORECASE)
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
    title_index: int = -1  # the block the title was read from
    long_paragraphs: int = 0  # long paragraphs below the title: past a standfirst, the text began
    known_date: dt.date | None = None
    title_date: dt.date | None = None  # a date that opened the title heading
    date_index: int = -1  # the head block the date was read from
    headings: set[str] = field(default_factory=set)  # the text's own subheadings (_heading_key)
    link_lists: set[int] = field(default_factory=set)  # link lines among links not names
    above_title: set[int] = field(default_factory=set)  # link lines a byline may be, on top


def extract(blocks: list[Block], *, known_date: dt.date | None = None, scrape: bool = True) -> Meta:
    """Read the metadata lines of a scraped text; see the module docstring.

    known_date: the date the container (JSON, HTML metadata) gave. Then only a dateline with
    that same date is taken as one: other dated lines ("Record March 31, 1987") are content.
    scrape: the blocks are a scraped text, not what trafilatura found in a page (whose dates
    htmldate has searched already): a lone date line below the text is its date too.
    """
    meta = Meta(known_date=known_date)
    meta.headings = {_heading_key(b.text) for b in blocks if b.kind in ("h2", "h3", "h4")}
    meta.headings.discard("")
    meta.link_lists = _link_lists(blocks)
    title_index = meta.title_index = _find_title(blocks, meta)
    meta.above_title = _links_above_title(blocks, title_index)
    head_start = max(0, title_index - BEFORE_TITLE) if title_index >= 0 else 0
    head_end = (title_index if title_index >= 0 else 0) + HEAD_BLOCKS
    pending_by = False  # "By" alone on a line: the names are on the next
    stretched = 0
    for index, block in enumerate(blocks):
        # share buttons between the headline and the text do not count
        above_text = meta.long_paragraphs <= STANDFIRSTS
        if index < head_end and stretched < HEAD_FURNITURE and above_text and _button(block):
            head_end, stretched = head_end + 1, stretched + 1
        if index in meta.consumed or block.kind not in _HEAD_KINDS:
            pending_by = False
            continue
        long_paragraph = block.kind not in ("h2", "h3", "h4")  # a long heading: a standfirst
        if index > title_index >= 0 and long_paragraph and word_count(block.text) >= BODY_WORDS:
            meta.long_paragraphs += 1
        if index > title_index >= 0 and _ends_head(block, meta) and not _is_menu(block):
            head_end = min(head_end, index)  # other stories' teasers: the head is over
        in_head = head_start <= index < head_end
        if in_head and pending_by and _read_names(block.text, meta, index, "metadata:byline"):
            pending_by = False
            meta.lead_before = max(meta.lead_before, _names_below(blocks, meta, index))
            continue
        pending_by = in_head and _BY_ALONE.match(block.text) is not None
        if pending_by:
            meta.consumed[index] = ("metadata:byline", "byline")
            continue
        if in_head and _read_head_line(block, meta, index):
            last = index
            if meta.authors and meta.consumed[index][0] == "metadata:byline":
                last = _names_below(blocks, meta, index)
            meta.lead_before = max(meta.lead_before, last)
            continue
        if block.kind in ("p", "title"):
            _read_anywhere_line(block, meta, index, near_end=index >= len(blocks) - 8)
    if meta.published is None and known_date is None:
        _search_head_date(blocks, meta, head_start, title_index)
    if meta.published is None and known_date is None:
        _labelled_date(blocks, meta)
    if meta.published is None and known_date is None:
        _as_of_date(blocks, meta, head_start, title_index)
    if meta.published is None and known_date is None:
        meta.published = meta.title_date
    if meta.published is None and known_date is None and scrape:
        _lone_date(blocks, meta, title_index)
    if not meta.authors and meta.date_index >= 0:
        _name_beside_date(blocks, meta)
    if not meta.authors and not meta.organisations:
        _labelled_anywhere(blocks, meta)
    if not meta.authors and not meta.organisations:
        _label_above_name(blocks, meta)
    if not meta.authors and not meta.organisations:
        _signed_at_end(blocks, meta)
    if not meta.authors and not meta.organisations:
        _linked_name_beside_date(blocks, meta)
    if not meta.authors and not meta.organisations:
        _name_over_bio(blocks, meta)
    if not meta.authors and not meta.organisations:
        _newsroom_in_head(blocks, meta, head_start, title_index)
    _confirm_with_end_notes(blocks, meta)
    return meta


_HEAD_KINDS = ("p", "title", "h2", "h3", "h4", "ul")
HEAD_FURNITURE = 20  # button lines ("Teilen", "Twittern", "Pinnen", …) the head may stretch by


def _newsroom_in_head(blocks: list[Block], meta: Meta, start: int, title_index: int) -> None:
    """'Redaktion' (a credit label with no name after it), 'Emotion Redaktion', 'Redaktion
    Polizeiticker Schweiz', 'Redaktion 1. November 2023 10:29' under the headline: the
    newsroom credits itself, an organisation's credit. Only in the head (above the text's
    second long paragraph) and only when nothing else named anybody; the first counts."""
    long_paragraphs = 0
    for index in range(start, min(len(blocks), max(title_index, 0) + HEAD_BLOCKS)):
        block = blocks[index]
        if index > title_index and long_paragraphs > STANDFIRSTS:
            return
        if word_count(block.text) >= BODY_WORDS:
            long_paragraphs += index > title_index
            continue
        if index == title_index or block.kind not in ("p", "h2", "h3", "h4"):
            continue
        text = block.text
        span = date_span(text) if word_count(text) <= DATELINE_WORDS else None
        if span is not None:  # "Redaktion 1. November 2023 10:29": the credit beside the date
            text = text[: span[0]] if span[0] else _TIME_AFTER.sub("", text[span[1] :])
        credit = newsroom_credit(text)
        if credit:
            meta.organisations.append(credit)
            meta.consumed.setdefault(index, ("metadata:byline", "the newsroom's credit"))
            return


NAMES_BELOW = 4  # lines below a byline that may still name its authors ("and", "@handle")
_INITIALS = re.compile(r"^[A-ZÀ-Þ]{1,3}$")  # "LP" above "Luana Patriolino": an avatar's letters
_AT_NAME = re.compile(r"^@[\w.]{2,30}$")


def _names_below(blocks: list[Block], meta: Meta, index: int) -> int:
    """A byline whose names stand on lines of their own: 'By' · '[David Brand](#)' · 'and' ·
    '[Ramsey Khalifeh](#)', '[April Roach](#)' · '[@aprilroach28](#)' · "[Daniel O'Mahony](#)",
    'LP' · 'Luana Patriolino' · 'RF' · 'Raphael Felice'. Below the byline's line, past lines
    of a separator, a handle or an avatar's initials, a linked person's name (or a plain one
    after a separator or that starts with a given name) is another author. The index of the
    last line read."""
    last, joined = index, False
    for below in range(index + 1, min(len(blocks), index + 1 + NAMES_BELOW)):
        block = blocks[below]
        text = block.text.strip()
        if block.kind not in ("p", "h3", "h4") or not text:
            break
        if only_separators(f" {text} ") or _AT_NAME.match(text) or _INITIALS.match(text):
            joined = joined or only_separators(f" {text} ")
            continue
        name = text.strip(_EDGES)
        if not _dated_name(name) or _in_link_list(block, below, meta):
            break
        if not (block.link_only or joined or is_given_name(name.split()[0])):
            break
        meta.authors = merge_authors(meta.authors, [name])
        for k in range(last + 1, below + 1):
            meta.consumed[k] = ("metadata:byline", "byline")
        last, joined = below, False
    return last


def _button(block: Block) -> bool:
    """A link of a word or two alone on its line: a share bar's or a menu's button."""
    return block.link_only and block.kind == "p" and word_count(block.text) <= 2


def _search_head_date(blocks: list[Block], meta: Meta, start: int, title_index: int) -> None:
    """A date inside a head line that is not only a dateline ('Von X // 1. November 2023',
    '12:20pm Jan 7, 2024'), a date that opens a longer line ('Wien, 14. Dezember 2021 – …'),
    or an item of a list ('* 10 April 2020'): searched from a few blocks above the title to
    the article's first long paragraphs, past menus, never in 'updated' or copyright lines
    (dates.search_date)."""
    long_paragraphs = 0  # long paragraphs passed: a standfirst, a caption, then the text
    for index in range(start, min(len(blocks), max(title_index, 0) + DATE_BLOCKS)):
        block = blocks[index]
        if index > title_index and long_paragraphs >= HEAD_PARAGRAPHS:
            return  # the text has begun (a paragraph that opens with a date was read)
        if index > title_index and _ends_head(block, meta) and not _is_menu(block):
            return  # other stories' teasers; a menu of short links is only passed
        found = _head_line_date(block, is_title=index == title_index)
        if found is not None:
            meta.published, meta.date_index = found, index
            return
        if index > title_index and word_count(block.text) >= BODY_WORDS:
            long_paragraphs += 1


def _head_line_date(block: Block, *, is_title: bool) -> dt.date | None:
    if block.kind in ("ul", "ol"):
        for item in _list_items(block):
            found = search_date(item) if _may_be_dateline(item) else None
            if found is not None:
                return found
        return None
    if is_title:  # "# 23.01.2022 - Dorothea Wierer darf …": only a date that opens it
        return search_leading_date(block.text)
    if _may_be_dateline(block.text):
        return search_date(block.text)
    return search_leading_date(block.text)


def _list_items(block: Block) -> list[str]:
    """The plain text of each item of a list block (its html keeps them in <li>)."""
    return [fragment_text(item) for item in block.html.split("</li>") if item.strip()]


MENU_ITEM_WORDS = 4  # a list whose links are this short on average is a menu, not teasers


def _is_menu(block: Block) -> bool:
    """A list of short links ('Start Timeline Fotoalben', 'Inhalt Hauptmenu Suche'): the
    site's menu, which scrapes keep below the title; unlike a list of other stories' headlines
    it does not end the article's head."""
    if block.kind not in ("ul", "ol"):
        return False
    items = _list_items(block)
    return bool(items) and sum(word_count(i) for i in items) / len(items) <= MENU_ITEM_WORDS


def _labelled_date(blocks: list[Block], meta: Meta) -> None:
    """'Veröffentlicht am: 6. August 2009' below a blog post: a line that says it gives the
    publication date is read wherever it stands (never an 'updated' line: search_date)."""
    for block in blocks:
        lines = _list_items(block) if block.kind in ("ul", "ol") else [block.text]
        for text in lines:  # "* Author: X * Published: 03 December 2019 * Updated: …"
            if PUBLISHED_LABEL.match(text) and _may_be_dateline(text):
                found = search_date(text)
            else:
                footer = _POST_FOOTER.match(text) if len(text) <= FOOTER_CHARS else None
                found = search_date(text[footer.end() :]) if footer else None
            if found is not None:
                meta.published = found
                return


# A blog theme's sentence under a post that says when it was published: 'This entry was
# posted in News on May 5, 2015 by Ann', 'Dieser Beitrag wurde am 04/02/2020 von kj in …
# veröffentlicht', 'Dieser Eintrag wurde veröffentlicht in Politik … am 11. Dezember 2012'.
# The date is read from the text after its 'on'/'am'/'le'/'el'.
_POST_FOOTER = re.compile(
    r"^[*_\s]{0,4}(?:this (?:entry|post|article) was (?:posted|published|written|filed)"
    r"|(?:dieser|der) (?:beitrag|eintrag|artikel) wurde(?: veröffentlicht| geschrieben)?"
    r"|cette (?:entrée|publication) a été publiée|esta entrada (?:fue|se) publicó|"
    r"esta entrada fue publicada|questo articolo è stato pubblicato|"
    r"deze (?:post|bericht) (?:werd|is) geplaatst)"
    r"(?:\s.{0,160}?)?\s(?:on|am|le|el|il|op)\s",
    re.IGNORECASE,
)
FOOTER_CHARS = 400


def _lone_date(blocks: list[Block], meta: Meta, title_index: int) -> None:
    """A line that is a date and nothing else, below the text ('21.01.2022' over a 'Back'
    link: where many sites' templates put it): the first such line below the title, up to a
    few blocks past the text's last long paragraph, when no dateline stands in the head. Not
    a date beside another story's linked headline (next and previous posts, teasers), below
    an 'updated' label, or past the comments' or related stories' heading."""
    text_ends = _text_ends(blocks)
    text_ends = len(blocks) if text_ends < 0 else text_ends
    for index in range(max(title_index, 0) + 1, min(len(blocks), text_ends + LONE_DATE_AFTER)):
        block = blocks[index]
        if block.kind in ("h2", "h3", "h4") and _TAIL_HEADING.search(block.text):
            return
        # "07/05/2022 20H06 - ACTUALIZADO A 07/05/2022 20H17": the date before the update
        text = before_updated(block.text).strip(" -–—|·")
        if block.kind != "p" or index in meta.consumed or not 0 < len(text) <= LONE_DATE_CHARS:
            continue
        line = find_dateline(text)  # "5. November 2021 Bestellinformationen"
        found = line[1] if line and not line[0] else None
        found = found or (search_date(text) if _mostly_date(text) else None)
        if found is None:
            continue
        near = [blocks[i] for i in (index - 1, index + 1) if 0 <= i < len(blocks)]
        if any(_linked_headline(b) for b in near) or _updated_label(near[0].text):
            continue
        meta.published, meta.date_index = found, index
        return


LONE_DATE_CHARS = 40
LONE_DATE_AFTER = 4  # blocks past the text's last long paragraph: a page's footer is no date
_TAIL_HEADING = re.compile(
    r"\b(?:comments?|kommentare?|antworten|responses?|replies|reactions|commentaires?|"
    r"comentarios?|commenti|reacties|komentarze|related|ähnliche|verwandte|weitere|"
    r"more from|more stories|auch interessant|lesenswert|das könnte|recent|neueste|"
    r"read next|lire aussi|à lire|leggi anche|lea también)\b",
    re.IGNORECASE,
)


def _updated_label(text: str) -> bool:
    """A short line that is only an 'updated' label ('Letzte Änderung', 'Stand:')."""
    return bool(text) and word_count(text) <= 3 and not before_updated(text).strip(" *_:-")


def _linked_headline(block: Block) -> bool:
    """Another story's linked headline, or a list of them."""
    if block.kind in ("ul", "ol"):
        return block.link_density >= NAV_LINK_DENSITY and not _is_menu(block)
    return block.link_only and (block.kind in ("h2", "h3", "h4") or word_count(block.text) >= 3)


_AS_OF = re.compile(r"^[*_\s]{0,3}stand\s*:?\s+", re.IGNORECASE)


def _as_of_date(blocks: list[Block], meta: Meta, start: int, title_index: int) -> None:
    """'Stand: 28.04.2020 18:00 Uhr' under a German headline: the time the text was last
    set, which news sites show in place of a dateline. Taken only in the head and only
    when no dateline, dated byline or labelled publication date was found."""
    for index in range(start, min(len(blocks), max(title_index, 0) + DATE_BLOCKS)):
        text = blocks[index].text
        label = _AS_OF.match(text)
        if label and _may_be_dateline(text):
            found = search_date(text[label.end() :])
            if found is not None:
                meta.published, meta.date_index = found, index
                return


def _may_be_dateline(text: str) -> bool:
    """A short line that is not a sentence: 'The treaty was signed on January 5, 2019.' is
    about the story, 'Published Jun 05, 2026 • 3 minute read' about the article."""
    words = word_count(text)
    return words <= DATELINE_WORDS and not (words > 6 and ends_sentence(text))


def _find_title(blocks: list[Block], meta: Meta) -> int:
    """The title: the first top heading that is not navigation, near the top or below a
    scrape's navigation; else the first line when it looks like one. Its index, or -1."""
    linked = -1  # a top heading that is all one link: the site's logo, or a self-link
    long_lines = 0  # long paragraphs passed: a cookie or browser notice, a teaser, or the text
    for index, block in enumerate(blocks[:TITLE_BLOCKS]):
        if block.kind == "title" and not block.text.strip():
            continue  # "# " alone: the heading of a logo image, its text lost in the scrape
        if block.kind == "title" and not _navigation_heading(block):
            if block.link_only and linked < 0:
                linked = index  # the title only if no plain top heading follows
                continue
            below = _post_heading_below(blocks, index)
            return _take_title(blocks, meta, index if below < 0 else below)
        if index >= 2 and word_count(block.text) >= BODY_WORDS and not is_navigation(block):
            long_lines += 1
            previous = blocks[index - 1]
            if long_lines > NOTICES_BEFORE_TITLE or word_count(previous.text) >= BODY_WORDS:
                break  # the article has begun without a heading: two long paragraphs in a row
    if linked >= 0:
        below = _post_heading_below(blocks, linked)
        return _take_title(blocks, meta, linked if below < 0 else below)
    for index, block in enumerate(blocks[:HEAD_BLOCKS]):
        if word_count(block.text) >= BODY_WORDS and not is_navigation(block):
            break  # the text began: a heading below it is a section's
        if block.kind in ("h2", "h3") and _heading_title(block):
            if _empty_section(blocks, index):
                continue  # "## Vereinsfinder", "## Kommende Events": a box's heading
            # no top heading: the first heading above the text, linked or not, past a
            # breadcrumb and a section's name ("* Home * News … ", "News", "## Apple …")
            meta.title = block.text
            meta.consumed[index] = ("metadata:title", "used as the title")
            return index
    for index, block in enumerate(blocks[:HEAD_BLOCKS]):
        if _is_dateline(block.text) or BYLINE.match(block.text) or _BY_ALONE.match(block.text):
            continue
        if block.kind in ("h2", "h3") and _heading_title(block):
            if _empty_section(blocks, index):
                continue
            meta.title = block.text  # no top heading: the first heading, linked or not
            meta.consumed[index] = ("metadata:title", "used as the title")
            return index
        if is_navigation(block) or (block.link_only and word_count(block.text) <= 4):
            continue  # a menu, a site's or an author's name
        if looks_like_title(block) and index < len(blocks) - 1:  # a lone line is the article
            meta.title = block.text
            meta.consumed[index] = ("metadata:title", "used as the title")
            return index
        return -1
    return -1


_RANK = {"title": 1, "h2": 2, "h3": 3, "h4": 4}


def _empty_section(blocks: list[Block], index: int) -> bool:
    """A short heading with nothing under it: the next block is a heading of the same rank
    or higher ('## Allgemein' then '## Malaga, die quirlige Metropole …'), the heading of a
    category, a sidebar's box or an empty widget, not the article's (a subtitle is lower; a
    longer heading is the headline, a sidebar's box may follow it: '## Recent Posts')."""
    if index + 1 >= len(blocks) or word_count(blocks[index].text) > SITE_NAME_WORDS:
        return False
    nxt = blocks[index + 1]
    if nxt.link_only:
        return False  # "## Corona", "## [Corona: Dumme Zuversicht](#)": a list of stories
    below = _RANK.get(nxt.kind)
    return below is not None and below <= _RANK.get(blocks[index].kind, 4)


def _heading_title(block: Block) -> bool:
    text = block.text
    if _furniture(text) or _is_dateline(text) or _mostly_date(text) or BYLINE.match(text):
        return False  # "## Dienstag, 28. April 2020": a blog's day, its posts below
    return not _BY_ALONE.match(text)


LABEL_WORDS = 4  # "Benutzername:", "Faire un don :": a heading this short ending in a colon


def _furniture(text: str) -> bool:
    """A heading of the site's, not the article's: navigation ('Hauptmenü', 'Haupt-Navigations-
    Menü'), or a form's or a box's label ('Benutzername:', 'Faire un don :')."""
    text = text.strip(" #*|>-")
    if NAVIGATION.match(text) or (_NAVIGATION_WORD.search(text) and len(text.split()) <= 3):
        return True
    return text.endswith((":", "：")) and len(text.split()) <= LABEL_WORDS


# In a short heading, a word of navigation, alone or in a compound ("Unternavigationsmenü",
# "Seitennavigation", "Profile Menu", "Footer-Menü", "Social Network Links", "Quick Links").
_NAVIGATION_WORD = re.compile(
    r"navigation|navegación|navigazione|(?:^|[\s-])\w*men(?:u|ü)$|\w\s+links$", re.I
)


NOTICES_BEFORE_TITLE = 2  # long paragraphs above the top heading that may still be furniture
SITE_NAME_WORDS = 3  # a top heading this short with a post's heading below it is the blog's name
POST_HEADING_BLOCKS = 8  # how far below the blog's name the post's heading may stand


def _post_heading_below(blocks: list[Block], index: int) -> int:
    """A blog's name as the top heading ('# Zahlenzauberin', '# jan-grosser.de') and the post's
    own heading right below it ('### Was zum hören in den Ferien'): the index of the post's
    heading, or -1. The top heading must be a domain or a few words; the heading below must
    be longer, come before the text begins, and not be navigation or a date."""
    top = blocks[index].text
    if not (_DOMAIN.search(top) or word_count(top) <= SITE_NAME_WORDS):
        return -1
    for below in range(index + 1, min(len(blocks), index + 1 + POST_HEADING_BLOCKS)):
        block = blocks[below]
        if word_count(block.text) >= BODY_WORDS:
            return -1  # the text began under the top heading: it is the title
        if block.kind in ("title", "h2", "h3") and not _navigation_heading(block):
            if _is_dateline(block.text) or _mostly_date(block.text):
                continue  # "## 2019-01-01", "## mardi 5 juin 2018" above the post's heading
            longer = word_count(block.text) > word_count(top) and word_count(block.text) >= 3
            if not longer or ends_sentence(block.text):
                return -1
            # a short top heading and a longer one below may be a headline and its subtitle:
            # only a post's heading has the post's dateline or byline beside it
            return below if _DOMAIN.search(top) or _dated_or_signed(blocks, below, index) else -1
    return -1


def _dated_or_signed(blocks: list[Block], heading: int, top: int) -> bool:
    for index in range(max(top + 1, heading - 2), min(len(blocks), heading + 4)):
        text = blocks[index].text
        if index == heading or word_count(text) > DATELINE_WORDS:
            continue
        if date_span(text) is not None or BYLINE.match(text) or _BY_ALONE.match(text):
            return True
        as_of = _AS_OF.match(text)
        if as_of and date_span(text[as_of.end() :]) is not None:
            return True  # "Stand: 05. Februar 2020"
        if index > heading and _given_name_line(blocks[index]):
            return True  # a name alone below the heading ("Sara Zinnecker")
    return False


_DOMAIN = re.compile(
    r"^[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|de|fr|at|ch|it|es|nl|eu|info|io|co)$", re.I
)


def _take_title(blocks: list[Block], meta: Meta, index: int) -> int:
    """Block `index` is the title; a date that opens it ('# 23.01.2022 - Dorothea Wierer …')
    is the dateline, not part of the title."""
    from archive.ingest.titles import strip_site_name  # titles reads this module's lexicon

    text = blocks[index].text
    # "Was wir über uns nicht hören wollen | FASSETTE.NET": a domain or a date at either end
    text = meta.title = strip_site_name(text, []) or text
    opening = _OPENING_DATE.match(text)
    if opening and word_count(text[opening.end() :]) >= 2:
        found = search_leading_date(text)
        if found is not None:
            meta.title = text[opening.end() :].strip()
            meta.title_date = found
    meta.consumed[index] = ("metadata:title", "used as the title")
    return index


# A date at the very start of a heading, and the separator after it.
_OPENING_DATE = re.compile(
    r"^(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}\.?\s[^\W\d_]{3,12}\.?\s\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*[-–—|:•]\s*|\s+|(?=[^\W\d_]))"
)


def _navigation_heading(block: Block) -> bool:
    """A top heading of the site's furniture ('Navigation', 'Hauptmenü', a heading of links);
    a headline linked to itself is still the title."""
    if _furniture(block.text):
        return True
    return block.link_density >= NAV_LINK_DENSITY and not block.link_only


def _ends_head(block: Block, meta: Meta) -> bool:
    """A list of links or a linked headline below the title: other stories begin (a link-dense
    line may still be a byline or a tag line, and is read as one; a link to one of the
    article's own headings is its table of contents)."""
    if block.kind in ("ul", "ol"):  # a one-item list is a line ("* [Ronja Beck](#)")
        if block.html.count("<li>") <= 1 or block.link_density < NAV_LINK_DENSITY:
            return False
        items = _list_items(block)
        # "* Von [Benjamin Fischer](#) und [Marcus Theurer](#) * -Aktualisiert am": a byline;
        # "* [Clara Löw](#) * [Energie & Umwelt](#) * 26. Oktober 2023": names, a tag, a date
        if any(BYLINE.match(item) for item in items[:3]):
            return False
        if len(items) <= HEAD_LIST_ITEMS and any(_is_dateline(item) for item in items):
            return False
        return not all(_own_heading(item, meta) for item in items if item)
    if block.kind == "p" and (_own_heading(block.text, meta) or _mostly_date(block.text)):
        return False  # "[2. Februar 20202. Februar 2020](#)": the post's date, linked
    if block.kind in ("h2", "h3", "h4") and block.link_only:
        return not _dated_name(block.text)  # "### [Jeanne Corriveau](#)": the author's page
    return block.link_only and word_count(block.text) >= 5


HEAD_LIST_ITEMS = 6  # a list this short with a dateline among its items is the article's head


def _mostly_date(text: str) -> bool:
    span = date_span(text)
    return span is not None and 2 * (span[1] - span[0]) >= len(text)


def _own_heading(text: str, meta: Meta) -> bool:
    return _heading_key(text) in meta.headings


def _heading_key(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .:?!")


def is_navigation(block: Block) -> bool:
    """A line of the site's furniture: a navigation word, or mostly links (a menu, a list of
    other stories). A long paragraph only when it is a list of links or nearly all links
    and no sentence (a menu of fifty entries is still a menu)."""
    if word_count(block.text) >= BODY_WORDS:
        if block.kind in ("ul", "ol"):
            return block.link_density >= NAV_LINK_DENSITY
        return block.link_density >= ALL_LINKS and not ends_sentence(block.text)
    if NAVIGATION.match(block.text.strip(" #*|>-")):
        return True
    if block.kind in ("ul", "ol") and block.link_density >= NAV_LINK_DENSITY:
        return True
    if block.link_only:  # a linked headline of another story; a short line may be a name
        return block.kind in ("h2", "h3", "h4") or word_count(block.text) >= 5
    return block.link_density >= NAV_LINK_DENSITY


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


def _read_names(text: str, meta: Meta, index: int, rule: str, *, dated: str = "") -> bool:
    """Names from a byline's name part; a date on the same line (`dated`: the line's own
    text, when the names were cut from it) is the dateline too."""
    text = _AT_HANDLE.sub("", text)  # "[Williams Perdomo @wperdomod](#)": the name's account
    nxt = _NEXT_LABEL.search(text)  # "[A](#), Datum: 03.Mär.19": the next field
    if nxt:  # "[wordpressadmin](#) | Eingetragen bei: [politics](#)": the field from its '|'
        text = text[: nxt.start()]
        bar = text.rfind("|")
        text = text[:bar] if bar >= 0 and len(text[bar + 1 :].split()) <= 1 else text
        text = text.rstrip(" ,;|")
    if word_count(text) > 14:  # "Posted by A, B, C and D - Chrome Safe Browsing team"
        text = _ROLE_AFTER_DASH.sub("", text)
    if word_count(text) > 14:
        return False
    cut = _DATE_START.search(text)
    names_part = _BEFORE_DATE.sub("", text[: cut.start()]) if cut else text
    parts = split_names(names_part)
    if parts and _phrase(parts[0]):
        return False  # "Von den umliegenden Höfen kaufte er Speck, Hartbrot und Kartoffeln."
    people, organisations = sort_credits(parts)
    if not people and not organisations and rule == "metadata:byline":
        # "von [flerche](#)", "by damianduchamps": after a byline word a handle is the name
        handle = names_part.strip(_EDGES)
        if (
            _HANDLE.fullmatch(handle)
            and handle[0].isalpha()
            and "." not in handle  # "von tennisnet.com": the site
            and len(handle) >= HANDLE_LETTERS
            and handle.lower() not in ACCOUNTS
        ):
            people = [handle]
    if not people and not organisations:
        return False
    meta.authors = merge_authors(meta.authors, people)
    meta.organisations += [o for o in organisations if o not in meta.organisations]
    meta.consumed[index] = (rule, "byline")
    dated = dated or text
    cut = _DATE_START.search(dated)
    if cut and meta.published is None and meta.known_date is None:
        meta.published = search_date(dated[cut.start() :])
        meta.date_index = index if meta.published is not None else meta.date_index
    return True


PHRASE_WORDS = 4  # a byline's first part this long that names nobody is a sentence's start


def _phrase(part: str) -> bool:
    """The first part of a 'byline' is words of a sentence, not a credit: the rest of the
    line ('…, Kaminwurzen, Hartbrot und Kartoffeln.') is no list of names either."""
    if len(part.split()) < PHRASE_WORDS:
        return False
    people, organisations = sort_credits([part])
    return not people and not organisations


_ROLE_AFTER_DASH = re.compile(r"\s[-–—|]\s.*$")
_AT_HANDLE = re.compile(r"\s+@[\w.]{2,30}(?=\s|$)")


def _unglued(block: Block, names: str) -> str:
    """A linked name is the author's page, so the name ends where the link does: 'By [Evan
    Halper](#)Staff Writer' (scraped as 'By Evan HalperStaff Writer'), 'Von [A](#) und [B](#)
    -Aktualisiert am': words after a linked name with no name separator between are not a
    name (a role, a section, an 'updated' label)."""
    role = next((x for x in block.link_texts if names.startswith(x) and _role_word(x)), "")
    names = names[len(role) :].strip() if role else names  # "Autor: [Rechtsanwalt](#) X Y"
    links = [link for link in block.link_texts if clean_author(link) and not _role_word(link)]
    taken, at = [], 0
    while (link := next((x for x in links if names.startswith(x, at)), None)) is not None:
        taken.append(link)
        separator = _NAME_SEPARATOR.match(names, at + len(link))
        if separator is None:  # "[A](#) [Blog](#)", "[A](#)Staff Writer": not another name
            return ", ".join(taken)
        at = separator.end()
    return ", ".join([*taken, names[at:]]) if taken else names


def _role_word(text: str) -> bool:
    """A link that is only a role ('[Rechtsanwalt](#)', '[Staff Writer](#)'), never a name."""
    return bool(text.strip()) and not ROLE.sub("", text).strip(" .-")


_NAME_SEPARATOR = re.compile(r"\s*(?:,|;|&|\s(?:and|und|et|y|e|i|og|och|en)\s)\s*", re.I)


def _read_head_line(block: Block, meta: Meta, index: int) -> bool:
    """Bylines, datelines and the site-name link line; True when the block was one."""
    text = block.text
    byline = BYLINE.match(text)  # before datelines: "| By X | April 13, 2020" names X
    if byline and block.kind in ("ul", "ol") and block.html.count("<li>") > 1:
        # "* Por[Rodolfo Costa](#) * Brasília * 03/05/2022 21:44": the names are one item
        byline = BYLINE.match(_list_items(block)[0]) or byline
    segment = _BY_SEGMENT.search(text) if byline is None and len(text) <= SEARCH_MAX_LINE else None
    if segment is not None:  # "yas! | By Cara Stiles | April 13, 2020": a later field
        byline = BYLINE.match(text[segment.end() :])
    if byline and _read_names(
        _unglued(block, byline["names"]), meta, index, "metadata:byline", dated=byline["names"]
    ):
        return True
    if _read_linked_byline(block, meta, index):  # "Veröffentlicht am … von [Heiko](#)"
        return True
    interview = _INTERVIEW_BY.match(text)  # "[Interview: Julia Lauter](#)": the interviewer
    if (
        interview
        and _looks_like_person(interview["names"].strip(_EDGES))
        and _read_names(interview["names"], meta, index, "metadata:byline")
    ):
        return True
    inline = _LABEL_INLINE.search(text) if len(text) <= SEARCH_MAX_LINE else None
    if inline and _read_names(inline["names"], meta, index, "metadata:byline"):
        if meta.published is None and meta.known_date is None:
            meta.published = search_date(text[: inline.start()])
        return True
    if _read_dated_names(block, meta, index, first=True):
        return True  # "11.12.2019 - Amelie Loevenich": a dateline that also names the author
    # "Posted in [Datenschutz](#) by damianduchamps on August 3, 2019"
    by_on = _BY_ON_DATE.search(text) if word_count(text) <= DATELINE_WORDS else None
    dated = text[by_on.end() :] if by_on else ""
    if (
        by_on
        and date_span(dated) is not None
        and _read_names(by_on["names"], meta, index, "metadata:byline", dated=dated)
    ):
        return True
    found = find_dateline(text) if block.kind in ("p", "title") else None
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
        meta.date_index = index
        return True
    if _read_name_link(block, meta, index):
        return True
    if _read_dated_names(block, meta, index):
        return True
    if (
        block.kind == "p"
        and block.link_only
        and word_count(text) <= 4
        and meta.title != text
        and not _looks_like_person(text)
    ):
        meta.consumed[index] = ("metadata:site-name", "link to the originating site")
        return True
    return False


def _read_linked_byline(block: Block, meta: Meta, index: int) -> bool:
    """A byline word right before a link inside a longer head line: 'Veröffentlicht am 10.
    Februar 2019 von [Heiko](#)', 'Posted on … Author [Daniel Lemire](#) Categories'. The link
    is the name (a link to the author's page), so no guessing where the name ends."""
    if not block.link_texts or len(block.text) > SEARCH_MAX_LINE:
        return False
    if word_count(block.text) >= BODY_WORDS:  # "X lehrt … Mitglied von [Y](#)": a sentence
        return False
    if _SENTENCE_END.search(block.text):  # "Haben sich die Eltern von [Mozart](#) … gemacht?"
        return False
    lowered = block.text.casefold()
    names = []
    for link in block.link_texts:
        at = lowered.find(link.casefold())
        if at > 0 and _BY_BEFORE_LINK.search(lowered[max(0, at - 30) : at]):
            # after "Autor:" a link is the author even as a handle ("gnaddrig", "c1ph4")
            handle = _HANDLE.fullmatch(link) and len(link) >= HANDLE_LETTERS
            name = clean_author(link) or (link if handle else "")
            if name and name.lower() not in ACCOUNTS:
                names.append(name)
    if not names:
        return False
    organisations = [organisation(n) for n in names if organisation(n)]  # "[Redaktion](#)"
    meta.authors = merge_authors(meta.authors, [n for n in names if not organisation(n)])
    meta.organisations += [o for o in organisations if o not in meta.organisations]
    if meta.published is None and meta.known_date is None:
        meta.published = search_date(block.text)
    meta.consumed[index] = ("metadata:byline", "byline")
    return True


_SENTENCE_END = re.compile(r"[^\W\d_]{2,}[.!?][\"'”’»)]*$")  # a word's last letters, then a stop
# Before a link to the author's page, "durch" (German "by") too: the link is the name.
_BY_BEFORE_LINK = re.compile(
    rf"(?:^|[^\w]|\d)(?:{_BY_WORDS}|{_BY_LABELS}|durch)\s*:?\s*$", re.IGNORECASE
)
SEARCH_MAX_LINE = 300
HANDLE_LETTERS = 4  # a shorter word after "von" is an editor's initials ("Autor: red", "kj")
_HANDLE = re.compile(r"[^\W_][\w.-]{1,29}")


def _read_name_link(block: Block, meta: Meta, index: int) -> bool:
    """A bare link that is a person's name below the title ('[Helmut Rubik](#)', a one-item
    list '* [Ronja Beck](#)'): a link to the author's page, the byline without its 'By'."""
    near = 0 <= meta.title_index < index <= meta.title_index + NAME_LINK_BLOCKS
    if not near and index not in meta.above_title:
        return False
    if meta.long_paragraphs > STANDFIRSTS:
        return False
    links = list(block.link_texts)
    if len(links) > 1 and block.kind in ("p", "ul") and _linked_names(block.text, links):
        # "* [Clara Löw](#), [Siddharth Prakash](#) & [Klaus Jacob](#)": each name a link
        meta.authors = merge_authors(meta.authors, [c.strip(_EDGES) for c in links])
        meta.consumed[index] = ("metadata:byline", "links to the authors' pages below the title")
        return True
    text = block.text.strip(" |")  # "Cara Stiles |"; "Bergisch Gladbach -" is a place
    role = _ROLE_AFTER_LINK.match(block.text) if block.link_texts else None
    if role and role["name"] == block.link_texts[0] and ROLE.search(role["role"]):
        text = role["name"]  # "[Sarah Hinger](#), Staff Attorney, ACLU …": a name and a role
    elif not (block.link_only or _set_apart(block) or _given_name_line(block)):
        return False
    if NAVIGATION.match(text) or organisation(text) or not _looks_like_person(text):
        return False
    if _in_link_list(block, index, meta):
        return False  # "[Allgemeine Reisetipps](#)" in a table of contents
    if block.link_only and block.kind == "p" and _own_heading(text, meta):
        return False  # "[Example Data](#)": the table of contents' link to a heading
    if any(w.lower() in INTERFACE_WORDS for w in text.split()):
        return False  # "Tweet This", "Remove Ads", "Zum Voting": a button, not a name
    if not is_given_name(text.split()[0]):
        # "[Unsere Geschichte](#)", "[FINA Weltmeisterschaften verschoben](#)": a section's
        # or a story's link. Measured on ingest-dev's text: 4 false names gone, 1 true lost
        # (a given name outside the list: Jossi)
        return False
    meta.authors = merge_authors(meta.authors, [text])
    meta.consumed[index] = ("metadata:byline", "a link to the author's page below the title")
    return True


NAME_ABOVE_TITLE = 2  # "[Marina Beuerle](#)" · "# 11 schöne Ausflugsziele …": a byline on top


def _links_above_title(blocks: list[Block], title: int) -> set[int]:
    """The link-only line right above the title (or above a date line right above it) that a
    byline may be: '[Marina Beuerle](#)' · '# 11 schöne Ausflugsziele', '[Prashant Jha](#)' ·
    'vor 2 Stunden' · '# CME …'. Whether it is a name is judged as below the title (a given
    name first)."""
    found: set[int] = set()
    for index in range(max(0, title - NAME_ABOVE_TITLE), max(title, 0)):
        between = range(index + 1, title)
        if blocks[index].link_only and all(_date_line(blocks[k]) for k in between):
            found.add(index)
    return found


def _link_lists(blocks: list[Block]) -> set[int]:
    """The link-only lines of runs in which two lines or more are titles, not names, dates
    or single words: a table of contents ('[Allgemeine Reisetipps](#)', '[Praxistipps für
    den Roadtrip](#)', …), a list of related links. An author's linked name beside a linked
    date, a section or a '[Twitter](#)' is no such run."""
    found: set[int] = set()
    run: list[int] = []
    for index, block in enumerate([*blocks, None]):
        if block is not None and block.link_only and block.kind in ("p", "ul"):
            run.append(index)
            continue
        if sum(_link_title(blocks[i].text.strip(" |*")) for i in run) >= LINK_LIST_TITLES:
            found.update(run)
        run = []
    return found


def _in_link_list(block: Block, index: int, meta: Meta) -> bool:
    """An entry of a link list (_link_lists) that does not start with a given name."""
    return index in meta.link_lists and not _given_name_line(block)


def _link_title(text: str) -> bool:
    return len(text.split()) >= 2 and not _looks_like_person(text) and date_span(text) is None


LINK_LIST_TITLES = 2


_ROLE_AFTER_LINK = re.compile(r"^(?P<name>[^,]{3,60}),\s+(?P<role>.{3,120})$")


def _given_name_line(block: Block) -> bool:
    """A plain line, or a list of one item, of a name that starts with a given name ('Markus
    Mäki', '* Tapio Nurminen'); 'Hohe Bedeutung' under a headline is a standfirst's start."""
    if block.kind not in ("p", "ul") or (block.kind == "ul" and block.html.count("<li>") != 1):
        return False
    words = block.text.strip(" |").split()
    return 2 <= len(words) <= 3 and is_given_name(words[0])


def _set_apart(block: Block) -> bool:
    """A line shown as a name is: a small heading ('### Elizabeth Gibney') or all bold or
    italic ('**Christoph von Ritter**'); a plain line of two capitalised words may be a
    standfirst's or a section's ('Hohe Bedeutung'): measured on ingest-dev, taking those too
    found 1 point more recall for 2 points less precision."""
    if block.kind in ("h3", "h4"):
        return True
    html = block.html.strip()
    return any(html.startswith(f"<{t}>") and html.endswith(f"</{t}>") for t in ("strong", "em"))


def _read_dated_names(block: Block, meta: Meta, index: int, *, first: bool = False) -> bool:
    """A head line of a date and a name with no byline word: 'Bettina Kugler 19.10.2019, 05:00
    Uhr', '11.12.2019 - Amelie Loevenich', '26. September 2019 [Ulrike Stockhausen](#) [Schreibe
    einen Kommentar](#)'. The name is the segment right beside the date (or a linked name on
    the line) and must look like a person's, an unlinked one start with a given name
    ('Pressemitteilung Aktuell 12.03.2022' is a label); the date is the dateline."""
    text = block.text
    if block.kind not in ("p", "ul", "ol") or word_count(text) > DATELINE_WORDS:
        return False
    span = date_span(text)
    if span is None:
        return False
    start, end = span
    # "Evgenia Karp veröffentlicht am 06.11.2023": the date's label is not the name's
    # "Swantje Schemmerling | 06.11.23": the separator right before the date goes first
    before = _LABEL_BEFORE_DATE.sub("", text[:start]).strip(" ,;|·•–—-")
    before = _SEGMENTS.split(before)[-1]
    # "1. Februar 2022 , Daniel Dillenburg": the separator right after the date goes first;
    # "1. Februar 2022 Luis Holuch 6": a count of comments after the name goes too
    after = _SEGMENTS.split(_TIME_AFTER.sub("", text[end:]).strip(" ,;|·•–—-"))[0]
    after = _COUNT_AFTER.sub("", after)
    # "Global Research, January 10, 2022": a name and a comma before the date is the publisher
    # (a dateline, read as one after this); "Bettina Kugler 19.10.2019" a person, and so is
    # "Michael Mäser, 02.02.2022": a name that starts with a given name.
    named = before.split()
    if first and text[:start].rstrip().endswith(",") and not (named and is_given_name(named[0])):
        before = ""
    # a linked name is the author's page: only links are names then (not a linked date or
    # a count of comments: "[1. Februar 2022](#) Luis Holuch [6](#)")
    links = [c for c in block.link_texts if date_span(c) is None and not c.strip().isdigit()]
    candidates = [(c, True) for c in links] or [(after, False), (before, False)]
    if block.kind in ("ul", "ol") and block.html.count("<li>") > 1:
        # "* [Kommentar](#) * [19. Oktober 2019](#) * Boris T. Kaiser": the items beside the
        # date's item (an unlinked one must start with a given name)
        items = _list_items(block)
        dated = next((i for i, item in enumerate(items) if date_span(item)), -1)
        candidates += [(items[i], False) for i in (dated + 1, dated - 1) if 0 <= i < len(items)]
    names = [
        c
        for c, linked in (
            (_LEADING_BY.sub("", c.strip(_EDGES)).strip(_EDGES), k) for c, k in candidates
        )
        if (_dated_name(c) and (linked or _given_first(c)))
        or (linked and _handle_beside(c, text, span))
    ]
    if not names:
        return False
    meta.authors = merge_authors(meta.authors, names[:1])
    if meta.published is None and meta.known_date is None:
        meta.published = search_date(text[start:])
    meta.consumed[index] = ("metadata:byline", "a name beside the date")
    return True


_LABEL_BEFORE_DATE = re.compile(
    r"\s(?:zuletzt (?:geändert|aktualisiert)|aktualisiert|geändert|veröffentlicht|"
    r"(?:last )?updated|published|posted|actualizado|publicado|mis à jour|publié)"
    r"(?:\s+(?:am|on|el|le|at))?\s*:?\s*$",
    re.IGNORECASE,
)
_COUNT_AFTER = re.compile(r"\s+\d{1,4}$")

BESIDE_DATE = 2  # a name line this far from the dateline, only short lines between, is the byline
NAME_LINE_WORDS = 8  # a name line with a role after the name: "Richard Adams Education editor"


def _name_beside_date(blocks: list[Block], meta: Meta) -> None:
    """A line that is only a person's name (or starts with a linked one) right above or below
    the dateline: 'Will Knight' · 'Business' · '01.21.2020 07:00 AM', '### Jeanne Corriveau' ·
    '19 février 2020', '[Richard Adams](#) Education editor' · 'Mon 20 Jan 2020'. Read only
    when no byline named anybody; short lines ('Business', 'Twitter') may stand between."""
    at = meta.date_index
    for index in (at - 1, at + 1, at - 2, at + 2)[: 2 * BESIDE_DATE]:
        if not 0 <= index < len(blocks) or index == meta.title_index:
            continue
        # a lone link was taken for the site's name; beside the date a handle is the author's
        if index in meta.consumed and meta.consumed[index][0] != "metadata:site-name":
            continue
        between = range(min(index, at) + 1, max(index, at))
        if any(k == meta.title_index or word_count(blocks[k].text) > 3 for k in between):
            continue
        block = blocks[index]
        if block.kind not in ("p", "h3", "h4") or word_count(block.text) > NAME_LINE_WORDS:
            continue
        if _in_link_list(block, index, meta):
            continue  # the first entry of a table of contents below the date
        # one link, at the start (the author's page, then a role), or a plain line that is a name;
        # a line of several links is a list of sections ("[Open Future](#) [Open Future](#)")
        links = list(block.link_texts)
        if len(links) > 1 and _linked_names(block.text, links):
            # "[Ibtisam Mahdi](#), [Ruwaida Kamal Amer](#)": the names alone, each a link
            meta.authors = merge_authors(meta.authors, [c.strip(_EDGES) for c in links])
            meta.consumed[index] = ("metadata:byline", "names beside the dateline")
            return
        if links and not block.text.startswith(links[0]):
            continue
        if len(links) > 1:
            # "[Alexander Roll](#) [1 Kommentar](#) [Inklusion](#)": the author's page first,
            # then the comments' and the sections' links, none of them a name
            first = links[0].strip(_EDGES)
            if not (first.split() and is_given_name(first.split()[0]) and _dated_name(first)):
                continue
            if any(_looks_like_person(c.strip(_EDGES)) for c in links[1:]):
                continue
            links = links[:1]
        site_name = index in meta.consumed
        names = [
            c.strip(_EDGES)
            for c in links or [block.text]
            if (_dated_name(c.strip(_EDGES)) and not site_name and (links or _given_first(c)))
            or (block.link_only and _is_handle(c.strip(_EDGES)))
        ]
        if names:
            meta.authors = merge_authors(meta.authors, names[:1])
            meta.consumed[index] = ("metadata:byline", "a name beside the dateline")
            return


def _linked_name_beside_date(blocks: list[Block], meta: Meta) -> None:
    """'[Thomas Hanke](#)' · '27.04.2020 - 18:50 Uhr 3 Kommentare', 'Letzte Aktualisierung' ·
    '31.10.2023' · '[Tom Arnold](#)', '[Steven Salentin](#)' · 'Mitglied der Tonight
    News-Redaktion': a link to a person's page (a given name first) on its own line with a
    short date line or the author's role right above or below it, wherever they stand (a
    box of the author's, a dateline far from the headline). Only when nothing else named
    anybody; the first such line counts."""
    for index, block in enumerate(blocks):
        if index in meta.consumed or block.kind not in ("p", "h3", "h4") or not block.link_only:
            continue
        name = block.text.strip(_EDGES)
        if not (_given_first(name) and _dated_name(name)) or _in_link_list(block, index, meta):
            continue
        near = [blocks[k] for k in (index - 1, index + 1) if 0 <= k < len(blocks)]
        dated = any(_date_line(b) for b in near)
        role = index + 1 < len(blocks) and _role_line(blocks[index + 1])
        if dated or role:
            meta.authors = merge_authors(meta.authors, [name])
            meta.consumed[index] = ("metadata:byline", "a link to the author's page by the date")
            return


def _name_over_bio(blocks: list[Block], meta: Meta) -> None:
    """An author's box: a line of the name (or of its given name) over a paragraph about the
    person that opens with the full name ('Jörg Staff' · 'Jörg Staff ist Mitglied des
    Vorstands …', '## Philipp Sarasin' · 'Philipp Sarasin lehrt Geschichte …', 'Stefanus' ·
    'Stefanus Stahl - Maschinenbauer, Abenteurer …'). Only when nothing else named anybody;
    the first such box counts."""
    for index in range(len(blocks) - 1):
        block, bio = blocks[index], blocks[index + 1]
        if index in meta.consumed or block.kind not in ("p", "h2", "h3", "h4", "ul"):
            continue
        if block.kind == "ul" and block.html.count("<li>") != 1:
            continue
        line = block.text.strip(_EDGES)
        if not line or len(line.split()) > 3 or bio.kind != "p":
            continue
        if word_count(bio.text) < BIO_WORDS:
            continue
        opening = _BIO_OPENING.match(bio.text)
        if opening is None:
            continue
        name = opening["name"]
        if line != name and line != name.split()[0]:
            continue
        if _given_first(name) and _dated_name(name):
            meta.authors = merge_authors(meta.authors, [name])
            meta.consumed[index] = ("metadata:byline", "the author's box")
            return


BIO_WORDS = 8  # a paragraph about the author: a sentence, not a caption
# The name that opens a paragraph about the person: 'Jörg Staff ist …', 'Stefanus Stahl - …'.
_BIO_OPENING = re.compile(
    r"^(?P<name>[^\W\d_][\w'’.-]*(?:\s[^\W\d_][\w'’.-]*){1,2})"
    r"(?:\s[-–—,]\s|,\s|\s(?:ist|war|is|was|est|es|è|lehrt|schreibt|arbeitet|writes|works|"
    r"teaches|studierte|studied|lebt|lives)\s)"
)


def _date_line(block: Block) -> bool:
    """A short line with a date that is not a sentence ('27.04.2020 - 18:50 Uhr 3 Kommentare')."""
    text = block.text
    return block.kind == "p" and _may_be_dateline(text) and date_span(text) is not None


ROLE_LINE_WORDS = 6


def _role_line(block: Block) -> bool:
    """A short line that gives an author's role ('Mitglied der Tonight News-Redaktion',
    'Staff Writer', 'Redakteurin')."""
    text = block.text
    if block.kind != "p" or block.link_only or word_count(text) > ROLE_LINE_WORDS:
        return False
    return bool(ROLE.search(text) or _NEWSROOM_IN_ROLE.search(text))


_NEWSROOM_IN_ROLE = re.compile(r"(?i)redaktion\b|newsroom|rédaction|redacción|redazione")


def _given_first(text: str) -> bool:
    """A plain (unlinked) name line starts with a given name: 'Will Knight', not 'Hoher
    Sachschaden' (a German subheading, every noun capitalised)."""
    words = text.strip(_EDGES).split()
    return bool(words) and is_given_name(words[0])


def _linked_names(text: str, links: list[str]) -> bool:
    """A line of several distinct links that are people's names, with only ', ', ' and ' or
    ' & ' between them (a line of sections has no separators, or names no person)."""
    if len(set(links)) < len(links) or not all(_dated_name(c.strip(_EDGES)) for c in links):
        return False
    pieces, rest = [], text
    for link in links:
        before, found, rest = rest.partition(link)
        if not found:
            return False
        pieces.append(before)
    if pieces[0].strip(_EDGES) or rest.strip(_EDGES):
        return False  # words before the first name or after the last
    return all(only_separators(between) for between in pieces[1:])


# A blog's footer: "Posted by [T. V. Raman](#) at [2:33 PM](#)", "Eingestellt von X um 21:11".
_POSTED_BY = re.compile(
    r"^[*_\s]{0,3}(?:posted by|eingestellt von|publié par|publicado por|pubblicato da|"
    r"geplaatst door|written by|geschrieben von|verfasst von|erstellt von|artikel von|"
    r"article by|ein beitrag von|about the author|über den autor|über die autorin|"
    r"sobre el autor|sobre la autora|à propos de l'auteur)"
    r"(?:\s*[:–—-]?\s+|(?=[^\W\d_]))(?P<names>.+)$",
    re.IGNORECASE,
)
_AT_TIME = re.compile(r"\s+(?:at|um|à|a las|alle|om)\s+\d{1,2}[:.h]\d{2}.*$", re.IGNORECASE)
LABELLED_WORDS = 20  # a labelled credit line ("Datum: 19.11.2021 Autor: Fritz Imhof") is short
_NEXT_LABEL = re.compile(r"\s+[^\W\d_]{3,20}\s*:")  # "… Quelle: livenet", "… Fotos: X"


def _labelled_anywhere(blocks: list[Block], meta: Meta) -> None:
    """'Autor: Fritz Imhof', 'Text: Kirsten Freund / handwerksblatt.de', 'Auteur : [Anna
    Kubišta](#)', 'Posted by [T. V. Raman](#) at 2:33 PM' below the article: a credit label
    with a colon, or a blog's 'posted by' line, names the author wherever the line stands
    (only when the head named nobody; the first such line counts)."""
    for index, block in enumerate(blocks):
        if index in meta.consumed or block.kind not in ("p", "ul", "ol", "h2", "h3", "h4"):
            continue
        # A list's items one by one: a post's facts ("* Author: Jacopo Cascioli", "*
        # Published: 03 December 2019") may run on from the text's own list, one block then.
        listed = block.kind in ("ul", "ol") and block.html.count("<li>") > 1
        for text in _label_items(_list_items(block)) if listed else [block.text]:
            if word_count(text) > LABELLED_WORDS:
                continue
            found = _POSTED_BY.match(text) or _LABEL_INLINE.search(text) or _bare_label(text)
            # A sentence may mention a label ("… sagte der Autor: …"); a line that starts with
            # one is a credit line even with a full stop ("Autorin: Uta Staschewski, Leiterin.").
            if found is None or ((listed or ends_sentence(text)) and found.start() > 0):
                continue
            names = _AT_TIME.sub("", found["names"])
            nxt = _NEXT_LABEL.search(names)
            names = _unglued(block, names[: nxt.start()] if nxt else names)
            if _read_names(names, meta, index, "metadata:byline"):
                return


_ROLE_IN_BRACKETS = re.compile(r"\s*\([^()]{2,80}\)\s*$")


def _label_above_name(blocks: list[Block], meta: Meta) -> None:
    """A credit label on a line of its own with the name on the next, wherever they stand:
    'Published by' · '### Daniel Lemire' in a post's footer, 'Posted by' · '[T. V. Raman](#)'
    · 'at 2:33 PM', '#### Autor' · '[Nikolai Huke](#),', 'Autor*in' · '[Brit Weirich
    (Medizinredakteurin)](#)'; and a short byline beside a date line of its own ('von
    [Ulrike](#)' · '18.10.2019 16:06 Uhr', _dated_byline). Only when nothing else named
    anybody; the first such line counts."""
    for index, block in enumerate(blocks[:-1]):
        if index in meta.consumed or block.kind not in ("p", "h2", "h3", "h4"):
            continue
        if _dated_byline(blocks, index):
            if _read_names(BYLINE.match(block.text)["names"], meta, index, "metadata:byline"):
                return
            continue
        if _BY_ALONE.match(block.text) is None:
            continue
        name = blocks[index + 1]
        if index + 1 in meta.consumed or name.kind not in ("p", "h2", "h3", "h4", "ul"):
            continue
        if word_count(name.text) > NAME_LINE_WORDS or "\n" in name.html:
            continue
        text = _ROLE_IN_BRACKETS.sub("", name.text).strip(_EDGES)
        if _read_names(text, meta, index + 1, "metadata:byline"):
            meta.consumed[index] = ("metadata:byline", "byline")
            return


def _dated_byline(blocks: list[Block], index: int) -> bool:
    """'von [Ulrike](#)' · '18.10.2019 16:06 Uhr' below the text: a short byline line with a
    date line of its own next to it."""
    block = blocks[index]
    if word_count(block.text) > NAME_LINE_WORDS or BYLINE.match(block.text) is None:
        return False
    return any(
        0 <= k < len(blocks) and blocks[k].kind == "p" and _mostly_date(blocks[k].text)
        for k in (index - 1, index + 1)
    )


# "Autoren Jelko Djuren und Jutta Klaukien": a credit label with no colon, names after it.
_BARE_LABEL = re.compile(
    r"^(?:Autor|Autorin|Autoren|Author|Authors|Auteur|Auteurs|Autore|Autori)\s+(?P<names>.+?)"
    r"\s*:?$"  # "Autor Mark Newton:"
)


def _bare_label(text: str) -> re.Match | None:
    """_BARE_LABEL, only when every name after it looks like a person's (no sentence)."""
    found = _BARE_LABEL.match(text)
    if found is None:
        return None
    names = split_names(found["names"])
    return found if names and all(_looks_like_person(n) for n in names) else None


def _label_items(items: list[str]) -> list[str]:
    """A list's items, a label item joined to the value after it: ['Artikel von:',
    'hausinfo', 'Bild:', 'istockphoto'] -> ['Artikel von: hausinfo', 'Bild: istockphoto']."""
    joined: list[str] = []
    for item in items:
        if joined and joined[-1].endswith(":") and word_count(joined[-1]) <= LABEL_WORDS:
            joined[-1] = f"{joined[-1]} {item}"
        else:
            joined.append(item)
    return joined


SIGNATURE_AFTER = 3  # blocks past the text's last long paragraph where its signature may stand


def _text_ends(blocks: list[Block]) -> int:
    """The index of the text's last long paragraph (-1: none); a page's furniture follows."""
    return max(
        (i for i, b in enumerate(blocks) if b.kind == "p" and word_count(b.text) >= BODY_WORDS),
        default=-1,
    )


def _signed_at_end(blocks: list[Block], meta: Meta) -> None:
    """'**Marina Mucha**', '***Stefan Wasmer***' right below the text: a line of a name all
    bold or italic that starts with a given name signs the article (only when nothing else
    named anyone; the first such line counts). A name as a small heading there is a box's,
    not a signature: '### Christoph Poehlmann' under 'Ansprechpartner', an interviewee's."""
    text_ends = _text_ends(blocks)
    if text_ends < 0:
        return
    for index in range(text_ends + 1, min(len(blocks), text_ends + 1 + SIGNATURE_AFTER)):
        block = blocks[index]
        if index in meta.consumed or block.kind != "p" or not _set_apart(block):
            continue
        name = block.text.strip(_EDGES)
        words = name.split()
        if (
            words
            and is_given_name(words[0])
            and _dated_name(name)
            and _read_names(name, meta, index, "metadata:byline")
        ):
            return


def _handle_beside(link: str, text: str, span: tuple[int, int]) -> bool:
    """'[reineckefuchs](#) — [2. Februar 2022](#)', '[hansehrlich](#) 17.10.2019, 13:56 Uhr': a
    linked handle (all lowercase, or with a capital inside) right beside the date is a blog's
    or a forum's author (a section's link beside a date is a word: '[Politik](#) 17.10.2019')."""
    if not _is_handle(link):
        return False
    at = text.find(link)
    if at < 0:
        return False
    gap = text[at + len(link) : span[0]] if at < span[0] else text[span[1] : at]
    gap = _TIME_AFTER.sub("", gap) if at > span[0] else gap  # "19.10.2019 11:36 [telebasel](#)"
    return len(gap.strip()) <= 3 and not gap.strip(_EDGES)


def _is_handle(link: str) -> bool:
    """A user name: one token of letters and digits, all lowercase or with a capital inside
    ('hansg', 'HansEhrlich'), not a word of the interface."""
    handle_case = link.islower() or any(c.isupper() for c in link[1:])
    return (
        _HANDLE.fullmatch(link) is not None
        and handle_case
        and len(link) >= HANDLE_LETTERS
        and link[0].isalpha()
        and "." not in link
        and link.lower() not in INTERFACE_WORDS
        and link.lower() not in _NOT_NAME_ENDS
        and link.lower() not in ACCOUNTS
        and not _NOT_A_PUBLISHER.match(link)  # "admin", "staff"
    )


def _dated_name(text: str) -> bool:
    words = text.lower().split()
    return (
        bool(words)
        and _looks_like_person(text)
        and not any(w in INTERFACE_WORDS for w in words)
        and words[0] not in _NOT_NAME_ENDS
        and words[-1] not in _NOT_NAME_ENDS
        and not NAVIGATION.match(text)
        and not organisation(text)
        and date_span(text) is None
    )


_EDGES = " |•·/–—~-,:*_"
_LEADING_BY = re.compile(rf"^(?:{_BY_WORDS})\s*:?\s+", re.IGNORECASE)
# Words a dateline carries beside a name that never begin or end one.
_NOT_NAME_ENDS = {
    "published", "publicado", "publicada", "publié", "publiée", "veröffentlicht", "updated",
    "aktualisiert", "kommentar", "kommentare", "keine", "meldung", "aktuelle", "el", "le", "am",
    "on", "the", "der", "die", "das", "uhr", "est", "edt", "pst", "cet", "gmt",
    "von", "by", "par", "por", "door", "aus", "in", "im", "mit", "für", "from", "with", "for",
    "dans", "sur", "en",
}  # fmt: skip


# Where a dateline's segments part: separators, and the byline words between date and name.
_SEGMENTS = re.compile(r"\s+[|•·/–—~-]+\s*|\s*[|•·]\s*|,\s+|\s+(?:von|by|par|por|di|door)\s+", re.I)
_TIME_AFTER = re.compile(
    r"^[\s,|•·-]*(?:um\s+|at\s+|à\s+)?\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:uhr|h|[ap]\.?m\.?)?", re.I
)


def _looks_like_person(text: str) -> bool:
    """'[Paul Serran](#)' beside the byline is a person, '[InfoBrics](#)' a site: two or
    three capitalised words that clean_author accepts."""
    words = text.split()
    return 2 <= len(words) <= 3 and clean_author(text) == text and not text.isupper()


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
