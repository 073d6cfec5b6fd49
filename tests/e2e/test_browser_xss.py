"""Every XSS vector's article output rendered by headless Chromium: nothing may run.

Each vector is parsed alone through the JSON-lines path and cleaned as Article.save()
cleans it; twenty such outputs make one article (the stored body is asserted to be exactly
their concatenation, so each vector reaches the browser as it would alone). The page is
loaded from gunicorn under the real CSP, with alert/confirm/prompt/print and friends
instrumented, and every request to another origin recorded and aborted.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
from django.utils.html import escape
from lxml import etree
from lxml import html as lxml_html

from archive import ingest, services
from archive.ingest.types import ParsedArticle
from archive.sanitize import clean_html
from tests.e2e.hostile import batches, lead, load_vectors, page_problems, say

VECTORS = load_vectors()
GROUP = 20

# Runs before any script of the page: records every way a vector could show it ran.
INSTRUMENT = """
window.__ran = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = function (...args) {
    window.__ran.push(name + "(" + String(args[0]).slice(0, 60) + ")");
  };
}
"""
# The DOM as the browser built it (HTML5 parsing, namespaces, mXSS included).
DOM_CHECK = """
() => {
  const found = [];
  const bad = /^(javascript|vbscript|data|livescript):/i;
  for (const el of document.querySelectorAll(".body *, h1 *, .meta *, .tags *")) {
    const tag = el.localName;
    if (["script", "style", "iframe", "object", "embed", "form", "base", "meta", "link",
         "svg", "math", "template", "frame", "input", "button", "textarea"].includes(tag))
      found.push("<" + tag + ">");
    for (const attr of el.attributes) {
      const value = attr.value.replace(/^[\\x00-\\x20]+/, "").replace(/[\\t\\n\\r]/g, "");
      if (attr.name.toLowerCase().startsWith("on")) found.push(tag + " " + attr.name);
      if (attr.name === "style") found.push(tag + " style");
      if (bad.test(value)) found.push(tag + " " + attr.name + "=" + value.slice(0, 40));
    }
  }
  // JSON-LD is data a browser never runs (page_problems allows it too).
  const inline = 'script:not([src]):not([type="application/ld+json"])';
  if (document.querySelectorAll(inline).length) found.push("inline script");
  return found;
}
"""


def vector_outputs() -> list[tuple[object, str]]:
    """(vector, its cleaned body alone) for every vector that leaves any text: as the
    JSON-lines importer makes it, and as the admin form makes it (clean_html on the raw
    HTML, which keeps more, https images for one)."""
    lines = [
        json.dumps({"title": f"v{v.number}", "body": f"<p>{lead(v)}</p>{v.text}"}) for v in VECTORS
    ]
    outcomes = ingest.parse("\n".join(lines).encode(), name="hostile.jsonl", format="jsonl")
    return [
        (
            v,
            clean_html(clean_html(imported))
            + "\n"
            + clean_html(clean_html(f"<p>{v.number}</p>{v.text}")),
        )
        for v, imported in zip(
            VECTORS, [o.article.body_html if o.article else "" for o in outcomes], strict=True
        )
    ]


def closed(html: str) -> str:
    """`html` with every element explicitly closed (the cleaner omits optional end tags, so a
    vector's "<li>" could otherwise swallow the next vector); the same tree a browser builds
    for it alone."""
    if not html.strip():
        return ""
    root = lxml_html.fragment_fromstring(clean_html(html), create_parent="div")
    return escape(root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )


def save_groups() -> list[tuple[object, list]]:
    """One article per twenty vectors; returns (article, vectors) pairs."""
    saved = []
    with services_batch():
        for n, group in batches(vector_outputs(), GROUP):
            body = "\n".join(output for _, output in group)
            vectors = [v for v, _ in group]
            title = " ".join(v.text for v in vectors)[:300]
            parsed = ParsedArticle(
                title=f"{title} b{n}",
                body_html=body,
                source=f"{vectors[0].text[:100]} s{n}",
                authors=[f"{vectors[1].text[:100]} a{n}"],
                tags=[("keyword", f"{vectors[2].text[:60]} g{n}")],
                raw=body.encode(),
                raw_name=f"group-{n}.html",
                raw_format="html",
            )
            result = services.save_article(parsed=parsed)
            assert result.status == services.IMPORTED, result
            # Saving cleans again: it must not have changed what each vector produced.
            assert closed(result.article.body_html) == closed(body), n
            saved.append((result.article, vectors))
    return saved


def services_batch():
    from search.index_writer import batched_index_updates

    return batched_index_updates()


@pytest.mark.skipif(not VECTORS, reason="no vectors")
def test_no_vector_runs_in_a_real_browser(watched_page, capsys):
    logging.disable(logging.WARNING)
    try:
        groups = save_groups()
    finally:
        logging.disable(logging.NOTSET)
    page = watched_page
    page.add_init_script(INSTRUMENT)
    started = time.monotonic()
    failures, remote_images = {}, []
    for article, vectors in groups:
        page.watch.clear()
        response = page.goto(article.get_absolute_url(), wait_until="load")
        assert response.status == 200
        # Give timers, autofocus and load/error handlers a moment to fire.
        page.wait_for_timeout(50)
        remote_images += page.watch.remote_images
        problems = page.watch.problems()
        problems += [f"ran: {r}" for r in page.evaluate("window.__ran")]
        problems += [f"DOM: {d}" for d in page.evaluate(DOM_CHECK)]
        problems += [f"HTML: {p}" for p in page_problems(response.text())]
        if problems:
            failures[article.title[:40]] = (
                problems[:5],
                [v.number for v in vectors],
            )
    took = time.monotonic() - started
    say(
        capsys,
        f"XSS vectors rendered in Chromium: {sum(len(v) for _, v in groups)} on "
        f"{len(groups)} article pages in {took:.1f}s; https images asked for (allowed by "
        f"policy, aborted): {len(remote_images)}",
    )
    assert failures == {}
