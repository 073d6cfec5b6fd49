"""Hostile input and the checks that prove it was made harmless.

Shared by the server-side security tests (tests/test_security_*.py) and the browser tests
(tests/e2e/): the vectors from ../shared/corpora/xss_vectors.json plus our own, and
`problems()`, which parses rendered HTML with lxml and lists everything that could run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

VECTORS_FILE = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "xss_vectors.json"

# Gaps in the public lists, or tricks that matter to *our* pipeline (bleach + lxml + markdown).
OWN_VECTORS = [
    # mXSS and namespace confusion
    '<svg><p><style><img src=x onerror=alert("own-1")></style></p></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("own-2")></style></mglyph>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert('own-3')>\"></noscript>",
    '<form><math><mtext></form><form><mglyph><svg><mtext><textarea><path id="</textarea>'
    "<img src=x onerror=alert('own-4')>\"></textarea></mtext></svg></mglyph></form>",
    '<svg><a xlink:href="javascript:alert(\'own-5\')"><text x="20" y="20">x</text></a></svg>',
    "<math href=\"javascript:alert('own-6')\">click</math>",
    "<template><script>alert('own-7')</script></template><p>t</p>",
    "<xmp><img src=x onerror=alert('own-8')></xmp>",
    "<listing>&lt;img src=x onerror=alert('own-9')&gt;</listing>",
    "<title><img src=x onerror=alert('own-10')></title>",
    # srcset, formaction, meta refresh, base, style
    '<img srcset="javascript:alert(\'own-11\') 1x" src="https://evil.example/own-11.png">',
    '<picture><source srcset="https://evil.example/own-12.png"><img src=x></picture>',
    "<form><button formaction=\"javascript:alert('own-13')\">go</button></form>",
    "<input type=image formaction=\"javascript:alert('own-14')\" src=x>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'own-15\')">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/own-16">',
    '<base href="https://evil.example/own-17/"><a href="x">rel</a>',
    '<style>@import "https://evil.example/own-18.css";</style><p>s</p>',
    '<p style="background:url(https://evil.example/own-19.png)">bg</p>',
    "<p style=\"width:expression(alert('own-20'))\">css expression</p>",
    '<link rel=stylesheet href="https://evil.example/own-21.css">',
    # schemes with spaces, entities, control characters and case
    "<a href=\" javascript:alert('own-22')\">space</a>",
    "<a href=\"&#106;avascript:alert('own-23')\">entity</a>",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;'
    ":alert('own-24')\">hex</a>",
    "<a href=\"java&#x09;script:alert('own-25')\">tab</a>",
    "<a href=\"java\nscript:alert('own-26')\">newline</a>",
    "<a href=\"JaVaScRiPt:alert('own-27')\">case</a>",
    "<a href=\"\x01javascript:alert('own-28')\">control</a>",
    "<a href=\"javascript&colon;alert('own-29')\">named colon</a>",
    "<a href=\"vbscript:msgbox('own-30')\">vb</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnb3duLTMxJyk8L3NjcmlwdD4=">data</a>',
    "<img src=\"data:image/svg+xml,<svg onload=alert('own-32')>\">",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    "&#0000112&#0000116&#0000058alert('own-33')\">padded</a>",
    "<a href=\"\u2028javascript:alert('own-34')\">line separator</a>",
    "<a href=\"ｊａｖａｓｃｒｉｐｔ:alert('own-35')\">fullwidth</a>",
    "<a href='//evil.example/own-36'>protocol relative</a>",
    '<img src="//evil.example/own-37.png">',
    '<img src="http://evil.example/own-38.png">',
    '<img src="https://evil.example/own-39.png" alt="remote image">',
    # attribute and comment breakouts
    "<p title='--><script>alert(\"own-40\")</script>'>t</p>",
    "<!--<img src=x onerror=alert('own-41')>--><p>c</p>",
    "<![CDATA[<img src=x onerror=alert('own-42')>]]><p>d</p>",
    '<a href="https://example.com/" onclick="alert(\'own-43\')">ok link</a>',
    '<a href="https://example.com/\\" onmouseover=alert(\'own-44\') x=">escape</a>',
    "<img src=x:y onerror=alert('own-45')>",
    "<iframe srcdoc=\"<script>alert('own-46')</script>\"></iframe>",
    "<object data=\"javascript:alert('own-47')\"></object>",
    "<embed src=\"javascript:alert('own-48')\">",
    "<video poster=\"javascript:alert('own-49')\"><source onerror=\"alert('own-49b')\"></video>",
    "<details open ontoggle=alert('own-50')><summary>s</summary></details>",
    # markdown-specific: links, images, autolinks and raw HTML in markdown
    "[click](javascript:alert('own-51'))",
    "![img](javascript:alert('own-52'))",
    "<javascript:alert('own-53')>",
    "[a](  javascript:alert('own-54')  )",
    "[b](JAVASCRIPT:alert('own-55'))",
    "[c](&#106;avascript:alert('own-56'))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[e](https://example.com "title\\" onmouseover=alert(\'own-57\') x=")',
    "<div onmouseover=\"alert('own-58')\">\n\n**markdown inside html**\n\n</div>",
    # text that looks like HTML once a consumer unescapes it (feeds, snippets, CSV)
    "&lt;script&gt;alert('own-59')&lt;/script&gt; escaped once",
    "&amp;lt;img src=x onerror=alert('own-60')&amp;gt; escaped twice",
    '=HYPERLINK("https://evil.example/own-61","csv")',
    "@SUM(1+1)*cmd|' /C calc'!A0 own-62",
]

DANGEROUS_ELEMENTS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
        "base", "meta", "link", "svg", "math", "template", "input", "button", "textarea",
        "select", "isindex", "noscript", "xmp", "listing", "plaintext", "portal", "param",
        "video", "audio", "source", "track", "picture",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "{http://www.w3.org/1999/xlink}href",
        "srcset", "background", "poster", "data", "codebase", "cite", "lowsrc", "dynsrc",
        "longdesc", "ping", "manifest", "icon", "profile", "usemap",
    }
)  # fmt: skip
# What a browser strips before it reads a scheme: leading C0 controls and spaces, and tabs and
# newlines anywhere (URL standard); then it compares case-insensitively.
_STRIP_LEADING = re.compile(r"^[\x00-\x20]+")
_STRIP_INSIDE = re.compile(r"[\t\n\r]")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")


@dataclass(frozen=True)
class Vector:
    number: int
    text: str
    origin: str

    @property
    def label(self) -> str:
        return f"vector {self.number} ({self.origin})"


def load_vectors() -> list[Vector]:
    """Every vector we try: the shared corpus (when present) and ours; empty vectors dropped."""
    records = json.loads(VECTORS_FILE.read_text()) if VECTORS_FILE.is_file() else []
    texts = [(r["vector"], f"{r.get('source', '?')}: {r.get('name', '')}") for r in records]
    texts += [(v, "own") for v in OWN_VECTORS]
    return [Vector(n, t, origin) for n, (t, origin) in enumerate(texts) if t.strip()]


def corpus_present() -> bool:
    return VECTORS_FILE.is_file()


def bad_url(value: str) -> bool:
    """Whether a URL attribute's value would run code or load inline content in a browser."""
    value = _STRIP_INSIDE.sub("", _STRIP_LEADING.sub("", value)).lower()
    if any(value.startswith(s) for s in BAD_SCHEMES):
        return True
    # srcset is a list of "url descriptor" pairs: check every candidate.
    return any(
        _STRIP_LEADING.sub("", part).startswith(BAD_SCHEMES) for part in value.split(",")[1:]
    )


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def parse_html(markup: str | bytes):
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8")
    # lxml refuses control characters; a browser keeps them as (inert) text.
    markup = _CONTROLS.sub("\ufffd", markup)
    if not markup.strip():
        return lxml_html.fragment_fromstring("<div></div>")
    return lxml_html.document_fromstring(markup)


def problems_in(root, *, allowed=frozenset(), where: str = "") -> list[str]:
    """Everything under `root` (an lxml element) that could run or load foreign content.

    `allowed` names elements the *page itself* may contain in this region (never content).
    """
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions are inert
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if tag in DANGEROUS_ELEMENTS and tag not in allowed:
            found.append(f"{where}<{tag}> element: {_show(el)}")
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                found.append(f"{where}event handler {name}= on <{tag}>: {_show(el)}")
            elif local == "style":
                found.append(f"{where}style attribute on <{tag}>: {_show(el)}")
            elif local == "srcdoc":
                found.append(f"{where}srcdoc on <{tag}>")
            elif (name.lower() in URL_ATTRIBUTES or local in URL_ATTRIBUTES) and bad_url(value):
                found.append(f"{where}{name}={value[:60]!r} on <{tag}>")
            elif tag == "meta" and local == "http-equiv":
                found.append(f"{where}<meta http-equiv> in content")
    return found


# Where a page of ours shows content (article bodies, titles, names, snippets): nothing
# dangerous at all may appear inside these, not even a form of ours.
CONTENT_REGIONS = (
    ".reading", ".card", ".related", ".sources", ".lede", ".kicker", ".snippet", ".empty",
    ".facets", ".results", ".messages", "h1", "title",
)  # fmt: skip


def page_problems(
    markup: str | bytes, *, regions=CONTENT_REGIONS, allowed=frozenset()
) -> list[str]:
    """Everything on a rendered page that could run, or that content could have planted.

    Page-wide: no inline script (only same-origin external ones, or inert JSON data), no
    event handler, no javascript:/vbscript:/data: URL, no <base>, no <meta http-equiv> outside
    the head. Inside the content regions (CSS classes, ids or tag names): no dangerous
    element at all (except the page's own `allowed` ones, such as the admin's checkboxes).
    """
    doc = parse_html(markup)
    found = []
    for script in doc.iter("script"):
        data_only = script.get("type", "").lower() in {"application/json", "application/ld+json"}
        src = script.get("src", "")
        same_origin = src.startswith("/") and not src.startswith("//")
        external = same_origin and not (script.text or "").strip()
        if not (data_only or external):
            found.append(f"page script: {_show(script)}")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                found.append(f"event handler {name}= on <{el.tag}>: {_show(el)}")
            elif (name.lower() in URL_ATTRIBUTES or local in URL_ATTRIBUTES) and bad_url(value):
                found.append(f"{name}={value[:60]!r} on <{el.tag}>")
    for el in doc.iter("meta"):
        if el.get("http-equiv") or el.getparent().tag != "head":
            found.append(f"meta outside the head or http-equiv: {_show(el)}")
    for el in doc.iter("base"):
        found.append(f"base element: {_show(el)}")
    for selector in regions:
        for region in content_regions(doc, selector):
            for own in own_controls(region) if selector == ".results" else []:
                found += problems_in(own, allowed=OWN_CONTROL_ELEMENTS, where="[own controls] ")
                own.getparent().remove(own)
            found += problems_in(region, allowed=allowed, where=f"[{selector}] ")
    return found


OWN_CONTROL_ELEMENTS = frozenset({"form", "input", "select", "button"})


def own_controls(region) -> list:
    """The page's own reader controls in a list of results (the collect forms between the
    cards, archive/research): a direct child of `.results` with the class `collect`. They
    may hold form elements; anything else about them is checked, and content (a card's
    text) is never a direct child of the results, so planting one there gains nothing."""
    return [
        child
        for child in region
        if isinstance(child.tag, str) and "collect" in (child.get("class") or "").split()
    ]


def content_regions(doc, selector: str) -> list:
    if selector.startswith("."):
        return doc.find_class(selector[1:])
    if selector.startswith("#"):
        el = doc.get_element_by_id(selector[1:], None)
        return [] if el is None else [el]
    return list(doc.iter(selector))


def fragment_problems(markup: str, *, allowed_tags=None) -> list[str]:
    """Problems in an HTML fragment (a stored body, a snippet, a feed entry's HTML)."""
    if not markup or not markup.strip():
        return []
    root = lxml_html.fragment_fromstring(_CONTROLS.sub("\ufffd", markup), create_parent="div")
    found = problems_in(root)
    if allowed_tags is not None:
        for el in root.iter():
            if isinstance(el.tag, str) and el is not root and el.tag not in allowed_tags:
                found.append(f"<{el.tag}> not allowed here")
    return found


def _show(el) -> str:
    try:
        return etree.tostring(el, encoding="unicode", with_tail=False)[:120]
    except (TypeError, ValueError):
        return repr(el)


# --- Hostile documents, as files of every format the importer reads ----------------------


def batches(vectors, size: int):
    for start in range(0, len(vectors), size):
        yield start // size, vectors[start : start + size]


def lead(vector) -> str:
    """A unique sentence before each vector: keeps every article's text distinct (no
    duplicates) and non-empty after cleaning, and makes each vector findable by search."""
    return f"Hostile sample number {vector.number} zqx{vector.number} follows here."


def jsonl_record(group, n: int, *, fmt: str = "html") -> dict:
    """One JSON-lines record holding `group` in its body, title, author, source and tags."""
    joined = " ".join(v.text for v in group)
    if fmt == "html":
        body = "".join(f"<p>{lead(v)}</p>\n{v.text}\n" for v in group)
    else:
        body = "".join(f"{lead(v)}\n\n{v.text}\n\n" for v in group)
    return {
        "title": f"{joined[:400]} t{n}",
        "body": body,
        "body_format": fmt,
        "published": "2022-01-10",
        "source": f"{joined[:150]} s{n}",
        "authors": [f"{joined[:150]} a{n}"],
        "tags": [f"{joined[:80]} g{n}", "hostile"],
        "language": "en",
    }


def html_page(group, n: int) -> str:
    paragraphs = "".join(f"<p>{lead(v)}</p>\n{v.text}\n" for v in group)
    title = " ".join(v.text for v in group)[:300]
    return (
        f"<!doctype html><html><head><title>{title} h{n}</title></head><body><article>"
        f"<h1>Hostile page {n}</h1>{paragraphs}<p>The end of hostile page {n}.</p>"
        "</article></body></html>"
    )


def markdown_doc(group, n: int) -> str:
    return f"# Hostile markdown {n}\n\n" + "".join(f"{lead(v)}\n\n{v.text}\n\n" for v in group)


def text_doc(group, n: int) -> str:
    return f"Hostile text {n}\n\n" + "".join(f"{lead(v)}\n\n{v.text}\n\n" for v in group)


def hostile_files(vectors, *, size: int, prefix: str = "") -> dict[str, bytes]:
    """name -> bytes: the vectors in groups of `size`, as JSON lines (every field), HTML
    pages, markdown and plain text."""
    files: dict[str, bytes] = {}
    lines = [json.dumps(jsonl_record(g, n)) for n, g in batches(vectors, size)]
    files[f"{prefix}hostile.jsonl"] = ("\n".join(lines) + "\n").encode()
    for n, group in batches(vectors, size):
        files[f"{prefix}page-{n:03d}.html"] = html_page(group, n).encode()
        files[f"{prefix}doc-{n:03d}.md"] = markdown_doc(group, n).encode()
        files[f"{prefix}doc-{n:03d}.txt"] = text_doc(group, n).encode()
    return files


def say(capsys, message: str) -> None:
    """A line in the test output even when pytest captures output (counts, timings)."""
    with capsys.disabled():
        print(f"\n[security] {message}", flush=True)
